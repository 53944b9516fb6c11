import { randomUUID } from 'node:crypto';
import {
  buildMdn,
  formatDisposition,
  type As2KeyPair,
  type Disposition,
  type MdnRequest,
  type Mic,
} from './protocol/index.js';

export const REPORTING_UA = 'Supplier Gateway AS2';

/** What the receipt's archive row records as its answer, so a duplicate is told exactly the same. */
export interface RecordedMdn {
  readonly contentType: string;
  /** base64 of the MDN body bytes. */
  readonly body: string;
  readonly disposition: string;
  readonly signed: boolean;
}

export const AS2_ANSWER_KEY = 'as2Mdn';

/** The HTTP answer to an AS2 request: the MDN itself, or an empty 200 when it goes asynchronously. */
export interface As2HttpAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

export interface MdnFacts {
  readonly ourId: string;
  readonly originalRecipient: string;
  readonly messageId: string;
  readonly disposition: Disposition;
  readonly mic?: Mic;
  readonly request: MdnRequest;
  readonly text?: string;
}

/** Builds the MDN (signed when the sender asked, RFC 4130 §7.4) in its recorded form. */
export async function buildRecordedMdn(facts: MdnFacts, keys: As2KeyPair): Promise<RecordedMdn> {
  const built = await buildMdn(
    {
      reportingUa: REPORTING_UA,
      originalRecipient: facts.originalRecipient,
      finalRecipient: facts.ourId,
      originalMessageId: facts.messageId,
      disposition: facts.disposition,
      mic: facts.mic,
      text: facts.text,
    },
    facts.request.signed ? { keys, digest: facts.request.micAlgorithm } : undefined,
  );
  return {
    contentType: built.contentType,
    body: built.body.toString('base64'),
    disposition: formatDisposition(facts.disposition),
    signed: facts.request.signed,
  };
}

export function recordedMdnOf(answer: unknown): RecordedMdn | undefined {
  const value = (answer as Record<string, unknown> | null | undefined)?.[AS2_ANSWER_KEY];
  return value && typeof value === 'object' ? (value as RecordedMdn) : undefined;
}

/** The AS2 headers of an MDN, over HTTP in the response or in an asynchronous POST (RFC 4130 §7.5). */
export function mdnHeaders(mdn: RecordedMdn, ourId: string, partnerAs2Id: string): Record<string, string> {
  return {
    'AS2-Version': '1.2',
    'AS2-From': quoteAs2Id(ourId),
    'AS2-To': quoteAs2Id(partnerAs2Id),
    'Message-ID': `<${randomUUID()}@supplier-gateway>`,
    'Mime-Version': '1.0',
    'Content-Type': mdn.contentType,
  };
}

export function mdnAnswer(mdn: RecordedMdn, ourId: string, partnerAs2Id: string): As2HttpAnswer {
  return {
    status: 200,
    headers: mdnHeaders(mdn, ourId, partnerAs2Id),
    body: Buffer.from(mdn.body, 'base64'),
  };
}

/** An AS2 name with blanks is sent quoted (RFC 4130 §6.2). */
function quoteAs2Id(id: string): string {
  return /[ "\\]/.test(id) ? `"${id.replace(/(["\\])/g, '\\$1')}"` : id;
}
