import { Injectable } from '@nestjs/common';
import type { GatewayConfig } from '../../config/config.js';
import { InjectConfig } from '../../config/config.module.js';
import { InterchangeArchive } from '../../interchanges/interchange-archive.service.js';
import { InterchangeNotFoundError } from '../../interchanges/interchange.types.js';
import { RefusedTargetError, safeRequest } from '../../outbound/safe-http.js';
import { PartnerRegistry } from '../../partners/partner-registry.js';
import { defineJob, PermanentJobError, type JobHandler } from '../../platform/jobs/job-definition.js';
import { HandlesJob } from '../../platform/jobs/job-handler.decorator.js';
import { mdnHeaders, recordedMdnOf } from './as2-answer.js';

export interface As2MdnPayload {
  /** The archive row whose recorded MDN is sent. */
  readonly interchangeId: string;
  readonly partnerId: string;
  /** The sender's `Receipt-Delivery-Option`, already checked against the partner's list. */
  readonly url: string;
  /** The sender's AS2-From, the AS2-To of the MDN. */
  readonly partnerAs2Id: string;
}

/**
 * Delivers an asynchronous MDN (RFC 4130 §7.3) to the URL the sender asked for. Queued in the
 * transaction that archived the message and recorded the MDN; retried with backoff for about a day
 * (senders wait 15 minutes and more for async MDNs).
 */
export const As2MdnJob = defineJob<As2MdnPayload>('as2.send-mdn', {
  maxAttempts: 12,
  backoff: { baseMs: 5_000, maxMs: 60 * 60_000 },
});

@Injectable()
@HandlesJob(As2MdnJob)
export class As2MdnJobHandler implements JobHandler<As2MdnPayload> {
  constructor(
    private readonly archive: InterchangeArchive,
    private readonly partners: PartnerRegistry,
    @InjectConfig() private readonly config: GatewayConfig,
  ) {}

  async handle(payload: As2MdnPayload): Promise<void> {
    // Checked again: the profile may have dropped the URL since the message came in.
    const settings = this.partners.get(payload.partnerId)?.channels.as2;
    if (!settings?.enabled || !settings.mdn.allowAsync || !settings.mdn.asyncUrls.includes(payload.url))
      throw new PermanentJobError(
        `${payload.url} is no longer an allowed async MDN URL of ${payload.partnerId}`,
      );
    let mdn;
    try {
      mdn = recordedMdnOf((await this.archive.get(payload.interchangeId)).answer);
    } catch (error) {
      if (error instanceof InterchangeNotFoundError)
        throw new PermanentJobError(error.message, { cause: error });
      throw error;
    }
    if (!mdn) throw new PermanentJobError(`interchange ${payload.interchangeId} has no recorded MDN`);
    try {
      const response = await safeRequest({
        method: 'POST',
        url: payload.url,
        headers: mdnHeaders(mdn, this.config.AS2_ID, payload.partnerAs2Id),
        body: Buffer.from(mdn.body, 'base64'),
        timeoutMs: 30_000,
        allowPrivate: this.config.OUTBOUND_ALLOW_PRIVATE_TARGETS,
        maxResponseBytes: 64 * 1024,
      });
      if (response.status < 200 || response.status >= 300)
        throw new Error(`async MDN to ${payload.url} answered HTTP ${response.status}`);
    } catch (error) {
      if (error instanceof RefusedTargetError) throw new PermanentJobError(error.message, { cause: error });
      throw error;
    }
  }
}
