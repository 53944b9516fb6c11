import { createHash } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { stableJson } from '../../erp/port/stable-json.js';
import { isoTimestamp, queryRows, type Queryable } from '../../platform/database/sql.js';
import {
  materialConversions,
  type KnownMaterial,
  type MasterData,
  type MasterDataView,
} from './master-data.model.js';

export interface MasterDataVersion {
  readonly id: string;
  readonly source: 'erp' | 'file';
  readonly origin: string;
  readonly contentSha256: string;
  readonly counts: Record<keyof MasterData, number>;
  readonly importedBy: string;
  readonly importedAt: string;
}

export interface ImportResult {
  readonly version: MasterDataVersion;
  /** False when the set equals the current version's: nothing was written. */
  readonly changed: boolean;
}

/**
 * The `master_*` tables (migration 0017). An import replaces the whole set in one transaction and
 * records a version with the content's hash; importing the same content again changes nothing.
 * Plain class (no Nest): the CLI uses it on its own connection.
 */
export class MasterDataRepository {
  private cached?: MasterDataView;

  async replace(
    db: DataSource,
    data: MasterData,
    source: 'erp' | 'file',
    origin: string,
    importedBy: string,
  ): Promise<ImportResult> {
    const sha = createHash('sha256').update(stableJson(data)).digest('hex');
    return db.transaction(async (tx) => {
      // One import at a time; the second waits and then sees the first one's version.
      await tx.query(`SELECT pg_advisory_xact_lock(hashtext('master-data-import'))`);
      const latest = await this.latestVersion(tx);
      if (latest?.contentSha256 === sha) return { version: latest, changed: false };
      const counts = Object.fromEntries(Object.entries(data).map(([k, v]) => [k, (v as unknown[]).length]));
      const [row] = await queryRows<{ id: string }>(
        tx,
        `INSERT INTO master_data_version (source, origin, content_sha256, counts, imported_by)
         VALUES ($1, $2, $3, $4, $5) RETURNING id::text AS id`,
        [source, origin, sha, JSON.stringify(counts), importedBy],
      );
      const version = row!.id;
      for (const table of ['master_source_list', 'master_bom_item', 'master_unit_conversion'])
        await tx.query(`DELETE FROM ${table}`);
      // Plants and materials that disappear are deleted; the others are updated in place.
      await tx.query(`DELETE FROM master_material WHERE NOT (material = ANY($1::text[]))`, [
        data.materials.map((m) => m.material),
      ]);
      await tx.query(`DELETE FROM master_plant WHERE NOT (plant = ANY($1::text[]))`, [
        data.plants.map((p) => p.plant),
      ]);
      await tx.query(
        `INSERT INTO master_plant (plant, name, timezone, version_id)
         SELECT plant, name, timezone, $2 FROM jsonb_to_recordset($1::jsonb) AS t(plant text, name text, timezone text)
         ON CONFLICT ON CONSTRAINT pk_master_plant DO UPDATE
            SET name = EXCLUDED.name, timezone = EXCLUDED.timezone, version_id = EXCLUDED.version_id`,
        [JSON.stringify(data.plants), version],
      );
      await tx.query(
        `INSERT INTO master_material (material, description, base_unit, kind, lot_managed, version_id)
         SELECT material, description, "baseUnit", kind, COALESCE("lotManaged", false), $2
           FROM jsonb_to_recordset($1::jsonb)
             AS t(material text, description text, "baseUnit" text, kind text, "lotManaged" boolean)
         ON CONFLICT ON CONSTRAINT pk_master_material DO UPDATE
            SET description = EXCLUDED.description, base_unit = EXCLUDED.base_unit, kind = EXCLUDED.kind,
                lot_managed = EXCLUDED.lot_managed, version_id = EXCLUDED.version_id`,
        [JSON.stringify(data.materials), version],
      );
      await tx.query(
        `INSERT INTO master_unit_conversion (material, from_unit, to_unit, numerator, denominator, version_id)
         SELECT material, "fromUnit", "toUnit", numerator::numeric, denominator::numeric, $2
           FROM jsonb_to_recordset($1::jsonb)
             AS t(material text, "fromUnit" text, "toUnit" text, numerator text, denominator text)`,
        [JSON.stringify(data.unitConversions), version],
      );
      await tx.query(
        `INSERT INTO master_bom_item (plant, material, component, quantity_per, unit, version_id)
         SELECT plant, material, component, "quantityPer"::numeric, unit, $2
           FROM jsonb_to_recordset($1::jsonb)
             AS t(plant text, material text, component text, "quantityPer" text, unit text)`,
        [JSON.stringify(data.billsOfMaterial), version],
      );
      await tx.query(
        `INSERT INTO master_source_list (plant, material, supplier, lead_time_days, valid_from, valid_to, version_id)
         SELECT plant, material, supplier, "leadTimeDays", "validFrom"::date, "validTo"::date, $2
           FROM jsonb_to_recordset($1::jsonb)
             AS t(plant text, material text, supplier text, "leadTimeDays" integer, "validFrom" text, "validTo" text)`,
        [JSON.stringify(data.sourceList), version],
      );
      return { version: (await this.latestVersion(tx))!, changed: true };
    });
  }

  async latestVersion(db: Queryable): Promise<MasterDataVersion | undefined> {
    return (await this.versions(db, 1))[0];
  }

  async versions(db: Queryable, limit = 50): Promise<MasterDataVersion[]> {
    return queryRows<MasterDataVersion>(
      db,
      `SELECT id::text AS id, source, origin, content_sha256 AS "contentSha256", counts,
              imported_by AS "importedBy", ${isoTimestamp('imported_at')} AS "importedAt"
         FROM master_data_version ORDER BY master_data_version.id DESC LIMIT $1`,
      [limit],
    );
  }

  /**
   * Known plants and materials with their conversions, for ingestion. Cached per process and
   * reloaded when a newer version exists (one indexed look-up per batch).
   */
  async view(db: Queryable | EntityManager): Promise<MasterDataView | undefined> {
    const [latest] = await queryRows<{ id: string | null }>(
      db,
      `SELECT max(id)::text AS id FROM master_data_version`,
    );
    if (!latest?.id) return undefined;
    if (this.cached?.version === latest.id) return this.cached;
    const plants = await queryRows<{ plant: string }>(db, `SELECT plant FROM master_plant`);
    const materials = await queryRows<{ material: string; base_unit: string }>(
      db,
      `SELECT material, base_unit FROM master_material`,
    );
    const conversions = await queryRows<{
      material: string;
      fromUnit: string;
      toUnit: string;
      numerator: string;
      denominator: string;
    }>(
      db,
      `SELECT material, from_unit AS "fromUnit", to_unit AS "toUnit", numerator::text, denominator::text
         FROM master_unit_conversion`,
    );
    const byMaterial = new Map<string, typeof conversions>();
    for (const c of conversions) byMaterial.set(c.material, [...(byMaterial.get(c.material) ?? []), c]);
    const known = new Map<string, KnownMaterial>();
    for (const m of materials)
      known.set(m.material, {
        material: m.material,
        baseUnit: m.base_unit,
        conversions: materialConversions(m.material, m.base_unit, byMaterial.get(m.material) ?? []),
      });
    this.cached = { version: latest.id, plants: new Set(plants.map((p) => p.plant)), materials: known };
    return this.cached;
  }

  /** The current set, as imported. */
  async current(db: Queryable): Promise<MasterData> {
    const [plants, materials, unitConversions, billsOfMaterial, sourceList] = [
      await queryRows<MasterData['plants'][number]>(
        db,
        `SELECT plant, name, timezone FROM master_plant ORDER BY plant`,
      ),
      await queryRows<MasterData['materials'][number]>(
        db,
        `SELECT material, description, base_unit AS "baseUnit", kind, lot_managed AS "lotManaged"
           FROM master_material ORDER BY material`,
      ),
      await queryRows<MasterData['unitConversions'][number]>(
        db,
        `SELECT material, from_unit AS "fromUnit", to_unit AS "toUnit", numerator::text, denominator::text
           FROM master_unit_conversion ORDER BY material, from_unit, to_unit`,
      ),
      await queryRows<MasterData['billsOfMaterial'][number]>(
        db,
        `SELECT plant, material, component, quantity_per::text AS "quantityPer", unit
           FROM master_bom_item ORDER BY plant, material, component`,
      ),
      await queryRows<MasterData['sourceList'][number]>(
        db,
        `SELECT plant, material, supplier, lead_time_days AS "leadTimeDays", to_char(valid_from, 'YYYY-MM-DD') AS "validFrom",
                to_char(valid_to, 'YYYY-MM-DD') AS "validTo"
           FROM master_source_list ORDER BY plant, material, supplier, valid_from`,
      ),
    ];
    return { plants, materials, unitConversions, billsOfMaterial, sourceList };
  }
}
