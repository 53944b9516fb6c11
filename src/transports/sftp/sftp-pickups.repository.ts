import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { queryRows, type Queryable } from '../../platform/database/sql.js';

/**
 * The remote files the poller took into the archive, by partner and caller key (path, size, mtime).
 * Written in the archive's transaction, so "archived" and "recorded as picked up" commit together.
 */
@Injectable()
export class SftpPickupsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async find(
    partnerId: string,
    callerKey: string,
  ): Promise<{ sha256: string; interchangeId: string } | undefined> {
    const [row] = await queryRows<{ sha256: string; interchange_id: string }>(
      this.dataSource,
      `SELECT sha256, interchange_id::text AS interchange_id FROM sftp_poll_pickup WHERE partner_id = $1 AND caller_key = $2`,
      [partnerId, callerKey],
    );
    return row ? { sha256: row.sha256, interchangeId: row.interchange_id } : undefined;
  }

  async record(
    db: Queryable,
    partnerId: string,
    callerKey: string,
    sha256: string,
    interchangeId: string,
  ): Promise<void> {
    // A changed file under the same key (rewritten within its mtime second) is a new pickup.
    await db.query(
      `INSERT INTO sftp_poll_pickup (partner_id, caller_key, sha256, interchange_id) VALUES ($1, $2, $3, $4)
       ON CONFLICT ON CONSTRAINT pk_sftp_poll_pickup DO UPDATE
          SET sha256 = EXCLUDED.sha256, interchange_id = EXCLUDED.interchange_id, picked_at = now()`,
      [partnerId, callerKey, sha256, interchangeId],
    );
  }
}
