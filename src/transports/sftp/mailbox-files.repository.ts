import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { queryRows, type Queryable } from '../../platform/database/sql.js';

export const MAILBOX_FOLDERS = ['inbound', 'outbound', 'archive'] as const;
export type MailboxFolder = (typeof MAILBOX_FOLDERS)[number];

export interface MailboxFile {
  readonly id: string;
  readonly partnerId: string;
  readonly folder: MailboxFolder;
  readonly name: string;
  /** partial: its upload's connection dropped (kept for resume, never archived). */
  readonly state: 'partial' | 'complete';
  readonly blobKey: string;
  readonly size: number;
  readonly sha256: string;
  readonly interchangeId: string | null;
  readonly modifiedAt: Date;
}

export interface MailboxFileWrite {
  readonly state: 'partial' | 'complete';
  readonly blobKey: string;
  readonly size: number;
  readonly sha256: string;
  readonly interchangeId?: string | null;
  readonly placementKey?: string | null;
}

interface Row {
  id: string;
  partner_id: string;
  folder: MailboxFolder;
  name: string;
  state: 'partial' | 'complete';
  blob_key: string;
  size_bytes: string;
  sha256: string;
  interchange_id: string | null;
  modified_at: Date;
}

const COLUMNS = `id::text AS id, partner_id, folder, name, state, blob_key, size_bytes::text AS size_bytes, sha256,
  interchange_id::text AS interchange_id, modified_at`;

/**
 * The files of the hosted mailbox. Every query takes the partner: a session can only ever name files
 * of the partner it authenticated as (DESIGN.md invariant 3).
 */
@Injectable()
export class MailboxFilesRepository {
  constructor(private readonly dataSource: DataSource) {}

  async list(
    partnerId: string,
    folder: MailboxFolder,
    db: Queryable = this.dataSource,
  ): Promise<MailboxFile[]> {
    const rows = await queryRows<Row>(
      db,
      `SELECT ${COLUMNS} FROM sftp_mailbox_file WHERE partner_id = $1 AND folder = $2 ORDER BY name`,
      [partnerId, folder],
    );
    return rows.map(toFile);
  }

  async find(
    partnerId: string,
    folder: MailboxFolder,
    name: string,
    db: Queryable = this.dataSource,
  ): Promise<MailboxFile | undefined> {
    const [row] = await queryRows<Row>(
      db,
      `SELECT ${COLUMNS} FROM sftp_mailbox_file WHERE partner_id = $1 AND folder = $2 AND name = $3`,
      [partnerId, folder, name],
    );
    return row ? toFile(row) : undefined;
  }

  async findPlacement(partnerId: string, placementKey: string): Promise<MailboxFile | undefined> {
    const [row] = await queryRows<Row>(
      this.dataSource,
      `SELECT ${COLUMNS} FROM sftp_mailbox_file WHERE partner_id = $1 AND placement_key = $2`,
      [partnerId, placementKey],
    );
    return row ? toFile(row) : undefined;
  }

  /** Creates the file or replaces what the name held (an upload overwrites, a resume extends). */
  async upsert(
    partnerId: string,
    folder: MailboxFolder,
    name: string,
    file: MailboxFileWrite,
    db: Queryable = this.dataSource,
  ): Promise<void> {
    await db.query(
      `INSERT INTO sftp_mailbox_file (partner_id, folder, name, state, blob_key, size_bytes, sha256, interchange_id, placement_key)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT ON CONSTRAINT uq_sftp_mailbox_file_name DO UPDATE
          SET state = EXCLUDED.state, blob_key = EXCLUDED.blob_key, size_bytes = EXCLUDED.size_bytes,
              sha256 = EXCLUDED.sha256, interchange_id = EXCLUDED.interchange_id,
              placement_key = EXCLUDED.placement_key, modified_at = now()`,
      [
        partnerId,
        folder,
        name,
        file.state,
        file.blobKey,
        file.size,
        file.sha256,
        file.interchangeId ?? null,
        file.placementKey ?? null,
      ],
    );
  }

  /** Creates the file unless the name is taken; false when it is. */
  async insertNew(
    partnerId: string,
    folder: MailboxFolder,
    name: string,
    file: MailboxFileWrite,
    db: Queryable = this.dataSource,
  ): Promise<boolean> {
    const rows = await queryRows<{ id: string }>(
      db,
      `INSERT INTO sftp_mailbox_file (partner_id, folder, name, state, blob_key, size_bytes, sha256, interchange_id, placement_key)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT ON CONSTRAINT uq_sftp_mailbox_file_name DO NOTHING
       RETURNING id::text AS id`,
      [
        partnerId,
        folder,
        name,
        file.state,
        file.blobKey,
        file.size,
        file.sha256,
        file.interchangeId ?? null,
        file.placementKey ?? null,
      ],
    );
    return rows.length > 0;
  }

  /** True when a row was renamed; false when the source is gone or the target exists. */
  async rename(
    partnerId: string,
    folder: MailboxFolder,
    from: string,
    to: string,
    db: Queryable = this.dataSource,
  ): Promise<boolean> {
    const rows = await queryRows<{ id: string }>(
      db,
      `UPDATE sftp_mailbox_file SET name = $4, modified_at = now()
        WHERE partner_id = $1 AND folder = $2 AND name = $3
          AND NOT EXISTS (SELECT 1 FROM sftp_mailbox_file WHERE partner_id = $1 AND folder = $2 AND name = $4)
        RETURNING id::text AS id`,
      [partnerId, folder, from, to],
    );
    return rows.length > 0;
  }

  async remove(
    partnerId: string,
    folder: MailboxFolder,
    name: string,
    db: Queryable = this.dataSource,
  ): Promise<boolean> {
    const rows = await queryRows<{ id: string }>(
      db,
      `DELETE FROM sftp_mailbox_file WHERE partner_id = $1 AND folder = $2 AND name = $3 RETURNING id::text AS id`,
      [partnerId, folder, name],
    );
    return rows.length > 0;
  }
}

function toFile(row: Row): MailboxFile {
  return {
    id: row.id,
    partnerId: row.partner_id,
    folder: row.folder,
    name: row.name,
    state: row.state,
    blobKey: row.blob_key,
    size: Number(row.size_bytes),
    sha256: row.sha256,
    interchangeId: row.interchange_id,
    modifiedAt: new Date(row.modified_at),
  };
}
