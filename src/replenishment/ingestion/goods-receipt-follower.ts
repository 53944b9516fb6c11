import { Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { DataSource, type EntityManager } from 'typeorm';
import type { DecimalString } from '../../canonical/decimal.js';
import type { EventOf } from '../../canonical/events/catalogue.js';
import { convertMaterialQuantity } from '../../canonical/units.js';
import type { GatewayConfig } from '../../config/config.js';
import { InjectConfig } from '../../config/config.module.js';
import { queryRows } from '../../platform/database/sql.js';
import { LeaseService } from '../../platform/jobs/lease.service.js';
import { startLeasedTask, type LeasedTaskHandle } from '../../platform/jobs/leased-task.js';
import type { MasterDataView } from '../master-data/master-data.model.js';
import { MasterDataService } from '../master-data/master-data.service.js';
import type { AcceptedEvent, Movement, NormalizedEvent } from './plant-event-normalizer.js';
import { PlantEventRepository } from './plant-event.repository.js';

const BATCH = 500;

/**
 * Goods receipts are the PO lifecycle's (`goods_receipt`, written when a WMS reports one): this
 * follower adds each to on-hand once, as a `received` movement keyed `<plant>/GR:<receipt>/0`, by one
 * process at a time. A receipt whose plant or material is unknown is kept in the rejected events.
 */
@Injectable()
export class GoodsReceiptFollower implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private task?: LeasedTaskHandle;
  private readonly events = new PlantEventRepository();

  constructor(
    @InjectConfig() private readonly config: GatewayConfig,
    private readonly dataSource: DataSource,
    private readonly masterData: MasterDataService,
    private readonly leases: LeaseService,
    @InjectPinoLogger(GoodsReceiptFollower.name) private readonly logger: PinoLogger,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.GATEWAY_ROLE === 'api') return;
    this.task = startLeasedTask(this.leases, this.logger, {
      name: 'plant-events-goods-receipts',
      everyMs: 5_000,
      ttlMs: 60_000,
      run: async (signal) => {
        while (!signal.aborted && (await this.followOnce()) === BATCH);
      },
    });
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.task?.stop();
  }

  /** Applies up to a batch of receipts not applied yet; returns how many it looked at. */
  async followOnce(): Promise<number> {
    return this.dataSource.transaction(async (tx) => {
      const rows = await queryRows<{ plant: string; receipt: string; event: EventOf<'goods.received.v1'> }>(
        tx,
        `SELECT g.plant, g.receipt_number AS receipt, g.event FROM goods_receipt g
          WHERE NOT EXISTS (SELECT 1 FROM plant_event e WHERE e.producer_key = g.plant || '/GR:' || g.receipt_number || '/0')
            AND NOT EXISTS (SELECT 1 FROM plant_event_rejected r WHERE r.producer_key = g.plant || '/GR:' || g.receipt_number || '/0')
          ORDER BY g.id LIMIT $1`,
        [BATCH],
      );
      if (rows.length === 0) return 0;
      const master = await this.masterData.repository.view(tx);
      const normalized = rows.map((r) => receiptMovements(`${r.plant}/GR:${r.receipt}/0`, r.event, master));
      await this.apply(tx, normalized, rows);
      return rows.length;
    });
  }

  private async apply(
    tx: EntityManager,
    normalized: NormalizedEvent[],
    rows: { event: unknown }[],
  ): Promise<void> {
    const accepted = normalized.filter((n): n is AcceptedEvent => n.ok);
    await this.events.insertBatch(tx, accepted, 'procurement', this.config.PLANT_EVENTS_LATE_MINUTES);
    await this.events.insertRejected(
      tx,
      normalized.flatMap((n, i) => (n.ok ? [] : [{ event: n, body: rows[i]!.event, topic: null }])),
      'procurement',
    );
  }
}

/** A goods receipt as movements: each line's quantity into the material's base unit. */
export function receiptMovements(
  producerKey: string,
  event: EventOf<'goods.received.v1'>,
  master: MasterDataView | undefined,
): NormalizedEvent {
  if (!master)
    return { ok: false, producerKey, reason: 'no-master-data', details: ['no master data was imported yet'] };
  if (!master.plants.has(event.plant))
    return { ok: false, producerKey, reason: 'unknown-plant', details: [`unknown plant ${event.plant}`] };
  const movements: Movement[] = [];
  for (const [seq, line] of event.payload.lines.entries()) {
    const known = master.materials.get(line.material);
    if (!known)
      return {
        ok: false,
        producerKey,
        reason: 'unknown-material',
        details: [`unknown material ${line.material} at plant ${event.plant}`],
      };
    try {
      const quantity: DecimalString =
        line.quantity.unit === known.baseUnit
          ? line.quantity.value
          : convertMaterialQuantity(
              line.quantity.value,
              line.quantity.unit,
              known.baseUnit,
              known.conversions,
            );
      movements.push({ seq, material: line.material, kind: 'received', quantity });
    } catch (error) {
      return { ok: false, producerKey, reason: 'unit-not-convertible', details: [(error as Error).message] };
    }
  }
  return {
    ok: true,
    producerKey,
    type: event.type,
    plant: event.plant,
    material: event.payload.lines[0]!.material,
    occurredAt: event.occurredAt,
    event,
    movements,
  };
}
