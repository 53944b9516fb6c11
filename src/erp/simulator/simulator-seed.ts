import type { Queryable } from '../../platform/database/sql.js';

/**
 * The demo plant the README and the reference scenario use: plant 1000 builds a pump on Line 4
 * from bolts bought from Acme Fasteners and housings cast by Nordic Castings. Inserted once; an
 * operator's own master data is never overwritten.
 */
export async function seedDemoMasterData(db: Queryable): Promise<void> {
  await db.query(`INSERT INTO erp_sim_plant (plant, name, timezone) VALUES
      ('1000', 'Riverside assembly (Line 4)', 'Europe/Berlin'),
      ('2000', 'Lakeside machining', 'America/Chicago')
    ON CONFLICT DO NOTHING`);
  await db.query(`INSERT INTO erp_sim_material (material, description, base_unit, kind) VALUES
      ('FG-PUMP-100', 'Centrifugal pump P100, assembled', 'H87', 'finished'),
      ('CMP-BOLT-M8', 'Hex bolt M8x40, 8.8, zinc plated', 'H87', 'component'),
      ('CMP-HOUSING-C1', 'Pump housing, cast iron GJL-250', 'H87', 'component'),
      ('RAW-STEEL-S235', 'Steel sheet S235, 2 mm', 'KGM', 'raw')
    ON CONFLICT DO NOTHING`);
  await db.query(`INSERT INTO erp_sim_unit_conversion (material, from_unit, to_unit, numerator, denominator) VALUES
      ('CMP-BOLT-M8', 'XBX', 'H87', 100, 1),
      ('CMP-BOLT-M8', 'H87', 'XBX', 1, 100),
      ('RAW-STEEL-S235', 'TNE', 'KGM', 1000, 1)
    ON CONFLICT DO NOTHING`);
  await db.query(`INSERT INTO erp_sim_bom_item (plant, material, component, quantity_per, unit) VALUES
      ('1000', 'FG-PUMP-100', 'CMP-BOLT-M8', 8, 'H87'),
      ('1000', 'FG-PUMP-100', 'CMP-HOUSING-C1', 1, 'H87'),
      ('1000', 'FG-PUMP-100', 'RAW-STEEL-S235', 3.25, 'KGM')
    ON CONFLICT DO NOTHING`);
  await db.query(`INSERT INTO erp_sim_source_list (plant, material, supplier, lead_time_days, valid_from, valid_to) VALUES
      ('1000', 'CMP-BOLT-M8', 'acme-fasteners', 5, '2026-01-01', NULL),
      ('1000', 'CMP-HOUSING-C1', 'nordic-castings', 21, '2026-01-01', NULL)
    ON CONFLICT DO NOTHING`);
  await db.query(`INSERT INTO erp_sim_stock (plant, material, unrestricted) VALUES
      ('1000', 'CMP-BOLT-M8', 4800),
      ('1000', 'CMP-HOUSING-C1', 140),
      ('1000', 'RAW-STEEL-S235', 2250.5),
      ('1000', 'FG-PUMP-100', 35)
    ON CONFLICT DO NOTHING`);
}
