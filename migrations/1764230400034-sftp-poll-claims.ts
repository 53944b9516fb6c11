import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the SFTP poller keeps about a partner's server besides its pickups (docs/sftp.md):
 * - `sftp_poll_claim`: the partner's file name behind a claim whose name had to be shortened to fit
 *   the server's 255-byte limit (`<kept part>.sgl-<8 hex>`). Written before the rename, so a claim
 *   left behind by a process that died is still taken under the partner's exact name; removed once
 *   the claim is archived and moved.
 * - `sftp_poll_server`: since when the partner's server refuses the renames that claim files (the
 *   poller then reads files in place), for the partner's health; cleared when a claim succeeds again.
 */
export class SftpPollClaims1764230400034 implements MigrationInterface {
  name = 'SftpPollClaims1764230400034';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE sftp_poll_claim (
        partner_id      text        NOT NULL,
        claim_name      text        NOT NULL,
        partner_name    text        NOT NULL,
        claimed_at      timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_sftp_poll_claim PRIMARY KEY (partner_id, claim_name)
      )`);
    await q.query(`
      CREATE TABLE sftp_poll_server (
        partner_id             text        NOT NULL,
        server                 text        NOT NULL,
        renames_refused_since  timestamptz,
        renames_refused_detail text,
        updated_at             timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_sftp_poll_server PRIMARY KEY (partner_id)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE sftp_poll_server`);
    await q.query(`DROP TABLE sftp_poll_claim`);
  }
}
