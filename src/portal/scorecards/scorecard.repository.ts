import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { isoTimestamp, queryRows } from '../../platform/database/sql.js';
import { revisionSent } from '../../procurement/acknowledgment-clock.js';
import { revisionOf } from '../../procurement/answer-revision.js';
import type { FunctionalAckMiss, SftpRenamesRefused } from './partner-health.js';
import type {
  AcknowledgmentEventRow,
  DeliveryLineRow,
  ReceiptLineRow,
  ShipNoticeLineRow,
} from './scorecard.js';

const REQUESTS = `('purchase-order.issued', 'purchase-order.changed')`;
const LOGGED = `('purchase-order.issued', 'purchase-order.changed', 'purchase-order.acknowledged', 'purchase-order.change-answered')`;
/** Slack before the period: a request recorded just before it may have been delivered inside it. */
const REQUEST_SLACK = `interval '7 days'`;
/** How far before the period receipts are read: a line can be delivered this long before it is due. */
const RECEIPT_LOOKBACK = `interval '1 year'`;
/** Functional acknowledgments answered: whatever their verdict, the partner answered. */
const FA_ANSWERED = `('accepted', 'accepted-with-errors', 'partially-accepted', 'rejected')`;
/**
 * Documents whose functional acknowledgment fell due between $3 and $2. A document cancelled (by an
 * operator, or its order ended) was taken back: whatever its clock said, nothing was due for it.
 */
const FA_DUE = `d.fa_expected AND d.fa_due_at >= $3 AND d.fa_due_at <= $2 AND d.status <> 'cancelled'`;

export interface AcknowledgmentLogRow {
  readonly partnerId: string;
  readonly event: AcknowledgmentEventRow;
}

export interface HealthCounts {
  readonly lastInboundAt: string | null;
  readonly lastOutboundAt: string | null;
  readonly functionalAcks: { due: number; onTime: number; late: number; missing: number };
  readonly openExceptions: number;
  readonly channelErrors: { rejectedInbound: number; failedDeliveries: number; as2SecurityFailures: number };
  readonly sftpRenamesRefused: SftpRenamesRefused | null;
}

/**
 * Loads the event-log rows the scorecard (scorecard.ts) and the health rules (partner-health.ts)
 * compute from: order history, deliveries, ship notices, goods receipts, interchanges, outbound
 * documents, exceptions and AS2 security failures. Every query is scoped by partner and bounded in
 * time; migrations 1764230400027 and 1764230400043 hold the indexes that keep them fast at 100,000
 * orders.
 */
@Injectable()
export class ScorecardRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * A read-only query with JIT compilation off: these queries are index probes whose plans cost
   * enough to trigger JIT, which then took 250–450 ms to compile work done in 60 (measured at
   * 100,000 orders); JIT pays off for long scans, and these are not.
   */
  private rows<T>(sql: string, params: unknown[]): Promise<T[]> {
    return this.dataSource.transaction('READ COMMITTED', async (tx) => {
      await tx.query('SET TRANSACTION READ ONLY');
      await tx.query('SET LOCAL jit = off');
      return queryRows<T>(tx, sql, params);
    });
  }

  /**
   * Requests and answers of the partners' orders that had a request since `from`: every such order's
   * whole history, so an answer is matched against the request it answers (by the revision it names,
   * stored on its history entry). A request's clock starts at its document's delivery (latest
   * delivery of that revision), or when it was recorded; a revision whose documents were all
   * cancelled before they reached the supplier is no request (revisionSent, as the SLA sweep reads it).
   */
  async acknowledgmentLog(partnerIds: readonly string[], from: Date): Promise<AcknowledgmentLogRow[]> {
    const rows = await this.rows<{
      partner_id: string;
      po_number: string;
      sequence: string;
      request: boolean;
      change_answer: boolean;
      revision: string | null;
      at: string;
    }>(
      // One partner over months: from its orders (index by partner), each probed for a request in the
      // period (LIMIT 1: a probe, not a semi join over every request). Every partner over a month: from the requests in the period (partial index by time).
      `WITH orders AS MATERIALIZED (${
        partnerIds.length === 1
          ? `SELECT o.id, o.partner_id, o.po_number
               FROM purchase_order o
              CROSS JOIN LATERAL (SELECT 1 FROM purchase_order_history r
                                   WHERE r.po_id = o.id AND r.what IN ${REQUESTS}
                                     AND r.at >= $2::timestamptz - ${REQUEST_SLACK} LIMIT 1) r
              WHERE o.partner_id = ANY($1)`
          : `SELECT DISTINCT o.id, o.partner_id, o.po_number
               FROM purchase_order_history r
               JOIN purchase_order o ON o.id = r.po_id
              WHERE r.what IN ${REQUESTS} AND r.at >= $2::timestamptz - ${REQUEST_SLACK} AND o.partner_id = ANY($1)`
      })
       SELECT o.partner_id, o.po_number, h.id::text AS sequence, h.what IN ${REQUESTS} AS request,
              h.what = 'purchase-order.change-answered' AS change_answer,
              CASE WHEN h.what IN ${REQUESTS} THEN h.document_revision ELSE h.answered_revision END AS revision,
              ${isoTimestamp('coalesce(sent.at, h.at)')} AS at
         FROM orders o
         -- OFFSET 0 keeps this a per-order probe of ix_purchase_order_history_answer_log, which holds
         -- every column read here; flattened, the planner hashes the whole history. The revision an
         -- answer names is stored on its entry: read from each answer's event, the planner hashed
         -- every stored event once the window held tens of thousands of answers.
         CROSS JOIN LATERAL (
           SELECT h.id, h.what, h.document_revision, h.answered_revision, h.at FROM purchase_order_history h
            WHERE h.po_id = o.id AND h.what IN ${LOGGED} OFFSET 0
         ) h
         -- From ix_outbound_document_po_revision alone.
         LEFT JOIN LATERAL (${revisionSent({
           partnerId: 'o.partner_id',
           poNumber: 'o.po_number',
           revision: 'h.document_revision::integer',
           only: `h.what IN ${REQUESTS}`,
         })}) sent ON true
        -- A revision whose every document was taken back before it reached the supplier asked nothing.
        WHERE NOT sent.withdrawn`,
      [partnerIds, from],
    );
    return rows.flatMap((r): AcknowledgmentLogRow[] => {
      const when = { sequence: Number(r.sequence), at: r.at };
      if (r.request)
        return [
          {
            partnerId: r.partner_id,
            event: { kind: 'request', poNumber: r.po_number, revision: Number(r.revision), ...when },
          },
        ];
      // Read by the rule the answer was matched with (answer-revision.ts): an acknowledgment naming no
      // revision it can read answers the order as it stands; a change answer must name the change, and
      // one that does not was recorded only, so it answers nothing here either.
      const named = r.revision === null ? undefined : revisionOf(r.revision);
      if (named === undefined && r.change_answer) return [];
      return [
        {
          partnerId: r.partner_id,
          event: { kind: 'answer', poNumber: r.po_number, revision: named ?? null, ...when },
        },
      ];
    });
  }

  /** What the partner's ship notices (not cancelled) announced, for those received since `from`. */
  async shipNoticeLines(partnerId: string, from: Date): Promise<ShipNoticeLineRow[]> {
    return this.rows<ShipNoticeLineRow>(
      `SELECT sn.shipment_number AS "shipmentNumber", o.po_number AS "poNumber", l.line_number AS "lineNumber",
              l.quantity::text AS quantity
         FROM ship_notice sn
         JOIN ship_notice_line l ON l.ship_notice_id = sn.id
         JOIN purchase_order o ON o.id = l.po_id
        WHERE sn.partner_id = $1 AND sn.status <> 'cancelled'
          AND EXISTS (SELECT 1 FROM goods_receipt gr WHERE gr.ship_notice_id = sn.id AND gr.received_at >= $2)`,
      [partnerId, from],
    );
  }

  /** Goods receipt lines of the partner's orders, from a year before `from` (the WMS's receipt time). */
  async receipts(partnerId: string, from: Date): Promise<ReceiptLineRow[]> {
    return this.rows<ReceiptLineRow>(
      `SELECT CASE WHEN sn.status <> 'cancelled' THEN sn.shipment_number END AS "shipmentNumber",
              x.line #>> '{purchaseOrder,number}' AS "poNumber", x.line ->> 'lineNumber' AS "lineNumber",
              x.line #>> '{quantity,value}' AS quantity, gr.event ->> 'occurredAt' AS "receivedAt"
         FROM goods_receipt gr
         LEFT JOIN ship_notice sn ON sn.id = gr.ship_notice_id
        CROSS JOIN LATERAL jsonb_array_elements(gr.event #> '{payload,lines}') AS x(line)
        WHERE gr.event ->> 'partnerId' = $1 AND gr.received_at >= $2::timestamptz - ${RECEIPT_LOOKBACK}`,
      [partnerId, from],
    );
  }

  /** Open order lines due between `from` and `to` (confirmed date, else requested date). */
  async deliveryLines(partnerId: string, from: Date, to: Date): Promise<DeliveryLineRow[]> {
    return this.rows<DeliveryLineRow>(
      `SELECT o.po_number AS "poNumber", l.line_number AS "lineNumber", l.quantity::text AS quantity,
              to_char(coalesce(l.confirmed_date, l.delivery_date), 'YYYY-MM-DD') AS "dueDate"
         FROM purchase_order o
         -- Per order through the line's primary key (OFFSET 0: not flattened into a hash of every line).
         CROSS JOIN LATERAL (
           SELECT l.line_number, l.quantity, l.confirmed_date, l.delivery_date FROM purchase_order_line l
            WHERE l.po_id = o.id AND NOT l.cancelled AND l.quantity > 0
              AND coalesce(l.confirmed_date, l.delivery_date) >= $2::date
              AND coalesce(l.confirmed_date, l.delivery_date) < $3::date
           OFFSET 0
         ) l
        WHERE o.partner_id = $1 AND o.state NOT IN ('cancelled', 'rejected')`,
      [partnerId, from.toISOString().slice(0, 10), to.toISOString().slice(0, 10)],
    );
  }

  /**
   * Per partner: last inbound and outbound interchange, functional acknowledgments due since `faFrom`
   * (on time, late, missing), open exceptions (waiting for a buyer: open or escalated) and channel
   * errors since `errorsFrom` (inbound interchanges rejected, failed or quarantined; outbound
   * documents whose delivery failed; AS2 decryption / authentication failures), and since when the
   * partner's polled SFTP server refuses renames.
   */
  async healthCounts(
    partnerIds: readonly string[],
    now: Date,
    faFrom: Date,
    errorsFrom: Date,
  ): Promise<Map<string, HealthCounts>> {
    const rows = await this.rows<{
      id: string;
      last_inbound: string | null;
      last_outbound: string | null;
      fa_due: number;
      fa_on_time: number;
      fa_late: number;
      fa_missing: number;
      open_exceptions: number;
      rejected_inbound: number;
      failed_deliveries: number;
      as2_failures: number;
      sftp_server: string | null;
      sftp_renames_refused_since: string | null;
    }>(
      `SELECT p.id,
              (SELECT ${isoTimestamp('max(i.received_at)')} FROM interchange i
                WHERE i.partner_id = p.id AND i.direction = 'inbound') AS last_inbound,
              (SELECT ${isoTimestamp('max(i.received_at)')} FROM interchange i
                WHERE i.partner_id = p.id AND i.direction = 'outbound') AS last_outbound,
              fa.due AS fa_due, fa.on_time AS fa_on_time, fa.late AS fa_late, fa.due - fa.on_time - fa.late AS fa_missing,
              (SELECT count(*)::int FROM exception_case c
                WHERE c.partner_id = p.id AND c.state IN ('open', 'escalated')) AS open_exceptions,
              (SELECT count(*)::int FROM interchange i
                WHERE i.partner_id = p.id AND i.direction = 'inbound' AND i.received_at >= $4
                  AND i.status IN ('rejected', 'failed', 'quarantined')) AS rejected_inbound,
              (SELECT count(*)::int FROM outbound_document d
                WHERE d.status = 'failed' AND d.partner_id = p.id AND d.updated_at >= $4) AS failed_deliveries,
              (SELECT count(*)::int FROM as2_security_failure s
                WHERE s.partner_id = p.id AND s.occurred_at >= $4) AS as2_failures,
              sftp.server AS sftp_server,
              ${isoTimestamp('sftp.renames_refused_since')} AS sftp_renames_refused_since
         FROM unnest($1::text[]) AS p(id)
         LEFT JOIN sftp_poll_server sftp ON sftp.partner_id = p.id AND sftp.renames_refused_since IS NOT NULL
         CROSS JOIN LATERAL (
           SELECT count(*)::int AS due,
                  count(*) FILTER (WHERE d.fa_status IN ${FA_ANSWERED} AND a.received_at <= d.fa_due_at)::int AS on_time,
                  count(*) FILTER (WHERE a.received_at > d.fa_due_at)::int AS late
             FROM outbound_document d
             LEFT JOIN interchange a ON a.id = d.fa_interchange_id
            WHERE d.partner_id = p.id AND ${FA_DUE}
         ) fa`,
      [partnerIds, now, faFrom, errorsFrom],
    );
    return new Map(
      rows.map((r) => [
        r.id,
        {
          lastInboundAt: r.last_inbound,
          lastOutboundAt: r.last_outbound,
          functionalAcks: { due: r.fa_due, onTime: r.fa_on_time, late: r.fa_late, missing: r.fa_missing },
          openExceptions: r.open_exceptions,
          channelErrors: {
            rejectedInbound: r.rejected_inbound,
            failedDeliveries: r.failed_deliveries,
            as2SecurityFailures: r.as2_failures,
          },
          sftpRenamesRefused:
            r.sftp_server !== null && r.sftp_renames_refused_since !== null
              ? { server: r.sftp_server, since: r.sftp_renames_refused_since }
              : null,
        },
      ]),
    );
  }

  /** The partner's outbound documents whose functional acknowledgment came late or not at all, newest first. */
  async functionalAckMisses(
    partnerId: string,
    now: Date,
    from: Date,
    limit = 50,
  ): Promise<FunctionalAckMiss[]> {
    return this.rows<FunctionalAckMiss>(
      `SELECT d.id::text AS "documentId", d.message_type AS "messageType", d.po_number AS "poNumber",
              ${isoTimestamp('d.fa_due_at')} AS "dueAt", ${isoTimestamp('a.received_at')} AS "answeredAt"
         FROM outbound_document d
         LEFT JOIN interchange a ON a.id = d.fa_interchange_id
        WHERE d.partner_id = $1 AND ${FA_DUE}
          AND NOT (d.fa_status IN ${FA_ANSWERED} AND a.received_at <= d.fa_due_at)
        ORDER BY d.fa_due_at DESC, d.id DESC
        LIMIT ${limit}`,
      [partnerId, now, from],
    );
  }
}
