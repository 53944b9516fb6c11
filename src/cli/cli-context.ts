import { DataSource } from 'typeorm';
import { ConfigError, loadConfig, type GatewayConfig } from '../config/config.js';
import { openDatabaseEndpoint, type DatabaseEndpoint } from '../platform/database/database-endpoint.js';
import { dataSourceOptions } from '../platform/database/data-source.js';

/** Exit codes of the `gateway` command. */
export const EXIT = { ok: 0, findings: 1, usage: 2, failure: 3 } as const;

export class CliFailure extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.failure,
  ) {
    super(message);
  }
}

export function cliConfig(): GatewayConfig {
  try {
    return loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) throw new CliFailure(error.lines().join('\n'), EXIT.failure);
    throw error;
  }
}

/**
 * Runs `fn` with a database connection of its own. With the embedded database this takes the data
 * directory's lock, so it fails clearly while a gateway process runs on the same directory.
 */
export async function withDatabase<T>(
  config: GatewayConfig,
  fn: (db: DataSource, endpoint: DatabaseEndpoint) => Promise<T>,
): Promise<T> {
  const endpoint = await openDatabaseEndpoint(config);
  try {
    const db = new DataSource({ ...dataSourceOptions(endpoint), poolSize: 1 });
    await db.initialize();
    try {
      if (await db.showMigrations()) {
        throw new CliFailure('the database schema is behind this version: run `gateway migrate` first');
      }
      return await fn(db, endpoint);
    } finally {
      await db.destroy();
    }
  } finally {
    await endpoint.close();
  }
}

export function print(value: unknown): void {
  process.stdout.write(typeof value === 'string' ? `${value}\n` : `${JSON.stringify(value, null, 2)}\n`);
}
