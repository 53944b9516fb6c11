import { randomBytes } from 'node:crypto';

import type { MicAlgorithm } from './algorithms.js';
import { formatDisposition, type Disposition } from './disposition.js';
import { formatMic, type Mic } from './mic.js';
import type { As2KeyPair } from './policy.js';
import { signDetached } from './sign.js';

export interface MdnInput {
  /** Our product, e.g. `Supplier Gateway AS2`. */
  readonly reportingUa: string;
  /** The AS2-To of the original message (our AS2 id as the sender addressed it). */
  readonly originalRecipient: string;
  /** Our AS2 id. */
  readonly finalRecipient: string;
  readonly originalMessageId: string;
  readonly disposition: Disposition;
  /** Omitted when the message could not be read far enough to compute one. */
  readonly mic?: Mic;
  /** The human-readable first part; a default text describes the disposition. */
  readonly text?: string;
}

export interface BuiltMdn {
  /** The Content-Type of the HTTP response or request carrying the MDN. */
  readonly contentType: string;
  readonly body: Buffer;
}

const CRLF = '\r\n';

/**
 * The MDN (RFC 3798, RFC 4130 §7.4): a multipart/report with a human-readable part and a
 * message/disposition-notification part; signed as multipart/signed (RFC 1847, RFC 5751) with a
 * detached CMS signature when `signer` is given.
 */
export async function buildMdn(
  input: MdnInput,
  signer?: { readonly keys: As2KeyPair; readonly digest: MicAlgorithm },
): Promise<BuiltMdn> {
  const report = buildReport(input);
  if (!signer) return report;
  const entity = Buffer.from(`Content-Type: ${report.contentType}${CRLF}${CRLF}`, 'latin1');
  const signedPart = Buffer.concat([entity, report.body]);
  const signature = await signDetached(
    signedPart,
    signer.keys.privateKey,
    signer.keys.certificate,
    signer.digest,
  );
  const boundary = newBoundary();
  const body = Buffer.concat([
    Buffer.from(`--${boundary}${CRLF}`, 'latin1'),
    signedPart,
    Buffer.from(
      [
        '',
        `--${boundary}`,
        'Content-Type: application/pkcs7-signature; name=smime.p7s',
        'Content-Transfer-Encoding: base64',
        'Content-Disposition: attachment; filename=smime.p7s',
        '',
        ...wrapBase64(signature),
        `--${boundary}--`,
        '',
      ].join(CRLF),
      'latin1',
    ),
  ]);
  return {
    contentType: `multipart/signed; protocol="application/pkcs7-signature"; micalg=${signer.digest}; boundary="${boundary}"`,
    body,
  };
}

function buildReport(input: MdnInput): BuiltMdn {
  for (const value of [
    input.reportingUa,
    input.originalRecipient,
    input.finalRecipient,
    input.originalMessageId,
  ]) {
    // Header injection: these come partly from the sender's headers.
    if (/[\r\n]/.test(value)) throw new Error('MDN field values must not contain line breaks');
  }
  const boundary = newBoundary();
  const fields = [
    `Reporting-UA: ${input.reportingUa}`,
    `Original-Recipient: rfc822; ${input.originalRecipient}`,
    `Final-Recipient: rfc822; ${input.finalRecipient}`,
    `Original-Message-ID: ${input.originalMessageId}`,
    ...(input.mic ? [`Received-content-MIC: ${formatMic(input.mic)}`] : []),
    `Disposition: ${formatDisposition(input.disposition)}`,
  ];
  const body = [
    `--${boundary}`,
    'Content-Type: text/plain; charset=us-ascii',
    'Content-Transfer-Encoding: 7bit',
    '',
    input.text ?? defaultText(input),
    `--${boundary}`,
    'Content-Type: message/disposition-notification',
    'Content-Transfer-Encoding: 7bit',
    '',
    ...fields,
    '',
    `--${boundary}--`,
    '',
  ].join(CRLF);
  return {
    contentType: `multipart/report; report-type=disposition-notification; boundary="${boundary}"`,
    body: Buffer.from(body, 'latin1'),
  };
}

function defaultText(input: MdnInput): string {
  const subject = `The AS2 message ${input.originalMessageId} sent to ${input.originalRecipient}`;
  switch (input.disposition.kind) {
    case 'processed':
      return `${subject} was received and stored. This receipt does not confirm the business content.`;
    case 'warning':
      return `${subject} was received with a warning: ${input.disposition.text}.`;
    case 'error':
      return `${subject} was not processed: ${input.disposition.modifier}.`;
    case 'failed':
      return `${subject} was not processed: ${input.disposition.failure}.`;
  }
}

function newBoundary(): string {
  return `----=_AS2_${randomBytes(16).toString('hex')}`;
}

function wrapBase64(bytes: Buffer): string[] {
  const text = bytes.toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < text.length; i += 76) lines.push(text.slice(i, i + 76));
  return lines;
}
