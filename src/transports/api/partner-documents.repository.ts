import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
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

/** The functional acknowledgment the intake recorded for a receipt: every TA1/997/999 or CONTRL it built. */
export function acknowledgmentOf(
  answer: Record<string, unknown>,
): { readonly contentType: string; readonly text: string; readonly kinds: string[] } | undefined {
  const x12 = answer.x12Intake as
    | { interchanges?: { ack?: { text: string; functional: string | null; ta1: unknown } | null }[] }
    | undefined;
  const x12Acks = (x12?.interchanges ?? []).flatMap((i) => (i.ack ? [i.ack] : []));
  if (x12Acks.length > 0)
    return {
      contentType: 'application/edi-x12',
      text: x12Acks.map((a) => a.text).join(''),
      kinds: x12Acks.flatMap((a) => [...(a.ta1 ? ['TA1'] : []), ...(a.functional ? [a.functional] : [])]),
    };
  const edifact = answer.edifactIntake as
    { interchanges?: { contrl?: { text: string } | null }[] } | undefined;
  const contrls = (edifact?.interchanges ?? []).flatMap((i) => (i.contrl ? [i.contrl] : []));
  if (contrls.length > 0)
    return {
      contentType: 'application/edifact',
      text: contrls.map((c) => c.text).join(''),
      kinds: contrls.map(() => 'CONTRL'),
    };
  return undefined;
}
