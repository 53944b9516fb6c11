import { Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { DataSource } from 'typeorm';
import { GATEWAY_ACTOR } from '../../audit/actor.js';
import {
  abs,
  compare,
  decimal,
  decimalFromConfigNumber,
  divide,
  multiply,
  subtract,
  type DecimalString,
} from '../../canonical/decimal.js';
import { convertMaterialQuantity } from '../../canonical/units.js';
import type { GatewayConfig } from '../../config/config.js';
import { InjectConfig } from '../../config/config.module.js';
import { ErpConnections } from '../../erp/connections/erp-connections.js';
import { ExceptionService } from '../../exceptions/exception.service.js';
import { LeaseService } from '../../platform/jobs/lease.service.js';
import { startLeasedTask, type LeasedTaskHandle } from '../../platform/jobs/leased-task.js';
import { MasterDataService } from '../master-data/master-data.service.js';
import { BalanceRepository } from './balance.repository.js';

export interface StockComparison {
  readonly plant: string;
  readonly material: string;
  readonly gatewayOnHand: DecimalString;
  readonly erpOnHand: DecimalString | null;
  readonly variance: DecimalString;
  readonly beyondThreshold: boolean;
}

/**
 * Balances built from deltas alone drift (a lost scan, a booking made only in the ERP): one process
 * at a time, every STOCK_RECONCILE_EVERY_MINUTES, compares each balance's on-hand with the ERP's
 * stock through the port, records the comparison, and raises an `inventory.variance` exception
 * (once per plant, material and day) when they differ by more than STOCK_VARIANCE_PERCENT of the
 * ERP's figure. It reports; it never overwrites on-hand (an opening balance does that, on purpose).
 */
@Injectable()
export class StockReconciliation implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private task?: LeasedTaskHandle;
  private readonly balances = new BalanceRepository();

  constructor(
    @InjectConfig() private readonly config: GatewayConfig,
    private readonly dataSource: DataSource,
    private readonly connections: ErpConnections,
    private readonly masterData: MasterDataService,
    private readonly exceptions: ExceptionService,
    private readonly leases: LeaseService,
    @InjectPinoLogger(StockReconciliation.name) private readonly logger: PinoLogger,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.GATEWAY_ROLE === 'api' || this.config.STOCK_RECONCILE_EVERY_MINUTES === 0) return;
    this.task = startLeasedTask(this.leases, this.logger, {
      name: 'stock-reconciliation',
      everyMs: this.config.STOCK_RECONCILE_EVERY_MINUTES * 60_000,
      ttlMs: 120_000,
      run: async (signal) => {
        await this.reconcile(signal);
      },
    });
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.task?.stop();
  }

  /** One pass over every balance. */
  async reconcile(signal?: AbortSignal): Promise<StockComparison[]> {
    const master = await this.masterData.view();
    const threshold = decimalFromConfigNumber(this.config.STOCK_VARIANCE_PERCENT);
    const results: StockComparison[] = [];
    for (const balance of await this.balances.list(this.dataSource, null, null)) {
      if (signal?.aborted) break;
      const instance = this.connections.forPlant(balance.plant);
      const stock = await this.connections.port(instance.id).readStock(balance.material, balance.plant, {
        correlationId: `stock-reconciliation:${balance.plant}/${balance.material}`,
        timeoutMs: instance.timeoutMs,
      });
      const known = master?.materials.get(balance.material);
      const gateway = decimal(balance.onHand);
      let erp: DecimalString | null = null;
      if (stock) {
        erp =
          !known || stock.unit === known.baseUnit
            ? decimal(stock.unrestricted)
            : convertMaterialQuantity(
                decimal(stock.unrestricted),
                stock.unit,
                known.baseUnit,
                known.conversions,
              );
      }
      // No stock record in the ERP is no stock there: a balance of 0 agrees with it.
      const variance = subtract(gateway, erp ?? ('0' as DecimalString));
      const beyond = exceeds(variance, erp ?? ('0' as DecimalString), threshold);
      const comparison: StockComparison = {
        plant: balance.plant,
        material: balance.material,
        gatewayOnHand: gateway,
        erpOnHand: erp,
        variance,
        beyondThreshold: beyond,
      };
      await this.dataSource.transaction(async (tx) => {
        await tx.query(
          `INSERT INTO stock_reconciliation (plant, material, gateway_on_hand, erp_on_hand, variance, beyond_threshold, erp_as_of)
           VALUES ($1, $2, $3, $4, $5, $6, $7)`,
          [balance.plant, balance.material, gateway, erp, variance, beyond, stock?.asOf ?? null],
        );
        if (!beyond) return;
        await this.exceptions.raise(
          tx,
          {
            type: 'inventory.variance',
            dedupeKey: `${balance.plant}/${balance.material}/${new Date().toISOString().slice(0, 10)}`,
            summary:
              erp === null
                ? `${balance.material} at plant ${balance.plant}: on-hand ${gateway} ${balance.unit ?? ''}; the ERP holds no stock record`
                : `${balance.material} at plant ${balance.plant}: on-hand ${gateway}, ERP ${erp} ${balance.unit ?? ''} (variance ${variance})`,
            references: { plant: balance.plant, material: balance.material },
            differences: { onHand: { expected: erp, actual: gateway } },
            correlationId: `stock:${balance.plant}/${balance.material}`,
          },
          GATEWAY_ACTOR,
        );
      });
      results.push(comparison);
    }
    const beyond = results.filter((r) => r.beyondThreshold).length;
    if (beyond > 0)
      this.logger.warn({ checked: results.length, beyond }, 'stock reconciliation found variances');
    return results;
  }
}

/** Beyond the threshold: more than `percent` of the ERP's figure (any difference when the ERP holds 0). */
export function exceeds(variance: DecimalString, erp: DecimalString, percent: DecimalString): boolean {
  const difference = abs(variance);
  if (compare(difference, '0' as DecimalString) === 0) return false;
  if (compare(erp, '0' as DecimalString) === 0) return true;
  const allowed = divide(multiply(abs(erp), percent), '100' as DecimalString, {
    scale: 12,
    mode: 'half-even',
  });
  return compare(difference, allowed) > 0;
}
