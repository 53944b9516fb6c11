import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { builtAcknowledgments } from '../../outbound/acknowledgment-delivery.service.js';
import { CONTENT_TYPES, contentTypeWithCharset } from '../../outbound/transports/platform.transport.js';
import { isoTimestamp, isRowId, queryRows } from '../../platform/database/sql.js';

export interface PartnerInterchange {
  readonly id: string;
  readonly channel: string;
  readonly receivedAt: string;
  readonly contentType: string | null;
  readonly sha256: string;
  readonly size: number;
  readonly status: string;
  readonly statusDetail: string | null;
  readonly duplicateOf: string | null;
  readonly answer: Record<string, unknown>;
  readonly events: readonly { readonly id: string; readonly type: string }[];
}

interface Row {
  id: string;
  channel: string;
  received_at: string;
  content_type: string | null;
  sha256: string;
  size_bytes: string;
  status: string;
  status_detail: string | null;
  duplicate_of: string | null;
  answer: Record<string, unknown> | null;
}

/**
 * The interchange archive as one partner may see it: its own inbound receipts, whatever the channel.
 * Another partner's id is answered exactly like an unknown one (undefined), so ids do not leak.
 */
@Injectable()
export class PartnerDocumentsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async find(id: string, partnerId: string): Promise<PartnerInterchange | undefined> {
    if (!isRowId(id)) return undefined;
    const [row] = await queryRows<Row>(
      this.dataSource,
      `SELECT id::text AS id, channel, ${isoTimestamp('received_at')} AS received_at, content_type, sha256,
              size_bytes::text AS size_bytes, status, status_detail, duplicate_of::text AS duplicate_of, answer
         FROM interchange WHERE id = $1 AND partner_id = $2 AND direction = 'inbound'`,
      [id, partnerId],
    );
    if (!row) return undefined;
    // A repeat is answered by its original, which belongs to the same partner (the archive compares per partner).
    const source = row.duplicate_of ?? row.id;
    const events = await queryRows<{ id: string; type: string }>(
      this.dataSource,
      `SELECT id::text AS id, type FROM canonical_event WHERE interchange_id = $1 AND partner_id = $2
        ORDER BY created_at, id`,
      [source, partnerId],
    );
    let answer = row.answer ?? {};
    if (row.duplicate_of) {
      const [original] = await queryRows<{ answer: Record<string, unknown> | null }>(
        this.dataSource,
        `SELECT answer FROM interchange WHERE id = $1 AND partner_id = $2`,
        [row.duplicate_of, partnerId],
      );
      answer = original?.answer ?? {};
    }
    return {
      id: row.id,
      channel: row.channel,
      receivedAt: row.received_at,
      contentType: row.content_type,
      sha256: row.sha256,
      size: Number(row.size_bytes),
      status: row.status,
      statusDetail: row.status_detail,
      duplicateOf: row.duplicate_of,
      answer,
      events,
    };
  }
}

/** The functional acknowledgment of a receipt, as the partner API serves it. */
export interface PartnerAcknowledgment {
  /** The media type, with the charset of the bytes when they share one (see `acknowledgmentOf`). */
  readonly contentType: string;
  /** Every acknowledgment interchange built for the receipt, one after another. */
  readonly payload: Buffer;
  readonly kinds: string[];
}

/**
 * The functional acknowledgment the intake recorded for a receipt: every TA1/997/999 or CONTRL it built,
 * as the bytes the other channels send (`builtAcknowledgments`: in the encoding of the interchange each
 * answers, not UTF-8). The charset is named when all of them share one; acknowledgments of one file's
 * interchanges written in different encodings (one in EBCDIC, one in Latin-1) have no single true one.
 */
export function acknowledgmentOf(answer: Record<string, unknown>): PartnerAcknowledgment | undefined {
  const built = builtAcknowledgments(answer);
  // A receipt went through one intake; X12 first, as the intake answers are kept.
  const standard = built[0]?.standard;
  if (!standard) return undefined;
  const acks = built.filter((a) => a.standard === standard);
  const charsets = new Set(acks.map((a) => a.charset));
  const [charset] = charsets;
  return {
    contentType: charsets.size === 1 ? contentTypeWithCharset(standard, charset!) : CONTENT_TYPES[standard],
    payload: Buffer.concat(acks.map((a) => a.payload)),
    kinds: acks.flatMap((a) => a.kinds),
  };
}
