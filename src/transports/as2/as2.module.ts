import { Module } from '@nestjs/common';
import { ExceptionsModule } from '../../exceptions/exceptions.module.js';
import { PartnersModule } from '../../partners/partners.module.js';
import { JobsModule } from '../../platform/jobs/jobs.module.js';
import { As2CertificateSweep } from './as2-certificate-sweep.service.js';
import { As2FailureAlerts } from './as2-failure-alerts.service.js';
import { As2FailureThrottle } from './as2-failure-throttle.js';
import { As2MdnEvidence } from './as2-mdn-evidence.js';
import { As2MdnJob, As2MdnJobHandler } from './as2-mdn.job.js';
import { As2MdnReceiptService } from './as2-mdn-receipt.service.js';
import { As2OutboundMessages } from './as2-outbound-message.repository.js';
import { As2Partnerships } from './as2-partnerships.service.js';
import { As2RawBodyCapture } from './as2-raw-body.js';
import { As2ReceiveService } from './as2-receive.service.js';
import { As2SendTransport } from './as2-send.transport.js';
import { As2Controller } from './as2.controller.js';

/**
 * AS2 (docs/as2.md): the receive endpoint around the framework-free protocol core in `protocol/`.
 * The intake jobs it queues are handled by the translation module; the send transport is the outbound
 * delivery's `as2` channel.
 */
@Module({
  imports: [PartnersModule, ExceptionsModule, JobsModule.forFeature([As2MdnJob])],
  controllers: [As2Controller],
  providers: [
    As2RawBodyCapture,
    As2Partnerships,
    As2ReceiveService,
    As2MdnJobHandler,
    As2FailureAlerts,
    As2FailureThrottle,
    As2CertificateSweep,
    As2SendTransport,
    As2OutboundMessages,
    As2MdnEvidence,
    As2MdnReceiptService,
  ],
  // The outbound delivery sends documents for AS2 partners through it.
  exports: [As2SendTransport, As2Partnerships],
})
export class As2Module {}
