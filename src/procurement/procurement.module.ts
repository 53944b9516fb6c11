import { Module } from '@nestjs/common';
import { ErpModule } from '../erp/erp.module.js';
import { JobsModule } from '../platform/jobs/jobs.module.js';
import { ExceptionsModule } from '../exceptions/exceptions.module.js';
import { OutboundModule } from '../outbound/outbound.module.js';
import { PartnersModule } from '../partners/partners.module.js';
import { TranslationModule } from '../translation/translation.module.js';
import { AcknowledgmentSla } from './acknowledgment-sla.js';
import { AcknowledgmentService } from './acknowledgment.service.js';
import { BuyerDecisionService } from './buyer-decision.service.js';
import { BuyerExceptionsController } from './buyer-exceptions.controller.js';
import { ChangeRefusalHooks } from './change-refusal.hooks.js';
import { ErpOrdersController } from './erp-orders.controller.js';
import { GoodsReceiptService } from './goods-receipt.service.js';
import { GoodsReceiptsController } from './goods-receipts.controller.js';
import { ShipNoticeMatcher } from './ship-notice-matcher.js';
import { ShipNoticeService } from './ship-notice.service.js';
import { ShipmentRepository } from './shipment.repository.js';
import { OrderIntakeService } from './order-intake.service.js';
import { OrderRefreshJob, OrderRefreshJobHandler } from './order-refresh.job.js';
import { ProcurementEventsListener } from './procurement-events.listener.js';
import { PurchaseOrderRepository } from './purchase-order.repository.js';
import { SimulatorOutputRelay } from './simulator-output-relay.js';

/** The purchase-order lifecycle: orders from the ERP, supplier answers matched with tolerances, postings. */
@Module({
  imports: [
    JobsModule.forFeature([OrderRefreshJob]),
    ErpModule,
    ExceptionsModule,
    OutboundModule,
    PartnersModule,
    TranslationModule,
  ],
  controllers: [ErpOrdersController, GoodsReceiptsController, BuyerExceptionsController],
  providers: [
    PurchaseOrderRepository,
    ShipmentRepository,
    OrderIntakeService,
    AcknowledgmentService,
    ShipNoticeMatcher,
    ShipNoticeService,
    GoodsReceiptService,
    SimulatorOutputRelay,
    BuyerDecisionService,
    ProcurementEventsListener,
    OrderRefreshJobHandler,
    AcknowledgmentSla,
    ChangeRefusalHooks,
  ],
  exports: [
    BuyerDecisionService,
    ChangeRefusalHooks,
    OrderIntakeService,
    AcknowledgmentService,
    ShipNoticeService,
    GoodsReceiptService,
    PurchaseOrderRepository,
  ],
})
export class ProcurementModule {}
