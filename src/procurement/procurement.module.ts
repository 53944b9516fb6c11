import { Module } from '@nestjs/common';
import { ErpModule } from '../erp/erp.module.js';
import { ExceptionsModule } from '../exceptions/exceptions.module.js';
import { PartnersModule } from '../partners/partners.module.js';
import { AcknowledgmentService } from './acknowledgment.service.js';
import { ErpOrdersController } from './erp-orders.controller.js';
import { OrderIntakeService } from './order-intake.service.js';
import { PurchaseOrderRepository } from './purchase-order.repository.js';
import { SimulatorOutputRelay } from './simulator-output-relay.js';

/** The purchase-order lifecycle: orders from the ERP, supplier answers matched with tolerances, postings. */
@Module({
  imports: [ErpModule, ExceptionsModule, PartnersModule],
  controllers: [ErpOrdersController],
  providers: [PurchaseOrderRepository, OrderIntakeService, AcknowledgmentService, SimulatorOutputRelay],
  exports: [OrderIntakeService, AcknowledgmentService, PurchaseOrderRepository],
})
export class ProcurementModule {}
