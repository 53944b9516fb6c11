import { Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { DataSource } from 'typeorm';
import type { GatewayConfig } from '../config/config.js';
import { InjectConfig } from '../config/config.module.js';
import { ErpConnections } from '../erp/connections/erp-connections.js';
import { LeaseService } from '../platform/jobs/lease.service.js';
import { startLeasedTask, type LeasedTaskHandle } from '../platform/jobs/leased-task.js';
import { OrderIntakeService } from './order-intake.service.js';
import { snapshotOf } from './order-events.js';
import { ProcurementError } from './procurement.exception.js';

/**
 * Delivers what the embedded ERP simulator outputs (POs issued and changed by its "buyer", and PO
 * changes when it sends them itself) to the order intake, in one process at a time. A message is
 * marked delivered after its transaction commits; a crash in between delivers it again, which the
 * intake answers as a repeat.
 */
@Injectable()
export class SimulatorOutputRelay implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private task?: LeasedTaskHandle;

  constructor(
    @InjectConfig() private readonly config: GatewayConfig,
    private readonly dataSource: DataSource,
    private readonly connections: ErpConnections,
    private readonly intake: OrderIntakeService,
    private readonly leases: LeaseService,
    @InjectPinoLogger(SimulatorOutputRelay.name) private readonly logger: PinoLogger,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.GATEWAY_ROLE === 'api' || !this.connections.embeddedSimulator()) return;
    this.task = startLeasedTask(this.leases, this.logger, {
      name: 'erp-simulator-output',
      everyMs: this.config.JOBS_POLL_MS * 4,
      ttlMs: 30_000,
      run: async (signal) => {
        await this.relay(signal);
      },
    });
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.task?.stop();
  }

  /** Delivers every waiting output; returns how many. */
  async relay(signal?: AbortSignal): Promise<number> {
    const simulator = this.connections.embeddedSimulator();
    if (!simulator) return 0;
    let delivered = 0;
    for (const output of await simulator.purchaseOrders.outputs({ undeliveredOnly: true, limit: 100 })) {
      if (signal?.aborted) break;
      try {
        await this.dataSource.transaction((tx) => this.intake.receive(tx, snapshotOf(output.purchaseOrder)));
      } catch (error) {
        if (!(error instanceof ProcurementError)) throw error;
        // An order the gateway cannot take (unknown supplier) is logged and not retried forever.
        this.logger.error(
          { err: error, poNumber: output.poNumber },
          'ERP output refused by the order intake',
        );
      }
      await simulator.purchaseOrders.markDelivered(output.id);
      delivered += 1;
    }
    return delivered;
  }
}
