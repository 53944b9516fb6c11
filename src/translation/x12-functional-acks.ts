import type { EntityManager } from 'typeorm';
import { parseEvent, type CanonicalEvent } from '../canonical/index.js';
import { party, readX12FunctionalAcks, type X12FunctionalAck } from '../edi/x12/functional-ack-reader.js';
import { queryRows } from '../platform/database/sql.js';
import { stableUuid } from './x12-translator.js';

export interface FunctionalAckSource {
  readonly partnerId: string;
  readonly interchangeId: string;
  readonly payload: Buffer;
  readonly receivedAt: Date;
  readonly channel: 'sftp' | 'as2' | 'api' | 'portal' | 'gateway';
  /**
   * `ISA13/GS06/ST02` of the 997 / 999 sets that passed validation in interchanges the intake
   * accepted (see `believedAckSets`). A set the validator rejected (its group's GE02, its SE01, an
   * AK segment out of place) was answered as rejected and is not believed: it never becomes an event.
   */
  readonly believed: ReadonlySet<string>;
}

/** The key `believed` holds for one acknowledgment set. */
export function ackSetKey(interchange: string, group: string, set: string): string {
  return `${interchange}/${group}/${set}`;
}

/**
 * The 997 / 999 sets of a translation that may become events: not rejected by validation. A key seen
 * both rejected and not (a control number repeated in one file) is not believed either.
 */
export function believedAckSets(
  sets: readonly {
    readonly interchangeControlNumber: string;
    readonly groupControlNumber: string;
    readonly controlNumber: string;
    readonly setId: string;
    readonly outcome: string;
  }[],
): Set<string> {
  const believed = new Set<string>();
  const doubted = new Set<string>();
  for (const s of sets) {
    if (s.setId !== '997' && s.setId !== '999') continue;
    const key = ackSetKey(s.interchangeControlNumber, s.groupControlNumber, s.controlNumber);
    (s.outcome === 'rejected' ? doubted : believed).add(key);
  }
  for (const key of doubted) believed.delete(key);
  return believed;
}

/**
 * The partner's 997 / 999 sets in an accepted interchange as `functional-acknowledgment.received`
 * events, one per acknowledged group. The 997 names only the group (AK102 = our GS06); the ISA13 it
 * belongs to is looked up among the X12 documents we generated for this partner. Their correlation is
 * that of the document acknowledged (its PO chain), so the acknowledgment joins the order's history.
 */
export async function functionalAckEvents(
  tx: EntityManager,
  source: FunctionalAckSource,
): Promise<CanonicalEvent[]> {
  const acks = readX12FunctionalAcks(source.payload).filter((a) =>
    source.believed.has(ackSetKey(a.interchangeControlNumber, a.groupControlNumber, a.setControlNumber)),
  );
  const events: CanonicalEvent[] = [];
  for (const ack of acks) {
    // GS06 repeats (counters wrap, several sender ids share one partner's counters): the group is ours
    // only when the 997 comes back the way it went, ISA and GS sender / receiver swapped, and AK101
    // names its functional id. The latest such document wins.
    const candidates = await queryRows<{
      interchange_control_number: string;
      content: string;
      correlation_id: string | null;
    }>(
      tx,
      `SELECT x.interchange_control_number, x.content, d.correlation_id
         FROM x12_outbound_document x
         LEFT JOIN outbound_document d ON d.partner_id = x.partner_id AND d.standard = 'x12'
              AND d.group_reference = x.group_control_number AND d.control_reference = x.interchange_control_number
        WHERE x.partner_id = $1 AND ltrim(x.group_control_number, '0') = ltrim($2, '0')
        ORDER BY x.id DESC LIMIT 50`,
      [source.partnerId, ack.acknowledgedGroup],
    );
    const ours = candidates.find((c) => answers(ack, c.content));
    events.push(toEvent(ack, source, ours?.interchange_control_number, ours?.correlation_id ?? undefined));
  }
  return events;
}

/** Whether the acknowledgment's envelope mirrors that of our interchange `content` (as we wrote it). */
function answers(ack: X12FunctionalAck, content: string): boolean {
  const element = content[3];
  const terminator = content[105];
  if (!content.startsWith('ISA') || element === undefined || terminator === undefined) return false;
  const segments = content.split(terminator).map((s) => s.replace(/^[\r\n]+/, '').split(element));
  const isa = segments[0]!;
  const gs = segments.find((s) => s[0] === 'GS');
  if (!gs) return false;
  const same = (a: string, b: string | undefined) =>
    a.trim().toUpperCase() === (b ?? '').trim().toUpperCase();
  const e = ack.envelope;
  return (
    same(e.isaSender, party(isa[7], isa[8])) &&
    same(e.isaReceiver, party(isa[5], isa[6])) &&
    same(e.gsSender, gs[3]) &&
    same(e.gsReceiver, gs[2]) &&
    same(ack.functionalId, gs[1])
  );
}

function toEvent(
  ack: X12FunctionalAck,
  source: FunctionalAckSource,
  acknowledgedInterchange: string | undefined,
  correlationId: string | undefined,
): CanonicalEvent {
  const number = `${ack.interchangeControlNumber}-${ack.groupControlNumber}-${ack.setControlNumber}-${ack.acknowledgedGroup}`;
  return parseEvent({
    id: stableUuid(`x12-ack:${source.interchangeId}:${number}`),
    type: 'functional-acknowledgment.received',
    schemaVersion: 'v1',
    partnerId: source.partnerId,
    occurredAt: source.receivedAt.toISOString(),
    receivedAt: source.receivedAt.toISOString(),
    correlationId: correlationId ?? `x12-ack:${number}`.slice(0, 128),
    causationId: source.interchangeId,
    document: { kind: 'original', number, revision: '1' },
    source: {
      channel: source.channel,
      interchangeId: source.interchangeId,
      standard: 'x12',
      messageType: ack.ackType,
      controlNumber: ack.setControlNumber,
    },
    payload: {
      standard: 'x12',
      ackType: ack.ackType,
      acknowledged: {
        interchangeControlNumber: acknowledgedInterchange ?? 'unknown',
        groupControlNumber: ack.acknowledgedGroup,
      },
      status: ack.status,
      transactionSets: ack.sets.map((s) => ({
        controlNumber: s.controlNumber,
        type: s.setId,
        status: s.status,
        ...(s.errors.length > 0
          ? { issues: s.errors.map((e) => ({ level: 'segment' as const, description: e.slice(0, 512) })) }
          : {}),
      })),
    },
  });
}
