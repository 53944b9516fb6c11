import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { Actor } from '../audit/actor.js';
import { AuditService } from '../audit/audit.service.js';
import { decimal, decimalFromConfigNumber, type DecimalString } from '../canonical/decimal.js';
import { PartnerRegistry } from '../partners/partner-registry.js';
import { isoTimestamp, queryRows, type Queryable } from '../platform/database/sql.js';
import { PurchaseOrderRepository } from '../procurement/purchase-order.repository.js';
import type { PurchaseOrder, PurchaseOrderLine } from '../procurement/purchase-order.types.js';
import type { SubmissionResult } from '../transports/api/submission.types.js';
import { AsnBuilderError } from './asn-builder.exception.js';
import type { DocumentKind } from './asn-canonical.js';
import { cartonsOf, draftBodySchema, type DraftBody, type ShipNoticeDraft } from './asn-draft.js';
import { AsnSenderService, describeActor, type SendingClaim } from './asn-sender.service.js';
import { validateDraft, type DraftProblem } from './asn-validation.js';
import { makeSscc, serialCapacity } from './sscc.js';

const COLUMNS = `d.id::text AS id, d.partner_id AS "partnerId", d.shipment_number AS "shipmentNumber", d.status,
  d.revision, d.body, d.interchange_id::text AS "interchangeId", d.created_by AS "createdBy",
  ${isoTimestamp('d.created_at')} AS "createdAt", ${isoTimestamp('d.updated_at')} AS "updatedAt",
  ${isoTimestamp('d.submitted_at')} AS "submittedAt"`;

export interface SubmittedDraft {
  readonly draft: ShipNoticeDraft;
  readonly submission: SubmissionResult;
}

interface LockedDraft extends ShipNoticeDraft {
  readonly sending: SendingClaim | undefined;
}

/**
 * The ASN builder (docs/asn-builder.md): suppliers without EDI software build a ship notice — pallets,
 * cartons, order lines, lots — in the gateway. Drafts are kept as they are built and resumed later;
 * packs without an SSCC get one from the partner's GS1 Company Prefix when the draft is saved; every
 * rule the PO lifecycle would hold the notice for is checked before submitting. A submission goes
 * through the partner API's submission path as a JSON ship notice (archived, then the same canonical
 * `ship-notice.received` event and ERP inbound delivery as an 856); submitting again sends a
 * replacement (the next revision), and cancelling sends a cancellation. Sending is AsnSenderService's:
 * while a revision is being sent the draft is neither changed nor cancelled.
 */
@Injectable()
export class AsnBuilderService {
  private readonly orders = new PurchaseOrderRepository();

  constructor(
    private readonly dataSource: DataSource,
    private readonly partners: PartnerRegistry,
    private readonly sender: AsnSenderService,
    private readonly audit: AuditService,
  ) {}

  async create(
    partnerId: string,
    input: { shipmentNumber?: string; body: unknown },
    actor: Actor,
  ): Promise<ShipNoticeDraft> {
    const body = parseBody(input.body);
    const id = await this.dataSource.transaction(async (tx) => {
      const [{ id }] = (await queryRows<{ id: string }>(
        tx,
        `SELECT nextval(pg_get_serial_sequence('ship_notice_draft', 'id'))::text AS id`,
      )) as [{ id: string }];
      const shipmentNumber =
        input.shipmentNumber ?? `ASN-${new Date().toISOString().slice(0, 10).replaceAll('-', '')}-${id}`;
      const [taken] = await queryRows<{ id: string }>(
        tx,
        `SELECT id::text AS id FROM ship_notice_draft WHERE partner_id = $1 AND shipment_number = $2`,
        [partnerId, shipmentNumber],
      );
      if (taken)
        throw new AsnBuilderError(
          `shipment number ${shipmentNumber} is already used by draft ${taken.id}`,
          409,
        );
      const labelled = await this.allocateSsccs(tx, partnerId, body);
      await tx.query(
        `INSERT INTO ship_notice_draft (id, partner_id, shipment_number, body, created_by)
         OVERRIDING SYSTEM VALUE VALUES ($1, $2, $3, $4, $5)`,
        [id, partnerId, shipmentNumber, JSON.stringify(labelled), describeActor(actor)],
      );
      await this.audit.record(tx, {
        actor,
        action: 'ship-notice-draft.created',
        target: { type: 'ship-notice-draft', id },
        partnerId,
        after: { shipmentNumber },
      });
      return id;
    });
    return (await this.get(id))!;
  }

  async get(id: string, db: Queryable = this.dataSource): Promise<ShipNoticeDraft | undefined> {
    if (!/^\d{1,18}$/.test(id)) return undefined;
    const [row] = await queryRows<ShipNoticeDraft>(
      db,
      `SELECT ${COLUMNS} FROM ship_notice_draft d WHERE d.id = $1`,
      [id],
    );
    return row;
  }

  /** The partner's draft; another partner's id is the same as none (404). */
  async own(partnerId: string, id: string, db: Queryable = this.dataSource): Promise<ShipNoticeDraft> {
    const draft = await this.get(id, db);
    if (!draft || draft.partnerId !== partnerId) throw new AsnBuilderError(`no ship notice draft ${id}`, 404);
    return draft;
  }

  async list(
    partnerId: string,
    filter: { status?: string; before?: string; limit: number },
  ): Promise<ShipNoticeDraft[]> {
    return queryRows<ShipNoticeDraft>(
      this.dataSource,
      `SELECT ${COLUMNS} FROM ship_notice_draft d
        WHERE d.partner_id = $1 AND ($2::text IS NULL OR d.status = $2) AND ($3::bigint IS NULL OR d.id < $3)
        ORDER BY d.id DESC LIMIT $4`,
      [partnerId, filter.status ?? null, filter.before ?? null, filter.limit],
    );
  }

  /** Saves a new version of the draft (a submitted one too: submitting it again sends a replacement). */
  async update(partnerId: string, id: string, input: unknown, actor: Actor): Promise<ShipNoticeDraft> {
    const body = parseBody(input);
    await this.dataSource.transaction(async (tx) => {
      const draft = await this.lock(tx, partnerId, id);
      if (draft.sending) throw underWay(draft);
      if (draft.status === 'cancelled')
        throw new AsnBuilderError(`ship notice ${draft.shipmentNumber} was cancelled`, 409);
      const labelled = await this.allocateSsccs(tx, partnerId, body);
      await tx.query(`UPDATE ship_notice_draft SET body = $2, updated_at = now() WHERE id = $1`, [
        id,
        JSON.stringify(labelled),
      ]);
      await this.audit.record(tx, {
        actor,
        action: 'ship-notice-draft.updated',
        target: { type: 'ship-notice-draft', id },
        partnerId,
      });
    });
    return (await this.get(id))!;
  }

  /** What must still change before the draft can be submitted (empty: ready). */
  async validate(partnerId: string, id: string): Promise<DraftProblem[]> {
    const draft = await this.own(partnerId, id);
    return validateDraft(draft.body, await this.context(this.dataSource, draft));
  }

  /**
   * Submits the draft: the original the first time, a replacement (the next revision) after that.
   * Refused with every problem when it is not ready. While a revision is being sent (or when sending
   * it was interrupted), submitting again sends that revision's document again and completes it.
   */
  async submit(partnerId: string, id: string, actor: Actor): Promise<SubmittedDraft> {
    const claim = await this.dataSource.transaction(async (tx) => {
      const draft = await this.lock(tx, partnerId, id);
      if (draft.sending) {
        if (draft.sending.kind === 'cancellation') throw underWay(draft);
        return draft.sending;
      }
      if (draft.status === 'cancelled')
        throw new AsnBuilderError(`ship notice ${draft.shipmentNumber} was cancelled`, 409);
      const context = await this.context(tx, draft);
      const problems = validateDraft(draft.body, context);
      if (problems.length > 0)
        throw new AsnBuilderError(
          `ship notice ${draft.shipmentNumber} is not ready: ${problems.length} problem${problems.length === 1 ? '' : 's'}`,
          422,
          problems,
        );
      const revision = draft.revision === null ? 0 : draft.revision + 1;
      return this.sender.claim(
        tx,
        draft,
        revision,
        revision === 0 ? 'original' : 'replacement',
        context.orderMap,
      );
    });
    const submission = await this.sender.send(claim, actor);
    return { draft: (await this.get(id))!, submission };
  }

  /**
   * Withdraws the shipment: a cancellation when it was submitted, else the draft is just closed.
   * Refused while a revision is being sent (the cancellation could not be ordered after it); a
   * cancellation interrupted while being sent is sent again and completed.
   */
  async cancel(partnerId: string, id: string, actor: Actor): Promise<ShipNoticeDraft> {
    const claim = await this.dataSource.transaction(async (tx) => {
      const draft = await this.lock(tx, partnerId, id);
      if (draft.sending) {
        if (draft.sending.kind !== 'cancellation') throw underWay(draft);
        return draft.sending;
      }
      if (draft.status === 'cancelled') return undefined;
      if (draft.status === 'submitted') {
        const orders = await this.ordersOf(partnerId, draft.body, tx);
        return this.sender.claim(tx, draft, draft.revision! + 1, 'cancellation', orders);
      }
      await tx.query(`UPDATE ship_notice_draft SET status = 'cancelled', updated_at = now() WHERE id = $1`, [
        id,
      ]);
      await this.audit.record(tx, {
        actor,
        action: 'ship-notice-draft.cancelled',
        target: { type: 'ship-notice-draft', id },
        partnerId,
      });
      return undefined;
    });
    if (claim) await this.sender.send(claim, actor);
    return (await this.get(id))!;
  }

  /** The draft's orders and lines, by PO number (only the partner's own). */
  async ordersOf(
    partnerId: string,
    body: DraftBody,
    db: Queryable = this.dataSource,
  ): Promise<Map<string, { order: PurchaseOrder; lines: PurchaseOrderLine[] }>> {
    const numbers = new Set(cartonsOf(body).flatMap(({ carton }) => carton.items.map((i) => i.poNumber)));
    const orders = new Map<string, { order: PurchaseOrder; lines: PurchaseOrderLine[] }>();
    for (const number of numbers) {
      const order = await this.orders.byNumber(db, number, partnerId);
      if (order) orders.set(number, { order, lines: await this.orders.lines(db, order.id) });
    }
    return orders;
  }

  private async context(db: Queryable, draft: ShipNoticeDraft) {
    const profile = this.partners.require(draft.partnerId);
    const orderMap = await this.ordersOf(draft.partnerId, draft.body, db);
    const shipped = await queryRows<{ po_number: string; line_number: string; quantity: string }>(
      db,
      `SELECT o.po_number, l.line_number, l.quantity::text AS quantity
         FROM ship_notice n JOIN ship_notice_line l ON l.ship_notice_id = n.id JOIN purchase_order o ON o.id = l.po_id
        WHERE n.partner_id = $1 AND n.shipment_number = $2 AND n.status <> 'cancelled'`,
      [draft.partnerId, draft.shipmentNumber],
    );
    const inUse = await queryRows<{ sscc: string }>(
      db,
      `SELECT DISTINCT jsonb_path_query(d.body, 'strict $.**.sscc') #>> '{}' AS sscc
         FROM ship_notice_draft d
        WHERE d.partner_id = $1 AND d.id <> $2 AND (d.status = 'submitted' OR d.sending_revision IS NOT NULL)`,
      [draft.partnerId, draft.id],
    );
    const lotManaged = await queryRows<{ material: string }>(
      db,
      `SELECT material FROM master_material WHERE lot_managed`,
    );
    return {
      orderMap,
      orders: orderMap,
      tolerancePercent: decimalFromConfigNumber(profile.tolerances.quantityPercent),
      shippedByThisNotice: new Map<string, DecimalString>(
        shipped.map((s) => [`${s.po_number}/${s.line_number}`, decimal(s.quantity)]),
      ),
      ssccsInUse: new Set(inUse.map((r) => r.sscc)),
      lotManaged: new Set(lotManaged.map((r) => r.material)),
      assignsSsccs: profile.shipping !== undefined,
    };
  }

  /** The partner's draft, locked until the transaction ends, with the revision being sent if any. */
  private async lock(tx: EntityManager, partnerId: string, id: string): Promise<LockedDraft> {
    if (!/^\d{1,18}$/.test(id)) throw new AsnBuilderError(`no ship notice draft ${id}`, 404);
    const [row] = await queryRows<
      ShipNoticeDraft & {
        sendingRevision: number | null;
        sendingKind: DocumentKind | null;
        sendingDocument: string | null;
      }
    >(
      tx,
      `SELECT ${COLUMNS}, d.sending_revision AS "sendingRevision", d.sending_kind AS "sendingKind",
              d.sending_document AS "sendingDocument"
         FROM ship_notice_draft d WHERE d.id = $1 FOR UPDATE`,
      [id],
    );
    if (!row || row.partnerId !== partnerId) throw new AsnBuilderError(`no ship notice draft ${id}`, 404);
    const { sendingRevision, sendingKind, sendingDocument, ...draft } = row;
    return {
      ...draft,
      sending:
        sendingRevision === null
          ? undefined
          : {
              draftId: draft.id,
              partnerId: draft.partnerId,
              shipmentNumber: draft.shipmentNumber,
              revision: sendingRevision,
              kind: sendingKind!,
              document: sendingDocument!,
            },
    };
  }

  /**
   * Gives every pallet and carton without an SSCC the next serials of the partner's GS1 Company
   * Prefix (reserved in one statement, so concurrent drafts never share one; a serial is never given
   * twice, even when its draft is dropped). Without a prefix in the profile the packs stay unlabelled
   * and validation says so.
   */
  private async allocateSsccs(tx: EntityManager, partnerId: string, body: DraftBody): Promise<DraftBody> {
    const shipping = this.partners.require(partnerId).shipping;
    const packs = [...body.pallets, ...cartonsOf(body).map((c) => c.carton)].filter(
      (p) => p.sscc === undefined,
    );
    if (!shipping || packs.length === 0) return body;
    const [{ first }] = (await queryRows<{ first: string }>(
      tx,
      `INSERT INTO sscc_serial (company_prefix, next_serial) VALUES ($1, $2::bigint + 1)
       ON CONFLICT ON CONSTRAINT pk_sscc_serial DO UPDATE SET next_serial = sscc_serial.next_serial + $2::bigint
       RETURNING (next_serial - $2::bigint)::text AS first`,
      [shipping.gs1CompanyPrefix, packs.length],
    )) as [{ first: string }];
    const start = BigInt(first);
    if (start + BigInt(packs.length) > serialCapacity(shipping.gs1CompanyPrefix))
      throw new AsnBuilderError(
        `the serial references of GS1 Company Prefix ${shipping.gs1CompanyPrefix} are used up`,
        409,
      );
    packs.forEach((pack, i) => {
      (pack as { sscc?: string }).sscc = makeSscc(
        shipping.extensionDigit,
        shipping.gs1CompanyPrefix,
        start + BigInt(i),
      );
    });
    return body;
  }
}

function parseBody(input: unknown): DraftBody {
  const result = draftBodySchema.safeParse(input ?? {});
  if (result.success) return result.data;
  throw new AsnBuilderError(
    'the ship notice draft is malformed',
    400,
    result.error.issues.map((i) => ({ path: i.path.join('.'), code: 'missing', message: i.message })),
  );
}

/**
 * The refusal while a revision is being sent; a submission interrupted before it was recorded stays
 * claimed, so the message says how to finish it.
 */
function underWay(draft: LockedDraft): AsnBuilderError {
  const sending = draft.sending!;
  return new AsnBuilderError(
    sending.kind === 'cancellation'
      ? `the cancellation of ship notice ${draft.shipmentNumber} is being sent; if sending it was interrupted, cancel again to finish it`
      : `revision ${sending.revision} of ship notice ${draft.shipmentNumber} is being sent; try again once it is sent, or, if sending it was interrupted, submit again to finish it`,
    409,
  );
}
