import { Logger, Module, type OnApplicationBootstrap } from '@nestjs/common';
import type { GatewayConfig } from '../config/config.js';
import { GATEWAY_CONFIG } from '../config/config.module.js';
import { ExceptionsModule } from '../exceptions/exceptions.module.js';
import { JobsModule } from '../platform/jobs/jobs.module.js';
import { ErpAdminController } from './erp-admin.controller.js';
import { loadErpConfig } from './connections/erp-config.loader.js';
import { ERP_CONFIG, ErpConnections } from './connections/erp-connections.js';
import { ErpLimiter } from './posting/erp-limiter.js';
import { ErpPostingEvents } from './posting/erp-posting.events.js';
import { ErpPostJob, ErpPostJobHandler } from './posting/erp-post.job.js';
import { ErpPostingRepository } from './posting/erp-posting.repository.js';
import { ErpPostingService } from './posting/erp-posting.service.js';
import { ErpReconciliation } from './posting/erp-reconciliation.js';
import { SimulatorAdminController } from './simulator/simulator-admin.controller.js';
import { seedDemoMasterData } from './simulator/simulator-seed.js';
import { DataSource } from 'typeorm';

/**
 * The ERP connector: the configured instances and their adapters, posting jobs with limits and
 * ordering, reconciliation, and the admin APIs (postings; the embedded simulator).
 */
@Module({
  imports: [JobsModule.forFeature([ErpPostJob]), ExceptionsModule],
  controllers: [ErpAdminController, SimulatorAdminController],
  providers: [
    {
      provide: ERP_CONFIG,
      inject: [GATEWAY_CONFIG],
      useFactory: (config: GatewayConfig) => loadErpConfig(config.ERP_CONFIG_FILE),
    },
    ErpConnections,
    ErpLimiter,
    ErpPostingEvents,
    ErpPostingRepository,
    ErpPostingService,
    ErpPostJobHandler,
    ErpReconciliation,
  ],
  exports: [ErpConnections, ErpPostingService, ErpPostingRepository, ErpPostingEvents],
})
export class ErpModule implements OnApplicationBootstrap {
  constructor(
    private readonly connections: ErpConnections,
    private readonly dataSource: DataSource,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const simulator = this.connections.embeddedSimulator();
    if (!simulator) return;
    // The demo plant's master data, once; an operator's own data is never overwritten.
    await seedDemoMasterData(this.dataSource);
    const instance = this.connections.all().find((i) => i.adapter === 'simulator')!;
    // The simulator follows the instance's setting for who sends accepted PO changes.
    await simulator.faults.setSettings({ outputPoChanges: instance.poChangeDelivery === 'erp-output' });
    new Logger('ErpModule').log(`ERP instance ${instance.id}: embedded simulator`);
  }
}
