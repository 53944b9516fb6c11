import { Injectable } from '@nestjs/common';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import type { GatewayConfig } from '../config/config.js';
import { InjectConfig } from '../config/config.module.js';
import { detectEdiStandard, ediSniffHead } from '../edi/core/detect.js';
import { InterchangeArchive } from '../interchanges/interchange-archive.service.js';
import type { PartnerProfile } from '../partners/partner-profile.schema.js';
import { PartnerRegistry } from '../partners/partner-registry.js';
import { LeaseService } from '../platform/jobs/lease.service.js';
import { LeasedSweep } from '../platform/jobs/leased-sweep.js';
import { OutboxService } from '../platform/jobs/outbox.service.js';
import { EdifactIntakeJob } from '../translation/edifact-intake.job.js';
import { X12IntakeJob } from '../translation/x12-intake.job.js';
import { OutboundDocumentRepository } from './outbound-document.repository.js';
import { DeliveryThrottledError } from './outbound.types.js';
import { PlatformTransport } from './transports/platform.transport.js';

interface StatusAnswer {
  status?: string;
  acknowledgment?: { contentType?: string; content?: string };
}

/**
 * Asks each supplier platform, every `delivery.platform.pollSeconds`, about the documents it took and
 * has not answered yet. An acknowledgment the platform returns is archived as an inbound receipt of the
 * partner (channel `platform`, caller key `platform-answer:<platform id>`, so asking again archives a
 * duplicate, never a second answer) and read by the same intake as one dropped on SFTP. A 429 from the
 * platform pauses that platform for its Retry-After. One process polls at a time (lease).
 */
@Injectable()
export class PlatformAnswerPoller extends LeasedSweep {
  private readonly nextPoll = new Map<string, number>();

  constructor(
    @InjectConfig() config: GatewayConfig,
    private readonly partners: PartnerRegistry,
    private readonly documents: OutboundDocumentRepository,
    private readonly platforms: PlatformTransport,
    private readonly archive: InterchangeArchive,
    private readonly outbox: OutboxService,
    leases: LeaseService,
    @InjectPinoLogger(PlatformAnswerPoller.name) private readonly logger: PinoLogger,
  ) {
    super({ name: 'outbound-platform-answers', everyMs: 1_000 }, config, leases, logger);
  }

  protected override wanted(): boolean {
    return this.partners.all().some((p) => p.delivery?.channel === 'platform');
  }

  protected pass(now: Date, signal: AbortSignal): Promise<void> {
    return this.pollDue(now.getTime(), signal);
  }

  /** Polls every platform partner whose turn it is at `now`. */
  async pollDue(now: number, signal?: AbortSignal): Promise<void> {
    for (const partner of this.partners.all()) {
      const settings = partner.delivery?.channel === 'platform' ? partner.delivery.platform : undefined;
      if (!settings || (this.nextPoll.get(partner.id) ?? 0) > now || signal?.aborted) continue;
      this.nextPoll.set(partner.id, now + settings.pollSeconds * 1000);
      try {
        await this.poll(partner);
      } catch (error) {
        if (error instanceof DeliveryThrottledError) {
          this.nextPoll.set(partner.id, now + error.retryAfterMs);
          this.logger.info(
            { partner: partner.id, retryAfterMs: error.retryAfterMs },
            'platform asked us to wait',
          );
        } else this.logger.warn({ partner: partner.id, err: error }, 'platform poll failed');
      }
    }
  }

  /** Asks the platform about every document of this partner still waiting for its answer. */
  async poll(partner: PartnerProfile): Promise<number> {
    const settings = partner.delivery!.platform!;
    const client = this.platforms.client(partner);
    let answered = 0;
    for (const waiting of await this.documents.platformAwaitingAnswer(partner.id)) {
      const url = settings.statusUrl.replace(/\{id\}|%7Bid%7D/g, encodeURIComponent(waiting.platformRef));
      const { response, what } = await client.call('GET', url);
      if (response.status !== 200) {
        this.logger.warn({ partner: partner.id, document: waiting.id }, what);
        continue;
      }
      const answer = JSON.parse(response.body.toString('utf8')) as StatusAnswer;
      const content = answer.acknowledgment?.content;
      if (answer.status !== 'acknowledged' || typeof content !== 'string') continue;
      const payload = Buffer.from(content, 'utf8');
      const standard = detectEdiStandard(ediSniffHead(payload)).standard;
      await this.archive.receive(
        {
          partnerId: partner.id,
          channel: 'platform',
          payload,
          callerKey: `platform-answer:${waiting.platformRef}`,
          contentType: answer.acknowledgment?.contentType,
          filename: `platform-answer-${waiting.platformRef}`,
          metadata: {
            platform: client.name(),
            platformRef: waiting.platformRef,
            outboundDocument: waiting.id,
            standard,
          },
          correlationId: waiting.correlationId,
        },
        async (tx, stored) => {
          if (stored.disposition !== 'new') return;
          if (standard === 'unknown') {
            await this.archive.setStatus(
              stored.id,
              'rejected',
              `${client.name()} answered with neither X12 nor EDIFACT`,
              tx,
            );
            return;
          }
          const job = standard === 'x12' ? X12IntakeJob : EdifactIntakeJob;
          await this.outbox.enqueue(tx, job, { interchangeId: stored.id }, { key: stored.id });
        },
      );
      answered += 1;
    }
    return answered;
  }
}
