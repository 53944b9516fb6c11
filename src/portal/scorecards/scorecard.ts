import { add, compare, decimal, type DecimalString } from '../../canonical/decimal.js';

/**
 * A supplier's scorecard, computed from its event log (docs/scorecards.md has the definitions for
 * people). Pure functions over plain rows, so every figure is unit-tested and the repository only
 * loads rows. Times are ISO-8601 instants; months and calendar dates are UTC.
 */

/** An order revision the supplier must answer: a PO issued (revision 0…) or changed. */
export interface AcknowledgmentRequestRow {
  readonly kind: 'request';
  readonly poNumber: string;
  readonly revision: number;
  /** Position in the order's history: the log's order, which a delivery time later than an answer cannot upset. */
  readonly sequence: number;
  /**
   * When the clock started, as the acknowledgment SLA (acknowledgment-sla.ts) starts it: the
   * document's delivery to the supplier, or when the order was recorded for a partner sent none.
   */
  readonly at: string;
}

/** An acknowledgment (855 / ORDRSP / API / portal) or an answer to a change (865 / ORDRSP to ORDCHG). */
export interface AcknowledgmentAnswerRow {
  readonly kind: 'answer';
  readonly poNumber: string;
  /** The order revision it names (answers to changes do); null answers the order as it then stood. */
  readonly revision: number | null;
  readonly sequence: number;
  readonly at: string;
}

export type AcknowledgmentEventRow = AcknowledgmentRequestRow | AcknowledgmentAnswerRow;

/** What the supplier announced on one ship notice line (latest revision of the notice). */
export interface ShipNoticeLineRow {
  readonly shipmentNumber: string;
  readonly poNumber: string;
  readonly lineNumber: string;
  /** In the order line's unit. */
  readonly quantity: string;
}

/** One line of a goods receipt, in the order line's unit. */
export interface ReceiptLineRow {
  /** The ship notice the receipt was booked against, if any. */
  readonly shipmentNumber: string | null;
  readonly poNumber: string;
  readonly lineNumber: string;
  readonly quantity: string;
  /** When the plant received the goods (the WMS's time, not when the gateway recorded it). */
  readonly receivedAt: string;
}

/** An order line that must be delivered. */
export interface DeliveryLineRow {
  readonly poNumber: string;
  readonly lineNumber: string;
  readonly quantity: string;
  /** The date the supplier confirmed, else the date the buyer requested (YYYY-MM-DD). */
  readonly dueDate: string;
}

/** hits out of total; percent to one decimal, null when nothing counted. */
export interface Ratio {
  readonly hits: number;
  readonly total: number;
  readonly percent: number | null;
}

/** Hours from the clock start to the answer, over the answered requests. */
export interface Latency {
  readonly count: number;
  readonly medianHours: number | null;
  readonly p90Hours: number | null;
}

export interface Figures {
  readonly acknowledgmentOnTime: Ratio;
  readonly acknowledgmentLatency: Latency;
  readonly asnAccuracy: Ratio;
  readonly onTimeInFull: Ratio;
}

export interface MonthFigures extends Figures {
  /** YYYY-MM (UTC). */
  readonly month: string;
}

export interface Scorecard {
  readonly months: readonly MonthFigures[];
  readonly total: Figures;
}

export interface ScorecardInput {
  readonly acknowledgments: readonly AcknowledgmentEventRow[];
  readonly shipNoticeLines: readonly ShipNoticeLineRow[];
  readonly receipts: readonly ReceiptLineRow[];
  readonly deliveryLines: readonly DeliveryLineRow[];
  /** The partner's businessSlaHours. */
  readonly slaHours: number;
  /** The months reported, oldest first (see lastMonths()). */
  readonly months: readonly string[];
  readonly now: Date;
}

const HOUR_MS = 3_600_000;

/** The `count` calendar months (UTC) ending with the month of `now`, oldest first. */
export function lastMonths(now: Date, count: number): string[] {
  const months: string[] = [];
  for (let back = count - 1; back >= 0; back--) {
    const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - back, 1));
    months.push(d.toISOString().slice(0, 7));
  }
  return months;
}

/** The first instant of the oldest month, where the repository starts loading. */
export function periodStart(months: readonly string[]): Date {
  return new Date(`${months[0]}-01T00:00:00.000Z`);
}

export interface AcknowledgmentOutcome {
  readonly poNumber: string;
  readonly revision: number;
  readonly sentAt: string;
  readonly answeredAt: string | null;
  readonly latencyHours: number | null;
  /** null: unanswered and still within the SLA, so not counted yet. */
  readonly onTime: boolean | null;
}

/**
 * Each request's outcome. Per order, in time order: a request stays open until answered; an answer
 * answers the open request (the one it names, when it names a revision) and only the first answer
 * counts (a corrected acknowledgment later is not a new answer); an answer to a revision the order
 * has moved past changes nothing, as the acknowledgment service records it "only". A request
 * superseded by a change before it was answered is not counted: the supplier answers the change.
 * On time: answered within `slaHours` of the clock start (an answer before the recorded delivery
 * counts as 0 h). Unanswered past the SLA: late.
 */
export function acknowledgmentOutcomes(
  events: readonly AcknowledgmentEventRow[],
  slaHours: number,
  now: Date,
): AcknowledgmentOutcome[] {
  const byOrder = new Map<string, AcknowledgmentEventRow[]>();
  for (const event of events) {
    const list = byOrder.get(event.poNumber) ?? [];
    list.push(event);
    byOrder.set(event.poNumber, list);
  }
  const outcomes: AcknowledgmentOutcome[] = [];
  for (const list of byOrder.values()) {
    const ordered = [...list].sort((a, b) => a.sequence - b.sequence);
    let open: AcknowledgmentRequestRow | undefined;
    for (const event of ordered) {
      if (event.kind === 'request') {
        open = event;
        continue;
      }
      if (!open || (event.revision !== null && event.revision !== open.revision)) continue;
      const latencyHours = Math.max(0, (Date.parse(event.at) - Date.parse(open.at)) / HOUR_MS);
      outcomes.push({
        poNumber: open.poNumber,
        revision: open.revision,
        sentAt: open.at,
        answeredAt: event.at,
        latencyHours,
        onTime: latencyHours <= slaHours,
      });
      open = undefined;
    }
    if (open) {
      const overdue = now.getTime() - Date.parse(open.at) > slaHours * HOUR_MS;
      outcomes.push({
        poNumber: open.poNumber,
        revision: open.revision,
        sentAt: open.at,
        answeredAt: null,
        latencyHours: null,
        onTime: overdue ? false : null,
      });
    }
  }
  return outcomes;
}

export interface AsnOutcome {
  readonly shipmentNumber: string;
  /** The first receipt against it: the ASN is judged from then on. */
  readonly receivedAt: string;
  readonly accurate: boolean;
}

/**
 * Per ship notice received at least once: accurate when, for every order line it announced or a
 * receipt against it booked, the quantity received against the notice equals the quantity announced.
 * A notice not received yet is not counted.
 */
export function asnOutcomes(
  shipNoticeLines: readonly ShipNoticeLineRow[],
  receipts: readonly ReceiptLineRow[],
): AsnOutcome[] {
  const key = (po: string, line: string) => `${po}\u0000${line}`;
  const notices = new Map<
    string,
    { announced: Map<string, DecimalString>; received: Map<string, DecimalString>; first: string }
  >();
  const notice = (shipmentNumber: string) => {
    let entry = notices.get(shipmentNumber);
    if (!entry) {
      entry = { announced: new Map(), received: new Map(), first: '' };
      notices.set(shipmentNumber, entry);
    }
    return entry;
  };
  for (const line of shipNoticeLines) {
    const entry = notice(line.shipmentNumber);
    const k = key(line.poNumber, line.lineNumber);
    entry.announced.set(k, add(entry.announced.get(k) ?? decimal('0'), decimal(line.quantity)));
  }
  for (const receipt of receipts) {
    if (receipt.shipmentNumber === null) continue;
    const entry = notice(receipt.shipmentNumber);
    const k = key(receipt.poNumber, receipt.lineNumber);
    entry.received.set(k, add(entry.received.get(k) ?? decimal('0'), decimal(receipt.quantity)));
    if (!entry.first || Date.parse(receipt.receivedAt) < Date.parse(entry.first))
      entry.first = receipt.receivedAt;
  }
  const outcomes: AsnOutcome[] = [];
  for (const [shipmentNumber, entry] of notices) {
    if (!entry.first) continue;
    const keys = new Set([...entry.announced.keys(), ...entry.received.keys()]);
    const accurate = [...keys].every(
      (k) => compare(entry.announced.get(k) ?? decimal('0'), entry.received.get(k) ?? decimal('0')) === 0,
    );
    outcomes.push({ shipmentNumber, receivedAt: entry.first, accurate });
  }
  return outcomes;
}

export interface DeliveryOutcome {
  readonly poNumber: string;
  readonly lineNumber: string;
  readonly dueDate: string;
  /** The UTC date the received quantity reached the ordered quantity, null if it has not. */
  readonly completedOn: string | null;
  /** null: not due yet and not complete, so not counted yet. */
  readonly onTimeInFull: boolean | null;
}

/**
 * Per order line: on time in full when the quantities received, added up in receipt order, reach the
 * ordered quantity on or before the due date (a late remainder makes the line late, however small).
 * A line is counted once it is complete or its due date has passed (today, UTC, is not past).
 */
export function deliveryOutcomes(
  lines: readonly DeliveryLineRow[],
  receipts: readonly ReceiptLineRow[],
  now: Date,
): DeliveryOutcome[] {
  const today = now.toISOString().slice(0, 10);
  const byLine = new Map<string, ReceiptLineRow[]>();
  for (const receipt of receipts) {
    const k = `${receipt.poNumber}\u0000${receipt.lineNumber}`;
    const list = byLine.get(k) ?? [];
    list.push(receipt);
    byLine.set(k, list);
  }
  return lines.map((line) => {
    const received = [...(byLine.get(`${line.poNumber}\u0000${line.lineNumber}`) ?? [])].sort(
      (a, b) => Date.parse(a.receivedAt) - Date.parse(b.receivedAt),
    );
    let total = decimal('0');
    let completedOn: string | null = null;
    for (const receipt of received) {
      total = add(total, decimal(receipt.quantity));
      if (compare(total, decimal(line.quantity)) >= 0) {
        completedOn = new Date(receipt.receivedAt).toISOString().slice(0, 10);
        break;
      }
    }
    const counted = completedOn !== null || line.dueDate < today;
    return {
      poNumber: line.poNumber,
      lineNumber: line.lineNumber,
      dueDate: line.dueDate,
      completedOn,
      onTimeInFull: counted ? completedOn !== null && completedOn <= line.dueDate : null,
    };
  });
}

/** hits / total as a percentage to one decimal. */
export function ratio(hits: number, total: number): Ratio {
  return { hits, total, percent: total === 0 ? null : Math.round((hits * 1000) / total) / 10 };
}

/** Median (mean of the two middle values for an even count) and p90 by nearest rank, to 0.1 h. */
export function latency(hours: readonly number[]): Latency {
  if (hours.length === 0) return { count: 0, medianHours: null, p90Hours: null };
  const sorted = [...hours].sort((a, b) => a - b);
  const mid = sorted.length / 2;
  const median = sorted.length % 2 === 1 ? sorted[Math.floor(mid)]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  const p90 = sorted[Math.ceil(0.9 * sorted.length) - 1]!;
  const tenth = (n: number) => Math.round(n * 10) / 10;
  return { count: sorted.length, medianHours: tenth(median), p90Hours: tenth(p90) };
}

function figures(
  acks: readonly AcknowledgmentOutcome[],
  asns: readonly AsnOutcome[],
  deliveries: readonly DeliveryOutcome[],
): Figures {
  const judged = acks.filter((a) => a.onTime !== null);
  const counted = deliveries.filter((d) => d.onTimeInFull !== null);
  return {
    acknowledgmentOnTime: ratio(judged.filter((a) => a.onTime).length, judged.length),
    acknowledgmentLatency: latency(acks.flatMap((a) => (a.latencyHours === null ? [] : [a.latencyHours]))),
    asnAccuracy: ratio(asns.filter((a) => a.accurate).length, asns.length),
    onTimeInFull: ratio(counted.filter((d) => d.onTimeInFull).length, counted.length),
  };
}

/**
 * The scorecard over `months`: acknowledgments by the month their clock started, ship notices by the
 * month of their first receipt, order lines by the month they were due; the total over all months.
 */
export function scorecard(input: ScorecardInput): Scorecard {
  const inPeriod = new Set(input.months);
  const monthOf = (iso: string) => new Date(iso).toISOString().slice(0, 7);
  const acks = acknowledgmentOutcomes(input.acknowledgments, input.slaHours, input.now).filter((a) =>
    inPeriod.has(monthOf(a.sentAt)),
  );
  const asns = asnOutcomes(input.shipNoticeLines, input.receipts).filter((a) =>
    inPeriod.has(monthOf(a.receivedAt)),
  );
  const deliveries = deliveryOutcomes(input.deliveryLines, input.receipts, input.now).filter((d) =>
    inPeriod.has(d.dueDate.slice(0, 7)),
  );
  return {
    months: input.months.map((month) => ({
      month,
      ...figures(
        acks.filter((a) => monthOf(a.sentAt) === month),
        asns.filter((a) => monthOf(a.receivedAt) === month),
        deliveries.filter((d) => d.dueDate.slice(0, 7) === month),
      ),
    })),
    total: figures(acks, asns, deliveries),
  };
}
