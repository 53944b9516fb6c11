import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, queryOnce, type TestDatabase } from '../support/postgres.js';

/** The built command (TEST_CLI_ENTRY points at another build). */
const CLI = process.env.TEST_CLI_ENTRY ?? 'dist/src/cli/main.js';

const YAML = `plants:
  - { plant: '1000', name: Riverside assembly, timezone: Europe/Berlin }
materials:
  - { material: FG-PUMP-100, description: Pump, baseUnit: H87, kind: finished }
  - { material: CMP-BOLT-M8, description: Bolt, baseUnit: H87, kind: component }
unitConversions:
  - { material: CMP-BOLT-M8, fromUnit: XBX, toUnit: H87, numerator: '100', denominator: '1' }
billsOfMaterial:
  - { plant: '1000', material: FG-PUMP-100, component: CMP-BOLT-M8, quantityPer: '8', unit: H87 }
sourceList:
  - { plant: '1000', material: CMP-BOLT-M8, supplier: acme-fasteners, leadTimeDays: 5, validFrom: '2026-01-01', validTo: null }
`;

describe('gateway masterdata import', () => {
  let db: TestDatabase;
  let dir: string;
  const gateway = (...args: string[]) => {
    const result = spawnSync(process.execPath, [CLI, ...args], {
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '/tmp',
        DATABASE_URL: db.url,
        LOG_LEVEL: 'warn',
      },
      encoding: 'utf8',
    });
    return { status: result.status, out: result.stdout + result.stderr };
  };
  const file = (name: string, content: string) => {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  };

  beforeAll(async () => {
    db = await createTestDatabase('plantmasterdata');
    dir = mkdtempSync(join(tmpdir(), 'sg-masterdata-'));
    expect(gateway('migrate').status).toBe(0);
  });
  afterAll(async () => {
    await db?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('imports a YAML set as a version, and the same content again as unchanged', () => {
    const yaml = file('masterdata.yaml', YAML);
    expect(gateway('masterdata', 'import', '--check', yaml)).toMatchObject({
      status: 0,
      out: expect.stringContaining('master data is valid: plants 1, materials 2'),
    });
    expect(gateway('masterdata', 'import', yaml)).toMatchObject({
      status: 0,
      out: expect.stringMatching(/imported master data version \d+/),
    });
    expect(gateway('masterdata', 'import', yaml)).toMatchObject({
      status: 0,
      out: expect.stringContaining('unchanged'),
    });
  });

  it('imports CSV files, one per section, as the next version that replaces the set', async () => {
    const files = [
      file('plants.csv', 'plant,name,timezone\n1000,"Riverside, Line 4",Europe/Berlin\n'),
      file('materials.csv', 'material,description,baseUnit,kind\nCMP-BOLT-M8,"Bolt ""M8""",H87,component\n'),
      file('conversions.csv', 'material,fromUnit,toUnit,numerator,denominator\nCMP-BOLT-M8,XBX,H87,50,1\n'),
      file('bom.csv', 'plant,material,component,quantityPer,unit\n'),
      file(
        'sources.csv',
        'plant,material,supplier,leadTimeDays,validFrom,validTo\n1000,CMP-BOLT-M8,acme-fasteners,7,2026-01-01,\n',
      ),
    ];
    expect(gateway('masterdata', 'import', ...files).status).toBe(0);
    const materials = await queryOnce<{ material: string; description: string }>(
      db.url,
      `SELECT material, description FROM master_material ORDER BY material`,
    );
    expect(materials).toEqual([{ material: 'CMP-BOLT-M8', description: 'Bolt "M8"' }]);
    const [source] = await queryOnce<{ lead_time_days: number; valid_to: string | null }>(
      db.url,
      `SELECT lead_time_days, valid_to FROM master_source_list`,
    );
    expect(source).toEqual({ lead_time_days: 7, valid_to: null });
    expect(gateway('masterdata', 'versions').out.trim().split('\n')).toHaveLength(2);
  });

  it('refuses an inconsistent set with every problem, and writes nothing', async () => {
    const broken = file(
      'broken.yaml',
      YAML.replace(
        "supplier: acme-fasteners, leadTimeDays: 5, validFrom: '2026-01-01'",
        "supplier: acme, leadTimeDays: -1, validFrom: '2026-01-01'",
      ).replace("component: CMP-BOLT-M8, quantityPer: '8'", "component: NO-SUCH, quantityPer: '8'"),
    );
    const result = gateway('masterdata', 'import', broken);
    expect(result.status).toBe(1);
    expect(result.out).toContain('sourceList.0.leadTimeDays');
    const valid = gateway(
      'masterdata',
      'import',
      file(
        'broken-ref.yaml',
        YAML.replace("component: CMP-BOLT-M8, quantityPer: '8'", "component: NO-SUCH, quantityPer: '8'"),
      ),
    );
    expect(valid.status).toBe(1);
    expect(valid.out).toContain('billsOfMaterial.0.component: unknown material NO-SUCH');
    const [versions] = await queryOnce<{ n: number }>(
      db.url,
      `SELECT count(*)::int AS n FROM master_data_version`,
    );
    expect(versions!.n).toBe(2);
  });
});
