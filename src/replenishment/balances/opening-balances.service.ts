import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { decimal, type DecimalString } from '../../canonical/decimal.js';
import { convertMaterialQuantity } from '../../canonical/units.js';
import { ErpConnections } from '../../erp/connections/erp-connections.js';
import { queryRows } from '../../platform/database/sql.js';
import type { MasterDataView } from '../master-data/master-data.model.js';
import { MasterDataService } from '../master-data/master-data.service.js';
import { ReplenishmentError, ReplenishmentErrorCode } from '../replenishment.exception.js';

export interface SnapshotItem {
  readonly plant: string;
  readonly material: string;
  readonly quantity: { readonly value: string; readonly unit: string };
  readonly allocated?: { readonly value: string; readonly unit: string };
}

export interface SnapshotResult {
  readonly source: 'erp' | 'wms';
  readonly asOf: string;
  /** Balances set from the snapshot. */
  readonly applied: number;
  /** The same snapshot (plant, material, as-of) was applied before: unchanged. */
  readonly unchanged: number;
}

/**
 * Opening balances from a stock snapshot (the ERP's through the port, or a WMS's): on-hand is set to
 * the snapshot's figure as of its time, through an `opening` movement of the difference, so the
 * movement history still sums to the balance. Applying the same snapshot twice changes nothing.
 */
@Injectable()
export class OpeningBalancesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly masterData: MasterDataService,
    private readonly connections: ErpConnections,
  ) {}

  /** Reads the ERP's stock of every material of the plant's master data and opens balances with it. */
  async fromErp(plant: string): Promise<SnapshotResult> {
    const master = await this.requireMaster();
    if (!master.plants.has(plant))
      throw new ReplenishmentError(ReplenishmentErrorCode.InvalidSnapshot, `unknown plant ${plant}`);
    const instance = this.connections.forPlant(plant);
    const port = this.connections.port(instance.id);
    const items: SnapshotItem[] = [];
    let asOf = new Date(0).toISOString();
    for (const material of [...master.materials.keys()].sort()) {
      const stock = await port.readStock(material, plant, {
        correlationId: `opening:${plant}`,
        timeoutMs: instance.timeoutMs,
      });
      if (!stock) continue;
      if (stock.asOf > asOf) asOf = stock.asOf;
      items.push({ plant, material, quantity: { value: stock.unrestricted, unit: stock.unit } });
    }
    return this.apply('erp', asOf, items);
  }

  async apply(source: 'erp' | 'wms', asOf: string, items: readonly SnapshotItem[]): Promise<SnapshotResult> {
    const master = await this.requireMaster();
    const problems: string[] = [];
    const seen = new Set<string>();
    items.forEach((item, i) => {
      const key = `${item.plant}/${item.material}`;
      if (seen.has(key)) problems.push(`items.${i}: ${item.material} at plant ${item.plant} appears twice`);
      seen.add(key);
    });
    const rows = items.flatMap((item, i) => {
      const known = master.materials.get(item.material);
      if (!master.plants.has(item.plant)) problems.push(`items.${i}: unknown plant ${item.plant}`);
      if (!known) {
        problems.push(`items.${i}: unknown material ${item.material}`);
        return [];
      }
      try {
        const toBase = (q: { value: string; unit: string }): DecimalString =>
          q.unit === known.baseUnit
            ? decimal(q.value)
            : convertMaterialQuantity(decimal(q.value), q.unit, known.baseUnit, known.conversions);
        return [
          {
            p: item.plant,
            m: item.material,
            q: toBase(item.quantity),
            a: item.allocated ? toBase(item.allocated) : '0',
          },
        ];
      } catch (error) {
        problems.push(`items.${i}: ${(error as Error).message}`);
        return [];
      }
    });
    if (problems.length > 0)
      throw new ReplenishmentError(
        ReplenishmentErrorCode.InvalidSnapshot,
        'the stock snapshot is invalid',
        problems,
      );
    const applied = await this.dataSource.transaction((tx) => this.write(tx, source, asOf, rows));
    return { source, asOf, applied, unchanged: rows.length - applied };
  }

  private async write(
    tx: EntityManager,
    source: string,
    asOf: string,
    rows: readonly { p: string; m: string; q: string; a: string }[],
  ): Promise<number> {
    // Lock the balances first (in key order, like ingestion) so the difference below is taken
    // from on-hand as it stands when the snapshot is written, not as a concurrent batch left it.
    await tx.query(
      `SELECT 1 FROM stock_balance b
         JOIN jsonb_to_recordset($1::jsonb) AS t(p text, m text) ON b.plant = t.p AND b.material = t.m
        ORDER BY b.plant, b.material FOR UPDATE OF b`,
      [JSON.stringify(rows)],
    );
    const [result] = await queryRows<{ applied: number }>(
      tx,
      `WITH input AS (
         SELECT * FROM jsonb_to_recordset($1::jsonb) AS t(p text, m text, q numeric, a numeric)
       ),
       current AS (
         SELECT i.p, i.m, i.q, i.a, COALESCE(b.on_hand, 0) AS on_hand
           FROM input i LEFT JOIN stock_balance b ON b.plant = i.p AND b.material = i.m
       ),
       mv AS (
         INSERT INTO stock_movement (producer_key, seq, plant, material, kind, quantity, occurred_at)
         SELECT 'opening:' || $2 || ':' || c.p || '/' || c.m || '/' || $3, 0, c.p, c.m, 'opening', c.q - c.on_hand, $3::timestamptz
           FROM current c
         ON CONFLICT ON CONSTRAINT pk_stock_movement DO NOTHING
         RETURNING plant, material
       ),
       bal AS (
         INSERT INTO stock_balance (plant, material, on_hand, allocated, movements, last_occurred_at, opening_at)
         SELECT c.p, c.m, c.q, c.a, 1, $3::timestamptz, $3::timestamptz
           FROM current c JOIN mv ON mv.plant = c.p AND mv.material = c.m
          ORDER BY c.p, c.m
         ON CONFLICT ON CONSTRAINT pk_stock_balance DO UPDATE
            SET on_hand = EXCLUDED.on_hand, allocated = EXCLUDED.allocated,
                movements = stock_balance.movements + 1, opening_at = EXCLUDED.opening_at,
                last_occurred_at = GREATEST(stock_balance.last_occurred_at, EXCLUDED.last_occurred_at),
                updated_at = now()
         RETURNING 1
       )
       SELECT count(*)::integer AS applied FROM bal`,
      [JSON.stringify(rows), source, asOf],
    );
    return result!.applied;
  }

  private async requireMaster(): Promise<MasterDataView> {
    const master = await this.masterData.view();
    if (!master)
      throw new ReplenishmentError(
        ReplenishmentErrorCode.NoMasterData,
        'import master data before opening balances',
      );
    return master;
  }
}
