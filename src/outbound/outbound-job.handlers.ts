import { Injectable } from '@nestjs/common';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { PartnerRegistry } from '../partners/partner-registry.js';
import {
  DeferJobError,
  PermanentJobError,
  type JobContext,
  type JobHandler,
} from '../platform/jobs/job-definition.js';
import { HandlesJob } from '../platform/jobs/job-handler.decorator.js';
import { RefusedTargetError } from './safe-http.js';
import { OutboundDeliveryService } from './outbound-delivery.service.js';
import { OutboundDocumentRepository } from './outbound-document.repository.js';
import { OutboundIntentService } from './outbound-intent.service.js';
import { AcknowledgmentDeliveryService } from './acknowledgment-delivery.service.js';
import {
  OutboundAcknowledgeJob,
  OutboundDeliverJob,
  OutboundRenderJob,
  type OutboundAcknowledgePayload,
  type OutboundDeliverPayload,
  type OutboundRenderPayload,
} from './outbound.jobs.js';
import { DeliveryThrottledError, PermanentDeliveryError } from './outbound.types.js';
import { OutboundTransports } from './outbound-transports.js';

@Injectable()
@HandlesJob(OutboundRenderJob)
export class OutboundRenderJobHandler implements JobHandler<OutboundRenderPayload> {
  constructor(private readonly intents: OutboundIntentService) {}

  async handle(payload: OutboundRenderPayload): Promise<void> {
    await this.intents.renderIntent(payload.intentId);
  }
}

@Injectable()
@HandlesJob(OutboundAcknowledgeJob)
export class OutboundAcknowledgeJobHandler implements JobHandler<OutboundAcknowledgePayload> {
  constructor(private readonly acknowledgments: AcknowledgmentDeliveryService) {}

  async handle(payload: OutboundAcknowledgePayload): Promise<void> {
    await this.acknowledgments.send(payload.interchangeId);
  }
}

/**
 * One delivery try. The receiver asking us to wait (429/503 with Retry-After) is not a failed try; a
 * permanent refusal fails the document at once; any other failure is retried with backoff until the
 * last try, which fails the document and raises `outbound.delivery-failed` for a resend or a cancel.
 */
@Injectable()
@HandlesJob(OutboundDeliverJob)
export class OutboundDeliverJobHandler implements JobHandler<OutboundDeliverPayload> {
  constructor(
    private readonly outbound: OutboundDeliveryService,
    private readonly documents: OutboundDocumentRepository,
    private readonly partners: PartnerRegistry,
    private readonly transports: OutboundTransports,
    @InjectPinoLogger(OutboundDeliverJobHandler.name) private readonly logger: PinoLogger,
  ) {}

  async handle(payload: OutboundDeliverPayload, context: JobContext): Promise<void> {
    const document = await this.documents.get(payload.documentId);
    if (document?.status === 'cancelled') {
      // A try of a transport that concludes later (an AS2 MDN) may since have proved delivery.
      const proved = await this.transports.for(document.channel).provedAfterCancel?.(document);
      if (proved) await this.outbound.delivered(document, 'delivered', proved.detail, proved.platformRef);
      return;
    }
    if (!document || document.status !== 'pending') return; // delivered or failed meanwhile
    const partner = this.partners.get(document.partnerId);
    if (!partner) {
      if (!(await this.outbound.fail(document, 'the partner is no longer configured', context))) return;
      throw new PermanentJobError(`partner ${document.partnerId} is gone`);
    }
    // The bytes with the Content-Type (and charset) they were archived with, for the channels that label them.
    const content = await this.outbound.content(document);
    try {
      const result = await this.transports.for(document.channel).deliver(document, content, partner);
      await this.outbound.delivered(
        document,
        result.outcome,
        result.detail,
        result.outcome === 'delivered' ? result.platformRef : undefined,
      );
    } catch (error) {
      if (error instanceof DeliveryThrottledError) {
        await this.documents.noteNow(document.id, error.message);
        throw new DeferJobError(error.message, error.retryAfterMs);
      }
      const message = (error as Error).message;
      await this.documents.countAttemptNow(document.id, message);
      const permanent = error instanceof PermanentDeliveryError || error instanceof RefusedTargetError;
      if (permanent || context.attempt >= context.maxAttempts) {
        const reason = permanent ? message : `${message} (after ${context.attempt} tries)`;
        // Cancelled while the try was under way: nothing to raise, nothing for the dead letters.
        if (!(await this.outbound.fail(document, reason, context))) return;
        throw new PermanentJobError(message, { cause: error });
      }
      this.logger.warn(
        { document: document.id, attempt: context.attempt, err: error },
        'delivery try failed',
      );
      throw error;
    }
  }
}
