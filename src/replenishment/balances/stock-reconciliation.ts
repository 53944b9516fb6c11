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
import type { ErpStock } from '../../erp/port/erp-master-data.js';
import { ExceptionService } from '../../exceptions/exception.service.js';
import { LeaseService } from '../../platform/jobs/lease.service.js';
import { startLeasedTask, type LeasedTaskHandle } from '../../platform/jobs/leased-task.js';
import { MasterDataService } from '../master-data/master-data.service.js';
import { BalanceRepository, type BalanceRow } from './balance.repository.js';

export interface StockComparison {
  readonly plant: string;
  readonly material: string;
  readonly gatewayOnHand: DecimalString;
  readonly erpOnHand: DecimalString | null;
  /** Null when not settled: the two figures do not refer to one moment, so they are not compared. */
  readonly variance: DecimalString | null;
  readonly beyondThreshold: boolean;
  /**
   * False when the balance moved during every read of the ERP's stock in this pass (consumption
   * arriving all the while): nothing was judged or recorded; the next pass compares it again.
   */
  readonly settled: boolean;
}

/** ERP reads per balance before a balance that keeps moving is left for the next pass. */
const SETTLE_ATTEMPTS = 3;

/**
 * Balances built from deltas alone drift (a lost scan, a booking made only in the ERP): one process
 * at a time, every STOCK_RECONCILE_EVERY_MINUTES, compares each balance's on-hand with the ERP's
 * stock through the port, records the comparison, and raises an `inventory.variance` exception
 * (once per plant, material and day) when they differ by more than STOCK_VARIANCE_PERCENT of the
 * ERP's figure. It reports; it never overwrites on-hand (an opening balance does that, on purpose).
 * A pass over many balances takes long (one ERP call each), and consumption keeps arriving meanwhile,
 * so each balance is read right around its own ERP call and compared only when both refer to one
 * moment (`observe`); a balance read at the start of the pass would differ from a stock figure read
 * minutes later by whatever was consumed in between, and raise a variance that is not one.
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
    for (const { plant, material } of await this.balances.list(this.dataSource, null, null)) {
      if (signal?.aborted) break;
      const { balance, stock, settled } = await this.observe(plant, material);
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
      const beyond = settled && exceeds(variance, erp ?? ('0' as DecimalString), threshold);
      results.push({
        plant,
        material,
        gatewayOnHand: gateway,
        erpOnHand: erp,
        variance: settled ? variance : null,
        beyondThreshold: beyond,
        settled,
      });
      if (!settled) continue;
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
    }
    const beyond = results.filter((r) => r.beyondThreshold).length;
    if (beyond > 0)
      this.logger.warn({ checked: results.length, beyond }, 'stock reconciliation found variances');
    const unsettled = results.filter((r) => !r.settled);
    if (unsettled.length > 0)
      this.logger.info(
        { unsettled: unsettled.map((r) => `${r.plant}/${r.material}`) },
        'stock reconciliation left balances that moved during every ERP read for the next pass',
      );
    return results;
  }

  /**
   * A balance and the ERP's stock as of one moment. The balance is read right before and right after
   * the ERP answers; only when no movement landed in between (same movement count, same on-hand) was
   * it the gateway's figure at the instant the ERP read its own, whether or not the ERP's figure
   * already counts consumption that arrived meanwhile. A balance that moved is read again with a new
   * ERP call, up to SETTLE_ATTEMPTS times, then reported unsettled.
   */
  private async observe(
    plant: string,
    material: string,
  ): Promise<{ balance: BalanceRow; stock: ErpStock | null; settled: boolean }> {
    const instance = this.connections.forPlant(plant);
    const port = this.connections.port(instance.id);
    let before = await this.balance(plant, material);
    for (let attempt = 1; ; attempt++) {
      const stock = await port.readStock(material, plant, {
        correlationId: `stock-reconciliation:${plant}/${material}`,
        timeoutMs: instance.timeoutMs,
      });
      const after = await this.balance(plant, material);
      const settled = after.movements === before.movements && after.onHand === before.onHand;
      if (settled || attempt === SETTLE_ATTEMPTS) return { balance: after, stock, settled };
      before = after;
    }
  }

  private async balance(plant: string, material: string): Promise<BalanceRow> {
    // Balance rows are never deleted, so the one listed at the start of the pass is still there.
    const [row] = await this.balances.list(this.dataSource, plant, material);
    return row!;
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
