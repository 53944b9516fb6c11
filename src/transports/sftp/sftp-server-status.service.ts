import { Injectable } from '@nestjs/common';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { DataSource } from 'typeorm';
import { queryRows } from '../../platform/database/sql.js';

type RenameState = 'refused' | 'accepted';

/**
 * Whether a partner's server lets the poller claim files by renaming them. A server that refuses
 * (permissions) keeps refusing, pass after pass: the change is what matters, so it is logged once per
 * partner and server in a process, when the state turns, and kept in `sftp_poll_server` (since when
 * it refuses) for the partner's health in the portal. A claim that succeeds again clears it.
 */
@Injectable()
export class SftpServerStatus {
  /** What this process last saw, per `<partner>|<host>:<port>`; unknown until a claim is tried. */
  private readonly renames = new Map<string, RenameState>();

  constructor(
    private readonly dataSource: DataSource,
    @InjectPinoLogger(SftpServerStatus.name) private readonly logger: PinoLogger,
  ) {}

  async renamesRefused(partnerId: string, server: string, error: unknown): Promise<void> {
    const key = `${partnerId}|${server}`;
    if (this.renames.get(key) === 'refused') return;
    const detail = error instanceof Error ? error.message : String(error);
    // Since when it refuses survives a restart or a lease handover: a new process only confirms it.
    await this.dataSource.query(
      `INSERT INTO sftp_poll_server (partner_id, server, renames_refused_since, renames_refused_detail)
       VALUES ($1, $2, now(), $3)
       ON CONFLICT ON CONSTRAINT pk_sftp_poll_server DO UPDATE
          SET renames_refused_since = CASE
                WHEN sftp_poll_server.server = EXCLUDED.server AND sftp_poll_server.renames_refused_since IS NOT NULL
                THEN sftp_poll_server.renames_refused_since ELSE now() END,
              server = EXCLUDED.server, renames_refused_detail = EXCLUDED.renames_refused_detail, updated_at = now()`,
      [partnerId, server, detail],
    );
    this.renames.set(key, 'refused');
    this.logger.warn(
      { partnerId, server, err: error },
      'sftp server refused to rename a file to claim it; reading files in place until a claim succeeds',
    );
  }

  async renamesAccepted(partnerId: string, server: string): Promise<void> {
    const key = `${partnerId}|${server}`;
    if (this.renames.get(key) === 'accepted') return;
    const cleared = await queryRows<{ one: number }>(
      this.dataSource,
      `UPDATE sftp_poll_server SET server = $2, renames_refused_since = NULL, renames_refused_detail = NULL, updated_at = now()
        WHERE partner_id = $1 AND renames_refused_since IS NOT NULL
        RETURNING 1 AS one`,
      [partnerId, server],
    );
    this.renames.set(key, 'accepted');
    if (cleared.length > 0)
      this.logger.info({ partnerId, server }, 'sftp server accepts renames again; claiming files');
  }
}
