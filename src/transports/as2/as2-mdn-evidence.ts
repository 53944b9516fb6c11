import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { InterchangeArchive } from '../../interchanges/interchange-archive.service.js';
import type { InterchangeStatus, StoredReceipt } from '../../interchanges/interchange.types.js';
import { currentCorrelationId } from '../../platform/logging/correlation.js';

/** The archive channel of MDNs partners send us (answers to our outbound messages). */
export const AS2_MDN_CHANNEL = 'as2-mdn';

export interface MdnEvidence {
  readonly partnerId: string | null;
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  readonly body: Buffer;
  /** processed: it decided the message delivered; rejected: refused, or it matches nothing. */
  readonly status: Extract<InterchangeStatus, 'processed' | 'rejected'>;
  readonly detail: string;
  readonly metadata: Record<string, unknown>;
  readonly correlationId?: string;
}

/**
 * Every MDN a partner sends us, synchronous or asynchronous, is archived byte for byte (channel
 * `as2-mdn`, inbound) before anything acts on it: it is the evidence that the partner received a
 * message (RFC 4130 §7.3: non-repudiation of receipt), or the record of an MDN that matched nothing.
 */
@Injectable()
export class As2MdnEvidence {
  constructor(private readonly archive: InterchangeArchive) {}

  /** Re-states an archived MDN's status in the caller's transaction (e.g. a verified MDN that came late). */
  async note(tx: EntityManager, id: string, status: MdnEvidence['status'], detail: string): Promise<void> {
    await this.archive.setStatus(id, status, clip(detail), tx);
  }

  async archiveMdn(
    evidence: MdnEvidence,
    withinTransaction?: (tx: EntityManager, stored: StoredReceipt) => Promise<void>,
  ): Promise<StoredReceipt> {
    return this.archive.receive(
      {
        partnerId: evidence.partnerId,
        channel: AS2_MDN_CHANNEL,
        payload: evidence.body,
        contentType: header(evidence.headers, 'content-type'),
        status: evidence.status,
        metadata: { ...evidence.metadata, headers: safeHeaders(evidence.headers), verdict: evidence.detail },
        correlationId: evidence.correlationId ?? currentCorrelationId(),
      },
      async (tx, stored) => {
        // A repeat of an earlier MDN is linked as a duplicate by the archive; its status says so.
        if (stored.disposition === 'new')
          await this.archive.setStatus(stored.id, evidence.status, clip(evidence.detail), tx);
        if (withinTransaction) await withinTransaction(tx, stored);
      },
    );
  }
}

const SECRET_HEADERS = new Set(['authorization', 'cookie', 'proxy-authorization']);

function safeHeaders(headers: MdnEvidence['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || SECRET_HEADERS.has(name.toLowerCase())) continue;
    out[name.toLowerCase()] = typeof value === 'string' ? value : value.join(', ');
  }
  return out;
}

export function header(headers: MdnEvidence['headers'], name: string): string | undefined {
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== name || value === undefined) continue;
    return typeof value === 'string' ? value.trim() : value.join(', ').trim();
  }
  return undefined;
}

function clip(text: string): string {
  return text.length <= 500 ? text : `${text.slice(0, 499)}…`;
}
