import type { EntityManager } from 'typeorm';
import { isoTimestamp, queryRows, type Queryable } from '../../platform/database/sql.js';
import { storableJson } from '../../platform/database/storable-json.js';
import type { AcceptedEvent, RejectedEvent } from './plant-event-normalizer.js';

export type IngestChannel = 'api' | 'mqtt' | 'procurement';

export interface InsertedEvent {
  readonly producerKey: string;
  readonly late: boolean;
}

export interface RejectedRow {
  readonly id: string;
  readonly producerKey: string | null;
  readonly channel: string;
  readonly topic: string | null;
  readonly reason: string;
  readonly details: string[];
  readonly body: unknown;
  readonly times: number;
  readonly firstSeenAt: string;
  readonly lastSeenAt: string;
}

/**
 * Set-based writes of plant events: one statement inserts a whole batch's events (ON CONFLICT DO
 * NOTHING on the producer key), the movements of the events it inserted, and adds those movements to
 * the balances (one upsert per plant and material, in key order so concurrent batches lock balance
 * rows in the same order). A redelivered event inserts nothing, so it moves nothing.
 */
export class PlantEventRepository {
  async insertBatch(
    tx: EntityManager,
    events: readonly AcceptedEvent[],
    channel: IngestChannel,
    lateMinutes: number,
  ): Promise<InsertedEvent[]> {
    if (events.length === 0) return [];
    const sorted = [...events].sort((a, b) =>
      a.producerKey < b.producerKey ? -1 : a.producerKey > b.producerKey ? 1 : 0,
    );
    const { rows, movements } = batchJson(sorted);
    return queryRows<InsertedEvent>(
      tx,
      `WITH input AS (
         SELECT * FROM jsonb_to_recordset($1::jsonb) AS t(k text, ty text, p text, m text, at timestamptz, e jsonb)
       ),
       ins AS (
         INSERT INTO plant_event (producer_key, type, plant, material, channel, occurred_at, late, event)
         SELECT i.k, i.ty, i.p, i.m, $3, i.at,
                COALESCE(i.at < b.last_occurred_at - make_interval(mins => $4::integer), false), i.e
           FROM input i LEFT JOIN stock_balance b ON b.plant = i.p AND b.material = i.m
          ORDER BY i.k
         ON CONFLICT ON CONSTRAINT pk_plant_event DO NOTHING
         RETURNING producer_key, late
       ),
       mv AS (
         INSERT INTO stock_movement (producer_key, seq, plant, material, kind, quantity, occurred_at)
         SELECT m.k, m.s, m.p, m.m, m.kind, m.q, m.at
           FROM jsonb_to_recordset($2::jsonb)
             AS m(k text, s smallint, p text, m text, kind text, q numeric, at timestamptz)
           JOIN ins ON ins.producer_key = m.k
         RETURNING plant, material, quantity, occurred_at
       ),
       bal AS (
         INSERT INTO stock_balance (plant, material, on_hand, movements, last_occurred_at)
         SELECT plant, material, sum(quantity), count(*), max(occurred_at)
           FROM mv GROUP BY plant, material ORDER BY plant, material
         ON CONFLICT ON CONSTRAINT pk_stock_balance DO UPDATE
            SET on_hand = stock_balance.on_hand + EXCLUDED.on_hand,
                movements = stock_balance.movements + EXCLUDED.movements,
                last_occurred_at = GREATEST(stock_balance.last_occurred_at, EXCLUDED.last_occurred_at),
                updated_at = now()
         RETURNING 1
       )
       SELECT producer_key AS "producerKey", late FROM ins`,
      [rows, movements, channel, lateMinutes],
    );
  }

  /** Keeps refused events for diagnosis; a refused event seen again is counted, not stored twice. */
  async insertRejected(
    tx: EntityManager,
    rejected: readonly { event: RejectedEvent; body: unknown; topic: string | null }[],
    channel: IngestChannel,
  ): Promise<void> {
    if (rejected.length === 0) return;
    const byKey = new Map<string, (typeof rejected)[number]>();
    const anonymous: (typeof rejected)[number][] = [];
    for (const r of rejected) {
      if (r.event.producerKey === null) anonymous.push(r);
      else byKey.set(r.event.producerKey, r);
    }
    const rows = [...byKey.values(), ...anonymous].map((r) => ({
      k: r.event.producerKey,
      t: r.topic,
      r: r.event.reason,
      d: r.event.details,
      b: r.body,
    }));
    await tx.query(
      `INSERT INTO plant_event_rejected (producer_key, channel, topic, reason, details, body)
       SELECT k, $2, t, r, d, b FROM jsonb_to_recordset($1::jsonb) AS x(k text, t text, r text, d jsonb, b jsonb)
       ON CONFLICT (producer_key) WHERE producer_key IS NOT NULL DO UPDATE
          SET times = plant_event_rejected.times + 1, last_seen_at = now(), reason = EXCLUDED.reason,
              details = EXCLUDED.details, body = EXCLUDED.body, topic = EXCLUDED.topic`,
      // As jsonb can hold it: a refused body (and a key guessed from it) may carry U+0000 or a lone
      // surrogate, which become U+FFFD here rather than failing the refusal itself.
      [storableJson(rows), channel],
    );
  }

  async rejected(db: Queryable, limit: number): Promise<RejectedRow[]> {
    return queryRows<RejectedRow>(
      db,
      `SELECT id::text AS id, producer_key AS "producerKey", channel, topic, reason, details, body, times,
              ${isoTimestamp('first_seen_at')} AS "firstSeenAt", ${isoTimestamp('last_seen_at')} AS "lastSeenAt"
         FROM plant_event_rejected ORDER BY last_seen_at DESC, plant_event_rejected.id DESC LIMIT $1`,
      [limit],
    );
  }
}

/**
 * The statement's two JSON parameters, built as text in one pass: the event goes in as received
 * when the channel kept its JSON (it parsed, so it is valid JSON), which saves serializing
 * thousands of objects again; the movements are written out without building an object for each.
 */
function batchJson(events: readonly AcceptedEvent[]): { rows: string; movements: string } {
  let rows = '[';
  let movements = '[';
  for (const e of events) {
    const key = jsonString(e.producerKey);
    const plant = jsonString(e.plant);
    const at = jsonString(e.occurredAt);
    if (rows.length > 1) rows += ',';
    rows +=
      `{"k":${key},"ty":${jsonString(e.type)},"p":${plant},"m":${jsonString(e.material)},"at":${at},` +
      `"e":${e.raw ?? JSON.stringify(e.event)}}`;
    for (const m of e.movements) {
      if (movements.length > 1) movements += ',';
      movements +=
        `{"k":${key},"s":${m.seq},"p":${plant},"m":${jsonString(m.material)},` +
        `"kind":${jsonString(m.kind)},"q":${jsonString(m.quantity)},"at":${at}}`;
    }
  }
  return { rows: `${rows}]`, movements: `${movements}]` };
}

/**
 * JSON.stringify(text), without its escaping machinery for the usual codes, ids and timestamps:
 * text with no quote, backslash, control character or surrogate is written unchanged between quotes.
 */
function jsonString(text: string): string {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c === 0x22 || c === 0x5c || (c >= 0xd800 && c <= 0xdfff)) return JSON.stringify(text);
  }
  return `"${text}"`;
}
