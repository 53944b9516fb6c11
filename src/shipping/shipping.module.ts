import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { PartnersModule } from '../partners/partners.module.js';
import { PartnerApiModule } from '../transports/api/partner-api.module.js';
import { AsnBuilderService } from './asn-builder.service.js';
import { AsnSenderService } from './asn-sender.service.js';
import { ShipNoticeDraftsController } from './ship-notice-drafts.controller.js';

/**
 * The ASN builder (docs/asn-builder.md): ship notices built in the gateway, with SSCCs and GS1-128
 * labels, submitted through the partner API's submission path.
 */
@Module({
  imports: [AuditModule, PartnersModule, PartnerApiModule],
  controllers: [ShipNoticeDraftsController],
  providers: [AsnBuilderService, AsnSenderService],
  exports: [AsnBuilderService],
})
export class ShippingModule {}
