import pg from 'pg';

// Fixed, arbitrary: every gateway process on one database contends for the same key.
const SINGLE_PROCESS_LOCK_KEY = 72_830_002;

export class SecondProcessError extends Error {
  constructor() {
    super(
      'another gateway process already runs on this database without REDIS_URL; the in-process job runner ' +
        'serves one process only: stop it, or set REDIS_URL on every process to run several',
    );
    this.name = 'SecondProcessError';
  }
}

/**
 * Without Redis, jobs run in-process and the gateway is one process. On a shared PostgreSQL a
 * session advisory lock enforces that: the server releases it the moment the holder's connection
 * drops, so a crashed process never blocks its own restart.
 */
export class SingleProcessGuard {
  private constructor(private readonly client: pg.Client) {}

  static async acquire(url: string): Promise<SingleProcessGuard> {
    const client = new pg.Client({
      connectionString: url,
      application_name: 'supplier-gateway:guard',
      keepAlive: true,
    });
    await client.connect();
    // Keep the lock's connection from dying silently behind a firewall that drops idle TCP.
    client.on('error', () => undefined);
    const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [
      SINGLE_PROCESS_LOCK_KEY,
    ]);
    if (!rows[0]?.locked) {
      await client.end();
      throw new SecondProcessError();
    }
    return new SingleProcessGuard(client);
  }

  async release(): Promise<void> {
    await this.client.end().catch(() => undefined);
  }
}
