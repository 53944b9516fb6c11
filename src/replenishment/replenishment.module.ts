import { Module } from '@nestjs/common';
import { ErpModule } from '../erp/erp.module.js';
import { ExceptionsModule } from '../exceptions/exceptions.module.js';
import { ProcurementModule } from '../procurement/procurement.module.js';
import { TranslationModule } from '../translation/translation.module.js';
import { BalancesController } from './balances/balances.controller.js';
import { BalancesService } from './balances/balances.service.js';
import { OpeningBalancesService } from './balances/opening-balances.service.js';
import { StockReconciliation } from './balances/stock-reconciliation.js';
import { GoodsReceiptFollower } from './ingestion/goods-receipt-follower.js';
import { PlantEventSubscriber } from './ingestion/mqtt-subscriber.js';
import { PlantEventIngestion } from './ingestion/plant-event-ingestion.service.js';
import { PlantEventMetrics } from './ingestion/plant-event.metrics.js';
import { PlantEventsController } from './ingestion/plant-events.controller.js';
import { MasterDataController } from './master-data/master-data.controller.js';
import { MasterDataService } from './master-data/master-data.service.js';
import { RecommendationApplier } from './recommendations/recommendation-applier.js';
import { ReplenishmentEvaluator } from './recommendations/replenishment-evaluator.js';
import { ReplenishmentController } from './recommendations/replenishment.controller.js';
import { ReplenishmentService } from './recommendations/replenishment.service.js';
import { ReplenishmentSweep } from './recommendations/replenishment.sweep.js';
import { SupplierAnswersListener } from './recommendations/supplier-answers.listener.js';

/**
 * Plant events and balances (docs/plant-events.md): master data, MES/WMS ingestion over REST and
 * MQTT, balances with on-order, in-transit and projected available, opening balances and the stock
 * reconciliation with the ERP; the replenishment loop (#17, docs/replenishment.md): reorder policies,
 * explained dynamic reorder points, recommendations applied through the ERP, supplier answers.
 */
@Module({
  imports: [ErpModule, ExceptionsModule, ProcurementModule, TranslationModule],
  controllers: [PlantEventsController, BalancesController, MasterDataController, ReplenishmentController],
  providers: [
    MasterDataService,
    PlantEventIngestion,
    PlantEventMetrics,
    PlantEventSubscriber,
    GoodsReceiptFollower,
    BalancesService,
    OpeningBalancesService,
    StockReconciliation,
    RecommendationApplier,
    ReplenishmentEvaluator,
    ReplenishmentService,
    ReplenishmentSweep,
    SupplierAnswersListener,
  ],
  exports: [MasterDataService, PlantEventIngestion, BalancesService, ReplenishmentService],
})
export class ReplenishmentModule {}
