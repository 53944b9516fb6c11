import { isoTimestamp, queryRows, type Queryable } from '../../platform/database/sql.js';
import type { ErpMasterData, ErpStock } from '../port/erp-master-data.js';
import type { ErpDocument, ErpEntry, ErpMasterDataQuery } from '../port/erp-port.js';
import {
  DOCUMENT_COLUMNS,
  ENTRY_COLUMNS,
  toDocument,
  toEntry,
  type DocumentRow,
  type EntryRow,
} from './simulator-rows.js';

export interface LedgerPage<T> {
  readonly items: readonly T[];
  /** Pass as `after` for the next page; null on the last one. */
  readonly next: string | null;
}

/** The simulator's read side: what the port reads, and what its admin API browses. */
export class SimulatorReads {
  constructor(private readonly db: Queryable) {}

  /** The first entry with this external reference (an ERP ignoring keys may hold more). */
  async findEntry(externalReference: string): Promise<ErpEntry | null> {
    const [row] = await queryRows<EntryRow>(
      this.db,
      `SELECT ${ENTRY_COLUMNS} FROM erp_sim_entry WHERE external_reference = $1 ORDER BY erp_sim_entry.id LIMIT 1`,
      [externalReference],
    );
    return row ? toEntry(row, false) : null;
  }

  async readDocument(externalReference: string): Promise<ErpDocument | null> {
    const [row] = await queryRows<DocumentRow>(
      this.db,
      `SELECT ${DOCUMENT_COLUMNS} FROM erp_sim_document WHERE external_reference = $1
        ORDER BY document_number LIMIT 1`,
      [externalReference],
    );
    return row ? toDocument(row) : null;
  }

  async documentByNumber(documentNumber: string): Promise<ErpDocument | null> {
    const [row] = await queryRows<DocumentRow>(
      this.db,
      `SELECT ${DOCUMENT_COLUMNS} FROM erp_sim_document WHERE document_number = $1`,
      [documentNumber],
    );
    return row ? toDocument(row) : null;
  }

  async documents(filter: { kind?: string; poNumber?: string; after?: string; limit?: number }) {
    const limit = Math.min(filter.limit ?? 50, 500);
    const rows = await queryRows<DocumentRow>(
      this.db,
      `SELECT ${DOCUMENT_COLUMNS} FROM erp_sim_document
        WHERE ($1::text IS NULL OR kind = $1) AND ($2::text IS NULL OR po_number = $2)
          AND ($3::text IS NULL OR document_number > $3)
        ORDER BY document_number LIMIT $4`,
      [filter.kind ?? null, filter.poNumber ?? null, filter.after ?? null, limit + 1],
    );
    return page(rows.map(toDocument), limit, (d) => d.documentNumber);
  }

  async entries(filter: { externalReference?: string; after?: string; limit?: number }) {
    const limit = Math.min(filter.limit ?? 50, 500);
    const rows = await queryRows<EntryRow>(
      this.db,
      `SELECT ${ENTRY_COLUMNS} FROM erp_sim_entry
        WHERE ($1::text IS NULL OR external_reference = $1) AND ($2::bigint IS NULL OR id > $2::bigint)
        ORDER BY erp_sim_entry.id LIMIT $3`,
      [filter.externalReference ?? null, filter.after ?? null, limit + 1],
    );
    return page(
      rows.map((r) => toEntry(r, true)),
      limit,
      (e) => e.entryId,
    );
  }

  /** External references holding more than one effect of the same operation: what a careless adapter causes. */
  async duplicateEffects(): Promise<{ externalReference: string; operation: string; count: number }[]> {
    const rows = await queryRows<{ external_reference: string; operation: string; count: number }>(
      this.db,
      `SELECT external_reference, operation, count(*)::int AS count FROM erp_sim_entry
        GROUP BY external_reference, operation HAVING count(*) > 1 ORDER BY external_reference`,
    );
    return rows.map((r) => ({
      externalReference: r.external_reference,
      operation: r.operation,
      count: r.count,
    }));
  }

  async readMasterData(query: ErpMasterDataQuery): Promise<ErpMasterData> {
    const plant = query.plant ?? null;
    const materials = query.materials ? [...query.materials] : null;
    const [plants, materialRows, conversions, bom, sources] = [
      await queryRows<{ plant: string; name: string; timezone: string }>(
        this.db,
        `SELECT plant, name, timezone FROM erp_sim_plant WHERE $1::text IS NULL OR plant = $1 ORDER BY plant`,
        [plant],
      ),
      await queryRows<{ material: string; description: string; base_unit: string; kind: 'raw' }>(
        this.db,
        `SELECT material, description, base_unit, kind FROM erp_sim_material
          WHERE $1::text[] IS NULL OR material = ANY($1)
             OR material IN (SELECT component FROM erp_sim_bom_item WHERE material = ANY($1))
          ORDER BY material`,
        [materials],
      ),
      await queryRows<{
        material: string;
        from_unit: string;
        to_unit: string;
        numerator: string;
        denominator: string;
      }>(
        this.db,
        `SELECT material, from_unit, to_unit, numerator::text, denominator::text FROM erp_sim_unit_conversion
          WHERE $1::text[] IS NULL OR material = ANY($1) ORDER BY material, from_unit, to_unit`,
        [materials],
      ),
      await queryRows<{
        plant: string;
        material: string;
        component: string;
        quantity_per: string;
        unit: string;
      }>(
        this.db,
        `SELECT plant, material, component, quantity_per::text, unit FROM erp_sim_bom_item
          WHERE ($1::text IS NULL OR plant = $1) AND ($2::text[] IS NULL OR material = ANY($2))
          ORDER BY plant, material, component`,
        [plant, materials],
      ),
      await queryRows<{
        plant: string;
        material: string;
        supplier: string;
        lead_time_days: number;
        valid_from: string;
        valid_to: string | null;
      }>(
        this.db,
        `SELECT plant, material, supplier, lead_time_days, to_char(valid_from, 'YYYY-MM-DD') AS valid_from,
                to_char(valid_to, 'YYYY-MM-DD') AS valid_to FROM erp_sim_source_list
          WHERE ($1::text IS NULL OR plant = $1) AND ($2::text[] IS NULL OR material = ANY($2))
          ORDER BY plant, material, supplier, valid_from`,
        [plant, materials],
      ),
    ];
    return {
      plants,
      materials: materialRows.map((m) => ({
        material: m.material,
        description: m.description,
        baseUnit: m.base_unit,
        kind: m.kind,
      })),
      unitConversions: conversions.map((c) => ({
        material: c.material,
        fromUnit: c.from_unit,
        toUnit: c.to_unit,
        numerator: c.numerator,
        denominator: c.denominator,
      })),
      billsOfMaterial: bom.map((b) => ({
        plant: b.plant,
        material: b.material,
        component: b.component,
        quantityPer: b.quantity_per,
        unit: b.unit,
      })),
      sourceList: sources.map((s) => ({
        plant: s.plant,
        material: s.material,
        supplier: s.supplier,
        leadTimeDays: s.lead_time_days,
        validFrom: s.valid_from,
        validTo: s.valid_to,
      })),
    };
  }

  async readStock(material: string, plant: string): Promise<ErpStock | null> {
    const [row] = await queryRows<{ unrestricted: string; unit: string; as_of: string }>(
      this.db,
      `SELECT s.unrestricted::text AS unrestricted, m.base_unit AS unit, ${isoTimestamp('s.as_of')} AS as_of
         FROM erp_sim_stock s JOIN erp_sim_material m ON m.material = s.material
        WHERE s.material = $1 AND s.plant = $2`,
      [material, plant],
    );
    return row ? { material, plant, unrestricted: row.unrestricted, unit: row.unit, asOf: row.as_of } : null;
  }
}

function page<T>(rows: T[], limit: number, cursor: (item: T) => string): LedgerPage<T> {
  const items = rows.slice(0, limit);
  return { items, next: rows.length > limit ? cursor(items[items.length - 1]!) : null };
}
