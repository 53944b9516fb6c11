import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { isoTimestamp, queryRows } from '../platform/database/sql.js';
import { EDIFACT_ANSWER_KEY } from '../translation/edifact-intake.service.js';
import { ANSWER_KEY as X12_ANSWER_KEY } from '../translation/x12-intake.service.js';

/** What a search found: one document, wherever it lives, with the chain it belongs to. */
export interface TrackingHit {
  readonly kind:
    | 'interchange'
    | 'business-document'
    | 'purchase-order'
    | 'ship-notice'
    | 'outbound-document'
    | 'erp-posting';
  readonly id: string;
  /** What matched: `isa13`, `as2-message-id`, `sscc`, `document-number`, `correlation-id`, … */
  readonly matched: string;
  readonly partnerId: string | null;
  /** `inbound` from a partner, `outbound` to one, `to-erp` for a posting, `internal` for the ERP's own documents. */
  readonly direction: 'inbound' | 'outbound' | 'to-erp' | 'internal';
  /** The document's own state: an interchange's processing status, an order's state, a posting's status, … */
  readonly status: string;
  readonly summary: string;
  readonly correlationId: string;
  readonly at: string;
}

/** A job that ran out of attempts on a chain (an ERP posting, a delivery), as replay needs it. */
export interface ChainDeadLetter {
  readonly id: string;
  readonly jobName: string;
  readonly error: string;
  readonly deadAt: string;
  readonly replayedAt: string | null;
  readonly replayedBy: string | null;
  /** The ERP posting the job posts, for `erp.post` jobs. */
  readonly postingId: string | null;
}

/** One step of a chain, in time order. */
export interface ChainStep {
  readonly at: string;
  readonly kind:
    | 'interchange'
    | 'business-document'
    | 'outbound-document'
    | 'erp-posting'
    | 'exception'
    | 'webhook-delivery';
  readonly id: string;
  readonly summary: string;
  readonly status: string | null;
  readonly partnerId: string | null;
  /** What caused it, when known (an interchange for a business document, an event for a posting). */
  readonly causedBy: string | null;
  /** Where to read more (the admin or buyer API). */
  readonly link: string | null;
}

export interface Chain {
  readonly correlationIds: string[];
  readonly steps: ChainStep[];
}

const LIMIT = 20;
/**
 * A posting's status as a person needs it: `pending` split into `outcome-unknown` (sent, the ERP's
 * answer lost, waiting for a look-up) and `failed` (an attempt failed, retrying); `posted`; `dead`.
 */
const POSTING_STATUS = `CASE WHEN p.status = 'pending' AND p.outcome_unknown_at IS NOT NULL THEN 'outcome-unknown'
       WHEN p.status = 'pending' AND p.last_error IS NOT NULL THEN 'failed' ELSE p.status END`;

/**
 * Message tracking (docs/tracking.md): finds any document by what a person has in hand — a PO or
 * shipment number, an SSCC, an X12 ISA13 / GS06, an EDIFACT UNB reference, an AS2 Message-ID, a file
 * name, an archive id or a correlation id — and lays out the chain it belongs to, from the wire bytes
 * to the business documents, the acknowledgments, the ERP postings, the exceptions and the
 * notifications, across correlation ids and one hop of causation (a business document and the
 * interchange it came in). Every lookup uses an index (migration 0025).
 */
@Injectable()
export class TrackingService {
  constructor(private readonly dataSource: DataSource) {}

  async search(text: string): Promise<TrackingHit[]> {
    const q = text.trim();
    if (q.length === 0) return [];
    // Every lookup is independent: they run at once (one round trip of the slowest, not the sum),
    // and the hits keep the order the lookups are listed in.
    const lookups: Promise<TrackingHit[]>[] = [];
    const add = (rows: Promise<TrackingHit[]>) => lookups.push(rows);
    const numericId = /^\d{1,18}$/.test(q) ? q : null;
    // ISA13 is nine digits with leading zeros, GS06 and UNB references are not: look for both forms.
    const controls = /^\d{1,9}$/.test(q) ? [...new Set([q, q.padStart(9, '0'), String(Number(q))])] : [q];

    const interchange = (matched: string, where: string, params: unknown[]) =>
      queryRows<TrackingHit>(
        this.dataSource,
        `SELECT 'interchange' AS kind, i.id::text AS id, '${matched}' AS matched, i.partner_id AS "partnerId",
                i.direction, i.status,
                i.direction || ' ' || i.channel || COALESCE(' ' || i.filename, '') || ' (' || i.status || ')' AS summary,
                i.correlation_id AS "correlationId", ${isoTimestamp('i.received_at')} AS at
           FROM interchange i WHERE ${where} ORDER BY i.id DESC LIMIT ${LIMIT}`,
        params,
      );
    if (numericId) add(interchange('archive-id', 'i.id = $1::bigint', [numericId]));
    add(interchange('correlation-id', 'i.correlation_id = $1', [q]));
    add(interchange('file-name', 'i.filename = $1', [q]));
    add(
      interchange('as2-message-id', `i.metadata ? 'messageId' AND i.metadata ->> 'messageId' IN ($1, $2)`, [
        q,
        `<${q.replace(/^<|>$/g, '')}>`,
      ]),
    );
    for (const control of controls) {
      add(
        interchange('isa13', 'i.answer @> $1::jsonb', [
          JSON.stringify({ [X12_ANSWER_KEY]: { interchanges: [{ controlNumber: control }] } }),
        ]),
      );
      add(
        interchange('unb-reference', 'i.answer @> $1::jsonb', [
          JSON.stringify({ [EDIFACT_ANSWER_KEY]: { interchanges: [{ reference: control }] } }),
        ]),
      );
    }

    const businessDocuments = (matched: string, where: string, params: unknown[]) =>
      queryRows<TrackingHit>(
        this.dataSource,
        `SELECT 'business-document' AS kind, e.id::text AS id, '${matched}' AS matched, e.partner_id AS "partnerId",
                CASE WHEN e.interchange_id IS NULL THEN 'internal' ELSE 'inbound' END AS direction,
                e.document_kind AS status,
                e.type || ' ' || e.document_number || ' rev ' || e.document_revision || ' (' || e.document_kind || ')' AS summary,
                e.correlation_id AS "correlationId", ${isoTimestamp('e.occurred_at')} AS at
           FROM canonical_event e WHERE ${where} ORDER BY e.occurred_at DESC LIMIT ${LIMIT}`,
        params,
      );
    add(businessDocuments('document-number', 'e.document_number = $1', [q]));
    add(businessDocuments('correlation-id', 'e.correlation_id = $1', [q]));
    add(
      businessDocuments('purchase-order-number', 'e.payload @> $1::jsonb', [
        // The column holds the whole event; the business document is its `payload`.
        JSON.stringify({ payload: { purchaseOrder: { number: q } } }),
      ]),
    );
    if (/^\d{18}$/.test(q))
      add(
        businessDocuments('sscc', 'e.payload @> $1::jsonb', [
          JSON.stringify({ payload: { orders: [{ packs: [{ sscc: q }] }] } }),
        ]),
      );

    add(
      queryRows<TrackingHit>(
        this.dataSource,
        `SELECT 'purchase-order' AS kind, o.po_number AS id, 'purchase-order-number' AS matched, o.partner_id AS "partnerId",
                'outbound' AS direction, o.state AS status,
                'PO ' || o.po_number || ' rev ' || o.revision || ' (' || o.state || ')' AS summary,
                o.correlation_id AS "correlationId", ${isoTimestamp('o.updated_at')} AS at
           FROM purchase_order o WHERE o.po_number = $1`,
        [q],
      ),
    );
    add(
      queryRows<TrackingHit>(
        this.dataSource,
        `SELECT 'ship-notice' AS kind, n.id::text AS id, 'shipment-number' AS matched, n.partner_id AS "partnerId",
                'inbound' AS direction, n.status,
                'ship notice ' || n.shipment_number || ' (' || n.status || ', ' || n.revisions || ' revisions)' AS summary,
                n.correlation_id AS "correlationId", ${isoTimestamp('n.updated_at')} AS at
           FROM ship_notice n WHERE n.shipment_number = $1 LIMIT ${LIMIT}`,
        [q],
      ),
    );
    add(
      queryRows<TrackingHit>(
        this.dataSource,
        `SELECT 'outbound-document' AS kind, d.id::text AS id,
                CASE WHEN d.control_reference = ANY($1::text[]) THEN 'control-number'
                     WHEN d.group_reference = ANY($1::text[]) THEN 'group-control-number'
                     ELSE 'purchase-order-number' END AS matched,
                d.partner_id AS "partnerId", 'outbound' AS direction, d.status,
                d.message_type || ' ' || d.filename || ' over ' || d.channel || ' (' || d.status || ')' AS summary,
                d.correlation_id AS "correlationId", ${isoTimestamp('d.created_at')} AS at
           FROM outbound_document d
          WHERE d.control_reference = ANY($1::text[]) OR d.group_reference = ANY($1::text[]) OR d.po_number = $2
          ORDER BY d.id DESC LIMIT ${LIMIT}`,
        [controls, q],
      ),
    );
    add(
      queryRows<TrackingHit>(
        this.dataSource,
        `SELECT 'erp-posting' AS kind, p.id::text AS id, 'erp-document-number' AS matched, NULL AS "partnerId",
                'to-erp' AS direction,
                ${POSTING_STATUS} AS status,
                p.kind || ' ' || p.operation || ' ' || p.business_key || ' (' || p.status || ')' AS summary,
                p.correlation_id AS "correlationId", ${isoTimestamp('p.created_at')} AS at
           FROM erp_posting p WHERE p.document_number = $1 OR p.external_reference = $1 LIMIT ${LIMIT}`,
        [q],
      ),
    );
    const hits = (await Promise.all(lookups)).flat();
    const seen = new Set<string>();
    return hits.filter((h) => {
      const key = `${h.kind}:${h.id}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  }

  /**
   * The dead letters of jobs enqueued under the given correlation ids (through the outbox's
   * correlation index), newest first: what a person may replay from a chain.
   */
  async deadLetters(correlationIds: readonly string[]): Promise<ChainDeadLetter[]> {
    return queryRows<ChainDeadLetter>(
      this.dataSource,
      `SELECT d.id::text AS id, d.job_name AS "jobName", d.error, ${isoTimestamp('d.dead_at')} AS "deadAt",
              ${isoTimestamp('d.replayed_at')} AS "replayedAt", d.replayed_by AS "replayedBy",
              CASE WHEN d.job_name = 'erp.post' THEN d.payload ->> 'postingId' END AS "postingId"
         FROM outbox o JOIN dead_letter d ON d.outbox_id = o.id
        WHERE o.correlation_id = ANY($1::text[])
        ORDER BY d.dead_at DESC, d.id DESC LIMIT 100`,
      [[...correlationIds]],
    );
  }

  /**
   * Everything that happened under the given correlation ids, plus the correlation ids reached in one
   * hop of causation (the interchanges business documents came in, the business documents
   * interchanges carried), in time order.
   */
  async chain(correlationIds: readonly string[]): Promise<Chain> {
    const ids = new Set(correlationIds);
    const linked = await queryRows<{ correlation_id: string }>(
      this.dataSource,
      `SELECT DISTINCT i.correlation_id FROM canonical_event e JOIN interchange i ON i.id = e.interchange_id
        WHERE e.correlation_id = ANY($1::text[])
       UNION
       SELECT DISTINCT e.correlation_id FROM interchange i JOIN canonical_event e ON e.interchange_id = i.id
        WHERE i.correlation_id = ANY($1::text[])`,
      [[...ids]],
    );
    for (const { correlation_id } of linked) ids.add(correlation_id);
    const all = [...ids];
    // Ids are text here (bigint and uuid keys mixed): shorter first, so step 9 comes before step 10.
    const steps = await queryRows<ChainStep>(
      this.dataSource,
      `SELECT * FROM (
         SELECT ${isoTimestamp('i.received_at')} AS at, 'interchange' AS kind, i.id::text AS id,
                i.direction || ' ' || i.channel || COALESCE(' ' || i.filename, '') ||
                  COALESCE(' ' || (i.metadata ->> 'messageId'), '') AS summary,
                i.status, i.partner_id AS "partnerId", NULL AS "causedBy",
                '/admin/interchanges/' || i.id AS link, i.received_at AS t
           FROM interchange i WHERE i.correlation_id = ANY($1::text[])
         UNION ALL
         SELECT ${isoTimestamp('e.created_at')}, 'business-document', e.id::text,
                e.type || ' ' || e.document_number || ' rev ' || e.document_revision,
                e.document_kind, e.partner_id,
                COALESCE('interchange ' || e.interchange_id, CASE WHEN e.causation_id IS NOT NULL THEN 'event ' || e.causation_id END),
                NULL, e.created_at
           FROM canonical_event e WHERE e.correlation_id = ANY($1::text[])
         UNION ALL
         SELECT ${isoTimestamp('d.created_at')}, 'outbound-document', d.id::text,
                d.message_type || ' ' || d.filename || ' over ' || d.channel ||
                  COALESCE(', functional acknowledgment ' || d.fa_status, ''),
                d.status, d.partner_id, 'interchange ' || d.interchange_id,
                '/admin/outbound-documents/' || d.id, d.created_at
           FROM outbound_document d WHERE d.correlation_id = ANY($1::text[])
         UNION ALL
         SELECT ${isoTimestamp('p.created_at')}, 'erp-posting', p.id::text,
                p.kind || ' ' || p.operation || ' ' || p.business_key || ' rev ' || p.revision ||
                  COALESCE(' → ERP ' || p.document_number, ''),
                ${POSTING_STATUS}, NULL, CASE WHEN p.causation_id IS NOT NULL THEN 'event ' || p.causation_id END,
                '/admin/erp/postings/' || p.id, p.created_at
           FROM erp_posting p WHERE p.correlation_id = ANY($1::text[])
         UNION ALL
         SELECT ${isoTimestamp('x.created_at')}, 'exception', x.id::text, x.type || COALESCE(': ' || x.summary, ''),
                x.state, x.partner_id, NULL, '/buyer/v1/exceptions/' || x.id, x.created_at
           FROM exception_case x WHERE x.correlation_id = ANY($1::text[])
         UNION ALL
         SELECT ${isoTimestamp('w.created_at')}, 'webhook-delivery', w.id::text,
                w.event_type || ' to subscription ' || w.subscription_id, w.status, w.partner_id,
                CASE WHEN w.outbound_document_id IS NOT NULL THEN 'outbound-document ' || w.outbound_document_id END,
                NULL, w.created_at
           FROM webhook_delivery w WHERE w.correlation_id = ANY($1::text[])
       ) steps ORDER BY t, kind, length(id), id LIMIT 1000`,
      [all],
    );
    return {
      correlationIds: all.sort(),
      steps: steps.map(({ t: _t, ...step }: ChainStep & { t?: unknown }) => step),
    };
  }
}
