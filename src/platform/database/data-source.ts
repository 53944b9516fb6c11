import { DataSource, type DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from '../../../migrations/index.js';
import type { DatabaseEndpoint } from './database-endpoint.js';

/**
 * TypeORM options shared by the application and the CLI. `synchronize` stays off: the schema
 * changes only through reviewed migrations.
 */
export function dataSourceOptions(endpoint: DatabaseEndpoint): DataSourceOptions & { type: 'postgres' } {
  return {
    type: 'postgres',
    url: endpoint.url,
    synchronize: false,
    migrationsRun: false,
    migrations: MIGRATIONS,
    migrationsTableName: 'schema_migration',
    poolSize: endpoint.poolSize,
    connectTimeoutMS: 10_000,
    applicationName: 'supplier-gateway',
    extra: {
      // A process that loses its database should fail fast rather than queue forever.
      connectionTimeoutMillis: 10_000,
    },
  };
}

// An arbitrary, fixed key: every gateway process migrating one database takes the same lock.
const MIGRATION_LOCK_KEY = 72_830_001;

/**
 * Runs pending migrations, each in its own transaction. On a shared server a session advisory lock
 * keeps two processes that start together from migrating at once. Returns the names it applied.
 */
export async function runMigrations(endpoint: DatabaseEndpoint): Promise<string[]> {
  // On a server the lock holds one connection and the migrations use another; the embedded
  // database has exactly one connection and one process, so it needs no lock.
  const dataSource = new DataSource({ ...dataSourceOptions(endpoint), poolSize: endpoint.embedded ? 1 : 2 });
  await dataSource.initialize();
  const lock = endpoint.embedded ? undefined : dataSource.createQueryRunner();
  try {
    if (lock) {
      await lock.connect();
      await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    }
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  } finally {
    if (lock) {
      await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
      await lock.release();
    }
    await dataSource.destroy();
  }
}
