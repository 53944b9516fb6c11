import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { queryRows } from '../database/sql.js';

export interface Lease {
  readonly name: string;
  readonly holder: string;
  readonly expiresAt: Date;
}

/**
 * Leases for work that must run once across all processes (pollers, sweeps, subscriptions). A
 * lease is a row with an expiry: its holder renews it while working; when the holder dies, the
 * lease expires and another process takes it over. Time is the database's clock, never a process's.
 */
@Injectable()
export class LeaseService {
  constructor(private readonly dataSource: DataSource) {}

  /** Takes the lease when free or expired, or renews it when `holder` already holds it. */
  async acquire(name: string, holder: string, ttlMs: number): Promise<Lease | undefined> {
    const [row] = await queryRows<{ name: string; holder: string; expires_at: Date }>(
      this.dataSource,
      `INSERT INTO lease (name, holder, expires_at)
       VALUES ($1, $2, now() + make_interval(secs => $3::double precision / 1000))
       ON CONFLICT ON CONSTRAINT pk_lease DO UPDATE
          SET holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at,
              acquired_at = CASE WHEN lease.holder = EXCLUDED.holder THEN lease.acquired_at ELSE now() END
        WHERE lease.holder = EXCLUDED.holder OR lease.expires_at < now()
       RETURNING name, holder, expires_at`,
      [name, holder, ttlMs],
    );
    return row ? { name: row.name, holder: row.holder, expiresAt: new Date(row.expires_at) } : undefined;
  }

  /** Gives the lease up early (on shutdown) so another process need not wait for the expiry. */
  async release(name: string, holder: string): Promise<void> {
    await this.dataSource.query(`DELETE FROM lease WHERE name = $1 AND holder = $2`, [name, holder]);
  }

  async current(name: string): Promise<Lease | undefined> {
    const [row] = await queryRows<{ name: string; holder: string; expires_at: Date }>(
      this.dataSource,
      `SELECT name, holder, expires_at FROM lease WHERE name = $1 AND expires_at >= now()`,
      [name],
    );
    return row ? { name: row.name, holder: row.holder, expiresAt: new Date(row.expires_at) } : undefined;
  }
}
