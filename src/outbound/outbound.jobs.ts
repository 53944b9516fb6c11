import type { EntityManager } from 'typeorm';
import type { PartnerProfile } from '../partners/partner-profile.schema.js';
import { defineJob } from '../platform/jobs/job-definition.js';
import type { OutboxService } from '../platform/jobs/outbox.service.js';

export interface OutboundRenderPayload {
  /** The `outbound_intent` row to render. */
  readonly intentId: string;
}

export interface OutboundDeliverPayload {
  readonly documentId: string;
}

/**
 * Renders an outbound intent (a PO issued, changed or cancelled) in the partner's format and records
 * it for delivery. Enqueued in the transaction that records the intent, keyed by the intent id.
 */
export const OutboundRenderJob = defineJob<OutboundRenderPayload>('outbound.render');

/**
 * Delivers one outbound document through the partner's channel. Keyed by the document id (and a resend
 * number), so a document is delivered by one job at a time; the partner profile's `delivery.maxAttempts`
 * overrides the default tries.
 */
export const OutboundDeliverJob = defineJob<OutboundDeliverPayload>('outbound.deliver', {
  maxAttempts: 8,
  backoff: { baseMs: 2_000, maxMs: 30 * 60_000 },
});

/**
 * Queues a delivery try of a document (in the caller's transaction); `round` tells resends apart.
 * Shared by the rendering of a document, its resends and the acknowledgments' delivery.
 */
export async function enqueueDelivery(
  outbox: OutboxService,
  tx: EntityManager,
  documentId: string,
  partner: PartnerProfile,
  correlationId: string,
  round: string,
): Promise<void> {
  await outbox.enqueue(
    tx,
    OutboundDeliverJob,
    { documentId },
    {
      key: `${documentId}:${round}`,
      correlationId,
      maxAttempts: partner.delivery?.maxAttempts ?? OutboundDeliverJob.maxAttempts,
    },
  );
}

export interface OutboundAcknowledgePayload {
  /** The inbound archive row whose intake built acknowledgments (TA1, 997/999, CONTRL). */
  readonly interchangeId: string;
}

/**
 * Sends the acknowledgments an intake built for an inbound receipt back to its partner, through the
 * channel the receipt came by. Enqueued by the intake in the transaction that records them, keyed by
 * the receipt.
 */
export const OutboundAcknowledgeJob = defineJob<OutboundAcknowledgePayload>('outbound.acknowledge');
