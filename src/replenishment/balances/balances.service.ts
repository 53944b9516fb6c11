import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { add, decimal, type DecimalString } from '../../canonical/decimal.js';
import { convertMaterialQuantity } from '../../canonical/units.js';
import { MasterDataService } from '../master-data/master-data.service.js';
import { ReplenishmentError, ReplenishmentErrorCode } from '../replenishment.exception.js';
import { BalanceRepository, type BalanceRow, type HistoryRow } from './balance.repository.js';
import { openQuantity, projectAvailable, type ProjectedDay } from './projection.js';

export interface OrderSupply {
  readonly poNumber: string;
  readonly lineNumber: string;
  readonly supplier: string;
  readonly due: string;
  /** Open quantity in the material's base unit. */
  readonly open: DecimalString;
  readonly inTransit: DecimalString;
  /** The line's own unit (a change of the line names its quantity in it). */
  readonly unit: string;
  /** How many base units one of the line's unit holds (12 for DZN against H87); null when not exact. */
  readonly baseQuantityPerUnit: DecimalString | null;
}

export interface BalanceView extends BalanceRow {
  readonly onOrder: DecimalString;
  readonly inTransit: DecimalString;
  readonly orders: readonly OrderSupply[];
  readonly horizon: { readonly from: string; readonly days: number };
  readonly projected: readonly ProjectedDay[];
  /** Order lines left out of the projection, with the reason (a unit without a conversion). */
  readonly warnings: readonly string[];
}

const ZERO = '0' as DecimalString;
const ONE = '1' as DecimalString;

/** Balances per plant and material with what is on order, in transit and projected available. */
@Injectable()
export class BalancesService {
  private readonly balances = new BalanceRepository();

  constructor(
    private readonly dataSource: DataSource,
    private readonly masterData: MasterDataService,
  ) {}

  list(plant: string | null, material: string | null): Promise<BalanceRow[]> {
    return this.balances.list(this.dataSource, plant, material);
  }

  /** One balance with its projection; inside a transaction, pass it as `tx` (one connection, embedded). */
  async get(
    plant: string,
    material: string,
    horizonDays: number,
    today?: string,
    tx?: EntityManager,
  ): Promise<BalanceView> {
    const db = tx ?? this.dataSource;
    const master = await this.masterData.repository.view(db);
    const known = master?.materials.get(material);
    const [row] = await this.balances.list(db, plant, material);
    if (!row && (!known || !master?.plants.has(plant)))
      throw new ReplenishmentError(
        ReplenishmentErrorCode.UnknownBalance,
        `no balance for material ${material} at plant ${plant}`,
      );
    const balance: BalanceRow = row ?? {
      plant,
      material,
      unit: known?.baseUnit ?? null,
      onHand: '0',
      allocated: '0',
      movements: '0',
      lastOccurredAt: null,
      openingAt: null,
      updatedAt: new Date().toISOString(),
    };
    const warnings: string[] = [];
    const orders: OrderSupply[] = [];
    for (const line of await this.balances.openLines(db, plant, material)) {
      const ordered = line.ackStatus === 'rejected' ? ZERO : decimal(line.confirmedQuantity ?? line.quantity);
      const { open, inTransit } = openQuantity(ordered, decimal(line.shipped), decimal(line.received));
      try {
        // Through the canonical unit tables (EA and H87 are one size, a DZN is 12) and the
        // material's own factors (a box of 100): exact, or the line is left out with a warning.
        const toBase = (q: DecimalString) =>
          !known || line.unit === known.baseUnit
            ? q
            : convertMaterialQuantity(q, line.unit, known.baseUnit, known.conversions);
        orders.push({
          ...pick(line),
          open: toBase(open),
          inTransit: toBase(inTransit),
          unit: line.unit,
          baseQuantityPerUnit: known ? perUnit(toBase) : null,
        });
      } catch (error) {
        warnings.push(`${line.poNumber}/${line.lineNumber}: ${(error as Error).message}`);
      }
    }
    const timezone = (await this.balances.plantTimezone(db, plant)) ?? 'UTC';
    const from = today ?? todayIn(timezone);
    const inTransit = orders.reduce((sum, o) => add(sum, o.inTransit), ZERO);
    const projected = projectAvailable({
      onHand: decimal(balance.onHand),
      allocated: decimal(balance.allocated),
      inTransit,
      supplies: orders.map((o) => ({ due: o.due, quantity: o.open })),
      today: from,
      horizonDays,
    });
    return {
      ...balance,
      onHand: decimal(balance.onHand),
      allocated: decimal(balance.allocated),
      onOrder: orders.reduce((sum, o) => add(sum, o.open), ZERO),
      inTransit,
      orders,
      horizon: { from, days: horizonDays },
      projected,
      warnings,
    };
  }

  history(
    plant: string,
    material: string,
    from: string | null,
    to: string | null,
    limit: number,
  ): Promise<HistoryRow[]> {
    return this.balances.history(this.dataSource, plant, material, from, to, limit);
  }
}

function perUnit(toBase: (q: DecimalString) => DecimalString): DecimalString | null {
  try {
    return toBase(ONE);
  } catch {
    return null;
  }
}

function pick(line: { poNumber: string; lineNumber: string; supplier: string; due: string }) {
  return { poNumber: line.poNumber, lineNumber: line.lineNumber, supplier: line.supplier, due: line.due };
}

/** The calendar date in a plant's time zone. */
export function todayIn(timezone: string, now = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone: timezone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(now);
}
