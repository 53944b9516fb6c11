import type { EntityManager } from 'typeorm';
import type { StoredReceipt } from '../interchanges/interchange.types.js';
import type { OutboxService } from '../platform/jobs/outbox.service.js';
import { OutboundAcknowledgeJob } from './outbound.jobs.js';

/**
 * The one rule every file and message channel (SFTP poller, hosted mailbox, AS2) follows for a
 * receipt the archive classified as a duplicate:
 *
 * - the same caller key (an AS2 resend under the same Message-ID) is a transport retry: the channel
 *   gives its own answer again (the MDN) and nothing more, so a retry never doubles the 997 a partner
 *   already has;
 * - the same bytes under a new name (a new Message-ID, the file uploaded again) are a resend by the
 *   partner, who waits for an answer: it is not processed again, but the acknowledgments the
 *   original's intake built (TA1, 997/999, CONTRL) are delivered again, named after this receipt.
 *
 * Queued in the transaction that archived the duplicate. Keyed by the partner's caller key when there
 * is one, so retries of that resend (the same new Message-ID again) answer it once; otherwise by the
 * receipt.
 */
export async function answerResendAgain(
  outbox: OutboxService,
  tx: EntityManager,
  stored: StoredReceipt,
  receipt: { readonly partnerId: string; readonly callerKey?: string; readonly correlationId?: string },
): Promise<void> {
  if (stored.disposition !== 'duplicate' || stored.original?.byCallerKey !== false) return;
  const key = receipt.callerKey ? `repeat:${receipt.partnerId}:${receipt.callerKey}` : `repeat:${stored.id}`;
  await outbox.enqueue(
    tx,
    OutboundAcknowledgeJob,
    { interchangeId: stored.id },
    { key, correlationId: receipt.correlationId },
  );
}
