import { Module } from '@nestjs/common';
import { ExceptionsModule } from '../exceptions/exceptions.module.js';
import { PartnersModule } from '../partners/partners.module.js';
import { JobsModule } from '../platform/jobs/jobs.module.js';
import { TranslationModule } from '../translation/translation.module.js';
import { As2Module } from '../transports/as2/as2.module.js';
import { SftpModule } from '../transports/sftp/sftp.module.js';
import { FunctionalAckListener } from './functional-ack.listener.js';
import { FunctionalAckTimers } from './functional-ack-timers.js';
import { OutboundAdminController, PartnerOutboundController } from './outbound.controllers.js';
import { OutboundDeliveryService } from './outbound-delivery.service.js';
import { OutboundDocumentRepository } from './outbound-document.repository.js';
import { OutboundIntentService } from './outbound-intent.service.js';
import { OutboundWithdrawalService } from './outbound-withdrawal.service.js';
import { AcknowledgmentDeliveryService } from './acknowledgment-delivery.service.js';
import {
  OutboundAcknowledgeJobHandler,
  OutboundDeliverJobHandler,
  OutboundRenderJobHandler,
} from './outbound-job.handlers.js';
import { OutboundAcknowledgeJob, OutboundDeliverJob, OutboundRenderJob } from './outbound.jobs.js';
import { OutboundRenderer } from './outbound-renderer.js';
import { OutboundTransports } from './outbound-transports.js';
import { PlatformAnswerPoller } from './platform-answer.poller.js';
import { PlatformTransport } from './transports/platform.transport.js';
import { ApiPullTransport } from './transports/pull.transports.js';
import { MailboxTransport, SftpUploadTransport } from './transports/sftp.transports.js';
import { WebhookTransport } from './transports/webhook.transport.js';
import { WebhookDeliverJob, WebhookDeliverJobHandler } from './webhooks/webhook-delivery.job.js';
import {
  PartnerWebhooksController,
  WebhooksAdminController,
} from './webhooks/webhook-subscriptions.controller.js';
import { WebhookMessageService } from './webhooks/webhook-messages.service.js';
import { WebhookSubscriptionService } from './webhooks/webhook-subscriptions.service.js';

/**
 * Outbound delivery (docs/outbound.md): every document for a partner rendered, archived, delivered
 * through its channel with retries and a terminal state, and its functional acknowledgment watched.
 */
@Module({
  imports: [
    JobsModule.forFeature([OutboundRenderJob, OutboundDeliverJob, OutboundAcknowledgeJob, WebhookDeliverJob]),
    PartnersModule,
    ExceptionsModule,
    TranslationModule,
    SftpModule,
    As2Module,
  ],
  controllers: [
    OutboundAdminController,
    PartnerOutboundController,
    PartnerWebhooksController,
    WebhooksAdminController,
  ],
  providers: [
    OutboundDocumentRepository,
    OutboundRenderer,
    OutboundIntentService,
    OutboundDeliveryService,
    OutboundWithdrawalService,
    OutboundRenderJobHandler,
    OutboundDeliverJobHandler,
    OutboundAcknowledgeJobHandler,
    AcknowledgmentDeliveryService,
    OutboundTransports,
    MailboxTransport,
    SftpUploadTransport,
    WebhookTransport,
    PlatformTransport,
    ApiPullTransport,
    FunctionalAckListener,
    FunctionalAckTimers,
    PlatformAnswerPoller,
    WebhookSubscriptionService,
    WebhookMessageService,
    WebhookDeliverJobHandler,
  ],
  exports: [OutboundDeliveryService, OutboundWithdrawalService],
})
export class OutboundModule {}
