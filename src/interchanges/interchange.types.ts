import type { Readable } from 'node:stream';

export type InterchangeStatus =
  'received' | 'processing' | 'processed' | 'rejected' | 'failed' | 'duplicate' | 'quarantined' | 'sent';

/** Receipts in these states were accepted: a repeat of one is a duplicate, not a new receipt. */
export const ACCEPTED_STATUSES: readonly InterchangeStatus[] = [
  'received',
  'processing',
  'processed',
  'sent',
];

export interface Receipt {
  /** The partner the channel authenticated (or whose mailbox the file came from); null when unknown. */
  readonly partnerId: string | null;
  /** sftp, as2, api, portal, mes, …: the channel that received it. */
  readonly channel: string;
  readonly direction?: 'inbound' | 'outbound';
  /** The bytes exactly as received; never re-encoded, never line-ending converted. */
  readonly payload: Buffer | Readable;
  /**
   * What the sender calls this message, for duplicate detection: `as2:<Message-ID>`,
   * `idempotency:<key>`, `x12:<sender>:<ISA13>`.
   */
  readonly callerKey?: string;
  readonly filename?: string;
  readonly contentType?: string;
  readonly metadata?: Record<string, unknown>;
  readonly correlationId?: string;
  /** Initial status of a new receipt (default received; `sent` for outbound). */
  readonly status?: InterchangeStatus;
}

export interface StoredReceipt {
  readonly id: string;
  /** new: process it. duplicate: answer as `original` was answered. quarantined: same key, other content. */
  readonly disposition: 'new' | 'duplicate' | 'quarantined';
  readonly sha256: string;
  readonly size: number;
  readonly original?: {
    readonly id: string;
    readonly status: InterchangeStatus;
    readonly answer: unknown;
    /**
     * True when the caller key matched: the sender repeats the same message (a transport retry, e.g.
     * the same AS2 Message-ID). False when only the content matched: the sender sent the same bytes
     * again as a new message (a new Message-ID, a new file), which is owed an answer of its own.
     */
    readonly byCallerKey: boolean;
  };
}

export interface ArchivedInterchange {
  readonly id: string;
  readonly direction: 'inbound' | 'outbound';
  readonly channel: string;
  readonly partnerId: string | null;
  readonly receivedAt: Date;
  readonly sha256: string;
  readonly size: number;
  readonly storage: 'inline' | 'blob';
  readonly contentType: string | null;
  readonly filename: string | null;
  readonly callerKey: string | null;
  readonly metadata: Record<string, unknown>;
  readonly status: InterchangeStatus;
  readonly statusDetail: string | null;
  readonly duplicateOf: string | null;
  readonly answer: unknown;
  readonly correlationId: string;
}

export class InterchangeNotFoundError extends Error {
  constructor(id: string) {
    super(`interchange ${id} does not exist`);
    this.name = 'InterchangeNotFoundError';
  }
}
