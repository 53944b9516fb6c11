import { Module } from '@nestjs/common';
import { ExceptionsModule } from '../../exceptions/exceptions.module.js';
import { PartnersModule } from '../../partners/partners.module.js';
import { ProcurementModule } from '../../procurement/procurement.module.js';
import { TranslationModule } from '../../translation/translation.module.js';
import { DocumentSubmissionService } from './document-submission.service.js';
import { PartnerDocumentsController } from './partner-documents.controller.js';
import { PartnerDocumentsRepository } from './partner-documents.repository.js';
import { PartnerRawBodyCapture } from './partner-http.js';
import { PartnerOrdersController } from './partner-orders.controller.js';
import { PartnerOrdersRepository } from './partner-orders.repository.js';

/**
 * The partner REST API (`/partner/v1`): document submission in X12, EDIFACT or partner JSON, receipt
 * status and acknowledgments, the partner's orders and its answers to them (docs/partner-api.md).
 */
@Module({
  imports: [PartnersModule, ExceptionsModule, TranslationModule, ProcurementModule],
  controllers: [PartnerDocumentsController, PartnerOrdersController],
  providers: [
    PartnerRawBodyCapture,
    DocumentSubmissionService,
    PartnerDocumentsRepository,
    PartnerOrdersRepository,
  ],
  exports: [DocumentSubmissionService],
})
export class PartnerApiModule {}
