import type { GatewayConfig } from '../../config/config.js';
import { isEmbedded } from '../../config/config.js';
import { EmbeddedPostgres } from './embedded-postgres.js';

/** Where this process's database is: a PostgreSQL server, or the embedded one it started itself. */
export interface DatabaseEndpoint {
  readonly url: string;
  readonly embedded: boolean;
  /** Connections this process may open: exactly one for the embedded database. */
  readonly poolSize: number;
  /** Waits until connections closed by earlier users (migrations, a CLI step) are gone. */
  settle(): Promise<void>;
  close(): Promise<void>;
}

export async function openDatabaseEndpoint(
  config: Pick<GatewayConfig, 'DATABASE_URL' | 'DATA_DIR' | 'DATABASE_POOL_SIZE'>,
): Promise<DatabaseEndpoint> {
  if (!isEmbedded(config as GatewayConfig)) {
    return {
      url: config.DATABASE_URL!,
      embedded: false,
      poolSize: config.DATABASE_POOL_SIZE,
      settle: async () => {},
      close: async () => {},
    };
  }
  const embedded = await EmbeddedPostgres.start(config.DATA_DIR);
  return {
    url: embedded.url,
    embedded: true,
    poolSize: 1,
    settle: () => embedded.settle(),
    close: () => embedded.stop(),
  };
}
