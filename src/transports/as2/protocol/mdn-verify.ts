import { timingSafeEqual, type X509Certificate } from 'node:crypto';

import { parseMicAlgorithm, type MicAlgorithm } from './algorithms.js';
import { As2DispositionError } from './disposition.js';
import type { Mic } from './mic.js';
import { decodeBody, entityFromHttp, MimeError, splitMultipart, type MimeEntity } from './mime.js';
import { verifySignedData } from './verify.js';

export interface MdnExpectation {
  /** The Message-ID we sent (with or without angle brackets). */
  readonly messageId: string;
  /** The MIC we computed when building the message. */
  readonly mic: Mic;
  /**
   * Our MIC in other algorithms, any of which an unsigned MDN may carry instead of `mic`: given when
   * our request named no MIC algorithm (no Disposition-Notification-Options), since RFC 4130 does not
   * say which one the receiver then uses. A signed MDN must carry `mic`.
   */
  readonly otherMics?: readonly Mic[];
  /** We asked for a signed MDN: an unsigned one is then never accepted. */
  readonly signedRequested: boolean;
  /** The partner's pinned certificates; only these can sign its MDNs. */
  readonly partnerCertificates: readonly X509Certificate[];
  /** Signature digests accepted; default sha-256/384/512. */
  readonly allowedDigests?: readonly MicAlgorithm[];
  readonly now?: Date;
}

export interface MdnFields {
  readonly originalMessageId?: string;
  readonly disposition?: string;
  readonly receivedContentMic?: string;
}

export type MdnVerdict =
  | {
      readonly delivered: true;
      readonly signed: boolean;
      readonly fields: MdnFields;
      /** Which of our MICs the Received-content-MIC equals (undefined: the MDN has none). */
      readonly mic: Mic | undefined;
      readonly detail: string;
    }
  | {
      readonly delivered: false;
      readonly reason: string;
      readonly fields?: MdnFields;
      /**
       * The refusal comes from the partner: a signature of its pinned certificate verified (or an
       * unsigned MDN was acceptable). False when anyone could have sent it (unsigned when a signed MDN
       * was requested, a signature that does not verify, an unreadable MDN).
       */
      readonly authentic: boolean;
    };

/**
 * Verifies a synchronous or asynchronous MDN (RFC 4130 §7.4, RFC 3798) against the message it answers:
 * the signature only against the partner's pinned certificates, Original-Message-ID equal to ours, a
 * `processed` disposition, and a Received-content-MIC equal to ours (digest and algorithm). A
 * different MIC, a signed MDN without one, or an unsigned MDN when a signed one was asked for, is
 * never delivered. An unsigned MDN (acceptable only when none signed was asked for) may leave the MIC
 * out: it is "required for signed receipts but optional for unsigned receipts" (RFC 4130 §7.4.3); its
 * MIC may be any of `otherMics` too, and the detail then says which algorithm it matched.
 */
export function verifyMdn(
  headers: Readonly<Record<string, string | readonly string[] | undefined>>,
  body: Buffer,
  expected: MdnExpectation,
): MdnVerdict {
  let report: MimeEntity;
  let signed = false;
  try {
    const outer = entityFromHttp(headers, body);
    if (outer.contentType.mediaType === 'multipart/signed') {
      const [content, signature] = splitMultipart(outer);
      if (!content || !signature)
        return { delivered: false, reason: 'the signed MDN lacks a part', authentic: false };
      verifySignedData(decodeBody(signature), content.raw, {
        requireSigned: true,
        requireEncrypted: false,
        partnerCertificates: expected.partnerCertificates,
        ourKeys: [],
        allowLegacy: false,
        allowRsaPkcs1v15: false,
        allowedDigests: expected.allowedDigests ?? ['sha-256', 'sha-384', 'sha-512'],
        maxDecompressedBytes: 0,
        now: expected.now,
      });
      signed = true;
      report = content;
    } else {
      if (expected.signedRequested)
        return {
          delivered: false,
          reason: 'a signed MDN was requested but the MDN is not signed',
          authentic: false,
        };
      report = outer;
    }
  } catch (error) {
    if (error instanceof As2DispositionError)
      return {
        delivered: false,
        reason: `the MDN signature does not verify: ${error.detail}`,
        authentic: false,
      };
    return { delivered: false, reason: `unreadable MDN: ${(error as Error).message}`, authentic: false };
  }
  let fields: MdnFields;
  try {
    fields = dispositionFields(report);
  } catch (error) {
    return { delivered: false, reason: `unreadable MDN: ${(error as Error).message}`, authentic: true };
  }
  const verdict = judge(fields, expected, signed);
  if ('reason' in verdict) return { delivered: false, reason: verdict.reason, fields, authentic: true };
  return {
    delivered: true,
    signed,
    fields,
    mic: verdict.mic,
    detail: `${signed ? 'signed' : 'unsigned'} MDN: ${fields.disposition}; ${micDetail(fields, verdict.mic, expected)}`,
  };
}

function micDetail(fields: MdnFields, matched: Mic | undefined, expected: MdnExpectation): string {
  if (!fields.receivedContentMic || !matched) return 'no Received-content-MIC';
  if (matched.algorithm === expected.mic.algorithm) return `MIC ${fields.receivedContentMic}`;
  return `MIC ${fields.receivedContentMic} (no MIC algorithm requested: it matches ours computed with ${matched.algorithm})`;
}

/**
 * The fields of an MDN read **without** verifying anything, to find the message an asynchronous MDN
 * claims to answer (its Original-Message-ID). Nothing read here may be trusted before `verifyMdn`.
 */
export function peekMdn(
  headers: Readonly<Record<string, string | readonly string[] | undefined>>,
  body: Buffer,
): { readonly signed: boolean; readonly fields: MdnFields } | { readonly error: string } {
  try {
    const outer = entityFromHttp(headers, body);
    if (outer.contentType.mediaType === 'multipart/signed') {
      const [content] = splitMultipart(outer);
      if (!content) return { error: 'the signed MDN lacks a part' };
      return { signed: true, fields: dispositionFields(content) };
    }
    return { signed: false, fields: dispositionFields(outer) };
  } catch (error) {
    return { error: `unreadable MDN: ${(error as Error).message}` };
  }
}

/** Why the MDN does not deliver, or which of our MICs it carries. */
function judge(
  fields: MdnFields,
  expected: MdnExpectation,
  signed: boolean,
): { readonly reason: string } | { readonly mic: Mic | undefined } {
  if (bare(fields.originalMessageId ?? '') !== bare(expected.messageId))
    return {
      reason: `the MDN answers Message-ID ${fields.originalMessageId ?? '(none)'}, not ${expected.messageId}`,
    };
  const disposition = fields.disposition ?? '';
  const result = disposition.slice(disposition.indexOf(';') + 1).trim();
  if (!/^processed\s*$/i.test(result) && !/^processed\s*\/\s*warning/i.test(result))
    return { reason: `the partner answered ${disposition || '(no disposition)'}` };
  if (!fields.receivedContentMic)
    return signed ? { reason: 'the MDN has no Received-content-MIC' } : { mic: undefined };
  const [digest = '', algorithmName = ''] = fields.receivedContentMic.split(',').map((s) => s.trim());
  const algorithm = parseMicAlgorithm(algorithmName);
  const candidates = signed ? [expected.mic] : [expected.mic, ...(expected.otherMics ?? [])];
  const ours = candidates.find((mic) => mic.algorithm === algorithm);
  if (!ours || !sameDigest(ours.digest, digest)) {
    const shown = ours ?? expected.mic;
    return {
      reason: `the Received-content-MIC ${fields.receivedContentMic} is not ours (${shown.digest}, ${shown.algorithm})`,
    };
  }
  return { mic: ours };
}

function sameDigest(ours: string, theirs: string): boolean {
  const a = Buffer.from(ours, 'base64');
  const b = Buffer.from(theirs, 'base64');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The fields of the message/disposition-notification part of a multipart/report. */
function dispositionFields(report: MimeEntity): MdnFields {
  if (report.contentType.mediaType !== 'multipart/report')
    throw new MimeError(`expected multipart/report, got ${report.contentType.mediaType}`);
  const part = splitMultipart(report).find(
    (p) => p.contentType.mediaType === 'message/disposition-notification',
  );
  if (!part) throw new MimeError('no message/disposition-notification part');
  // Per-message and per-recipient field groups are separated by an empty line (RFC 3798 §3.1).
  const fields: [string, string][] = [];
  for (const line of decodeBody(part).toString('latin1').split(/\r?\n/)) {
    if (line.trim() === '') continue;
    const last = fields.at(-1);
    if ((line[0] === ' ' || line[0] === '\t') && last) last[1] += ' ' + line.trim();
    else if (line.includes(':'))
      fields.push([
        line.slice(0, line.indexOf(':')).trim().toLowerCase(),
        line.slice(line.indexOf(':') + 1).trim(),
      ]);
  }
  const value = (name: string): string | undefined => fields.find(([n]) => n === name)?.[1];
  return {
    originalMessageId: value('original-message-id'),
    disposition: value('disposition'),
    receivedContentMic: value('received-content-mic'),
  };
}

function bare(messageId: string): string {
  return messageId.trim().replace(/^<|>$/g, '');
}
