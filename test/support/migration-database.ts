import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll } from 'vitest';
import { dataSourceOptions, runMigrations } from '../../src/platform/database/data-source.js';
import {
  openDatabaseEndpoint,
  type DatabaseEndpoint,
} from '../../src/platform/database/database-endpoint.js';
import { createTestDatabase, type TestDatabase } from './postgres.js';

/** The two engines the gateway runs on: a PostgreSQL server, and the embedded PGlite of `npm start`. */
export const MIGRATION_ENGINES = [
  { engine: 'PostgreSQL', embedded: false },
  { engine: 'embedded PGlite', embedded: true },
] as const;

export interface MigrationDatabase {
  /** Runs `work` on a data source that knows `migrations` only (the ones before the one tested). */
  withDataSource<T>(
    migrations: DataSource['options']['migrations'],
    work: (dataSource: DataSource) => Promise<T>,
  ): Promise<T>;
  /** The gateway's own migration run: the names of the migrations it applied. */
  migrate(): Promise<string[]>;
}

/**
 * A fresh database for a migration's test, on one engine, opened before the suite's tests and
 * dropped after them (call it in the `describe` body): migrated first to the state before the
 * migration by `withDataSource`, then by the gateway's own run (`migrate`).
 */
export function migrationDatabase(name: string, embedded: boolean): MigrationDatabase {
  const dataDir = mkdtempSync(join(tmpdir(), `sg-${name}-`));
  let db: TestDatabase | undefined;
  let endpoint: DatabaseEndpoint | undefined;

  beforeAll(async () => {
    if (!embedded) db = await createTestDatabase(name.replaceAll('-', '_'));
    endpoint = await openDatabaseEndpoint({
      DATABASE_URL: db?.url,
      DATA_DIR: dataDir,
      DATABASE_POOL_SIZE: 2,
    });
  });
  afterAll(async () => {
    await endpoint?.close();
    await db?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const opened = (): DatabaseEndpoint => {
    if (!endpoint) throw new Error('the migration database is opened before the tests');
    return endpoint;
  };
  return {
    async withDataSource(migrations, work) {
      const dataSource = new DataSource({ ...dataSourceOptions(opened()), migrations });
      await dataSource.initialize();
      try {
        return await work(dataSource);
      } finally {
        await dataSource.destroy();
        await opened().settle();
      }
    },
    async migrate() {
      const applied = await runMigrations(opened());
      await opened().settle();
      return applied;
    },
  };
}
