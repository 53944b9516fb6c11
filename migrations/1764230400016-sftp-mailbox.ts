import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The hosted SFTP mailbox: one row per file a partner sees in its jailed tree (`/inbound`,
 * `/outbound`, `/archive`). The bytes live in the blob store, so any api process serves any file.
 * - `partial`: an upload whose connection dropped before CLOSE, kept for resume, never archived;
 * - `complete`: closed (an upload under a temporary name, an archived copy, or a file we placed).
 * `interchange_id` links an archived upload or a placed answer to its interchange row;
 * `placement_key` makes a placement idempotent (a retried job places the file once).
 *
 * And the poller's pickups: one row per remote file taken into the archive (written in the archive's
 * transaction), so a file read again because the process died before moving it is recognised whatever
 * became of its receipt (even one the intake later rejected), and is moved without a second receipt.
 */
export class SftpMailbox1764230400016 implements MigrationInterface {
  name = 'SftpMailbox1764230400016';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE sftp_mailbox_file (
        id              bigint GENERATED ALWAYS AS IDENTITY,
        partner_id      text        NOT NULL,
        folder          text        NOT NULL,
        name            text        NOT NULL,
        state           text        NOT NULL,
        blob_key        text        NOT NULL,
        size_bytes      bigint      NOT NULL,
        sha256          text        NOT NULL,
        interchange_id  bigint,
        placement_key   text,
        modified_at     timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_sftp_mailbox_file PRIMARY KEY (id),
        CONSTRAINT uq_sftp_mailbox_file_name UNIQUE (partner_id, folder, name),
        CONSTRAINT fk_sftp_mailbox_file_interchange FOREIGN KEY (interchange_id) REFERENCES interchange (id),
        CONSTRAINT ck_sftp_mailbox_file_folder CHECK (folder IN ('inbound', 'outbound', 'archive')),
        CONSTRAINT ck_sftp_mailbox_file_state CHECK (state IN ('partial', 'complete')),
        CONSTRAINT ck_sftp_mailbox_file_name CHECK (
          name !~ '[/\\x01-\\x1f]' AND name NOT IN ('', '.', '..') AND length(name) <= 255),
        CONSTRAINT ck_sftp_mailbox_file_sha256 CHECK (sha256 ~ '^[0-9a-f]{64}$'),
        CONSTRAINT ck_sftp_mailbox_file_size CHECK (size_bytes >= 0)
      )`);
    await q.query(
      `CREATE UNIQUE INDEX uq_sftp_mailbox_file_placement ON sftp_mailbox_file (partner_id, placement_key)
        WHERE placement_key IS NOT NULL`,
    );
    await q.query(
      `CREATE INDEX ix_sftp_mailbox_file_interchange ON sftp_mailbox_file (interchange_id)
        WHERE interchange_id IS NOT NULL`,
    );
    await q.query(`
      CREATE TABLE sftp_poll_pickup (
        partner_id      text        NOT NULL,
        caller_key      text        NOT NULL,
        sha256          text        NOT NULL,
        interchange_id  bigint      NOT NULL,
        picked_at       timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_sftp_poll_pickup PRIMARY KEY (partner_id, caller_key),
        CONSTRAINT fk_sftp_poll_pickup_interchange FOREIGN KEY (interchange_id) REFERENCES interchange (id),
        CONSTRAINT ck_sftp_poll_pickup_sha256 CHECK (sha256 ~ '^[0-9a-f]{64}$')
      )`);
    await q.query(`CREATE INDEX ix_sftp_poll_pickup_picked_at ON sftp_poll_pickup (picked_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE sftp_poll_pickup`);
    await q.query(`DROP TABLE sftp_mailbox_file`);
  }
}
