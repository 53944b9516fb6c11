import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { queryRows, type Queryable } from '../../platform/database/sql.js';

/**
 * The remote files the poller took into the archive, by partner and caller key (path, size, mtime,
 * claim), written in the archive's transaction, so "archived" and "recorded as picked up" commit
 * together; and the partner's names behind the claims that had to be shortened.
 */
@Injectable()
export class SftpPickupsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Whether these bytes were picked up under one of these caller keys. */
  async pickedUp(partnerId: string, callerKeys: readonly string[], sha256: string): Promise<boolean> {
    const rows = await queryRows<{ one: number }>(
      this.dataSource,
      `SELECT 1 AS one FROM sftp_poll_pickup WHERE partner_id = $1 AND caller_key = ANY($2::text[]) AND sha256 = $3`,
      [partnerId, callerKeys, sha256],
    );
    return rows.length > 0;
  }

  async record(
    db: Queryable,
    partnerId: string,
    callerKey: string,
    sha256: string,
    interchangeId: string,
  ): Promise<void> {
    // A changed file under the same key (read in place, rewritten within its mtime second) is a new pickup.
    await db.query(
      `INSERT INTO sftp_poll_pickup (partner_id, caller_key, sha256, interchange_id) VALUES ($1, $2, $3, $4)
       ON CONFLICT ON CONSTRAINT pk_sftp_poll_pickup DO UPDATE
          SET sha256 = EXCLUDED.sha256, interchange_id = EXCLUDED.interchange_id, picked_at = now()`,
      [partnerId, callerKey, sha256, interchangeId],
    );
  }

  /** Stores the partner's name behind a shortened claim; committed before the rename that makes it. */
  async rememberClaim(partnerId: string, claimName: string, partnerName: string): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO sftp_poll_claim (partner_id, claim_name, partner_name) VALUES ($1, $2, $3)
       ON CONFLICT ON CONSTRAINT pk_sftp_poll_claim DO NOTHING`,
      [partnerId, claimName, partnerName],
    );
  }

  async claimedName(partnerId: string, claimName: string): Promise<string | undefined> {
    const [row] = await queryRows<{ partner_name: string }>(
      this.dataSource,
      `SELECT partner_name FROM sftp_poll_claim WHERE partner_id = $1 AND claim_name = $2`,
      [partnerId, claimName],
    );
    return row?.partner_name;
  }

  async forgetClaim(partnerId: string, claimName: string): Promise<void> {
    await this.dataSource.query(`DELETE FROM sftp_poll_claim WHERE partner_id = $1 AND claim_name = $2`, [
      partnerId,
      claimName,
    ]);
  }
}
