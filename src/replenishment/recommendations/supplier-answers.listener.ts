import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { GATEWAY_ACTOR } from '../../audit/actor.js';
import { add, compare, decimal } from '../../canonical/decimal.js';
import type { CanonicalEvent } from '../../canonical/events/catalogue.js';
import { convertQuantity } from '../../canonical/units.js';
import { ErpPostingEvents, type ErpPostingListener } from '../../erp/posting/erp-posting.events.js';
import type { ErpPosting } from '../../erp/posting/erp-posting.types.js';
import { ExceptionCaseError } from '../../exceptions/exception-case.exception.js';
import {
  ExceptionService,
  type ExceptionCaseChange,
  type ExceptionCaseListener,
} from '../../exceptions/exception.service.js';
import {
  ChangeRefusalHooks,
  type ChangeRefusal,
  type ChangeRefusalDescriber,
  type ChangeRefusalFacts,
} from '../../procurement/change-refusal.hooks.js';
import { revisionOf } from '../../procurement/answer-revision.js';
import { scheduleDates } from '../../procurement/schedule-dates.js';
import { CanonicalEventStore, type CanonicalEventListener } from '../../translation/canonical-event.store.js';
import { RecommendationRepository, type RecommendationRow } from './recommendation.repository.js';

/**
 * The supplier's answer to a replenishment's PO change, whatever its channel (865, ORDRSP, partner
 * API), as the acknowledgment path applies it:
 * - a refused change (`po-change.rejected`): the recommendation becomes `refused`, and the buyer's
 *   case names the plant, material, line, the shortage date, the date asked for and the production
 *   orders at risk (added through the PO lifecycle's refusal hook, so the first notification has
 *   them); the case goes to the material's owner when routing named nobody;
 * - an accepted change: `confirmed`; one that confirms a later date than asked (or rejects the
 *   line): `refused` too, the line's own acknowledgment case (`acknowledgment.date-changed`) is the
 *   buyer's;
 * - the ERP refusing the posting (or never answering): `failed`, with the ERP posting's case; a
 *   replay that reaches the ERP makes it `applied` again.
 */
@Injectable()
export class SupplierAnswersListener
  implements
    ChangeRefusalDescriber,
    CanonicalEventListener,
    ExceptionCaseListener,
    ErpPostingListener,
    OnModuleInit
{
  private readonly recommendations = new RecommendationRepository();

  constructor(
    private readonly refusals: ChangeRefusalHooks,
    private readonly store: CanonicalEventStore,
    private readonly exceptions: ExceptionService,
    private readonly postings: ErpPostingEvents,
  ) {}

  onModuleInit(): void {
    this.refusals.register(this);
    this.store.listen(this);
    this.exceptions.listen(this);
    this.postings.listen(this);
  }

  /** A replayed dead posting that finally reached the ERP: the recommendation is applied again. */
  async postingPosted(tx: EntityManager, posting: ErpPosting): Promise<void> {
    if (posting.kind !== 'po-change' && posting.kind !== 'po-request') return;
    await tx.query(
      `UPDATE replenishment_recommendation SET state = 'applied', answer = NULL, updated_at = now()
        WHERE posting_id = $1 AND state = 'failed'`,
      [posting.id],
    );
  }

  async describeRefusal(
    tx: EntityManager,
    { order, answer }: ChangeRefusal,
  ): Promise<ChangeRefusalFacts | undefined> {
    const rec = await this.answered(tx, order.poNumber, order.revision);
    if (!rec) return undefined;
    const reason = answer.payload.reason?.text;
    await this.recommendations.update(tx, rec.id, {
      state: 'refused',
      changeRevision: order.revision,
      answer: `the supplier cannot meet the change${reason ? `: ${reason}` : ''}`,
    });
    const orders = rec.productionOrders.map((p) => p.productionOrder);
    return {
      ...(rec.lineNumber ? { poLine: rec.lineNumber } : {}),
      material: rec.material,
      summary: `${rec.material} at plant ${rec.plant} runs short${rec.shortageDate ? ` on ${rec.shortageDate}` : ` by ${rec.neededBy}`}${orders.length > 0 ? `; production orders at risk: ${orders.join(', ')}` : ''}`,
      differences: {
        ...(rec.newDeliveryDate
          ? { deliveryDate: { expected: rec.newDeliveryDate, actual: rec.currentDueDate } }
          : {}),
        ...(rec.newQuantity && rec.action !== 'order'
          ? { quantity: { expected: rec.newQuantity, actual: null } }
          : {}),
        shortageDate: { expected: rec.neededBy, actual: rec.shortageDate },
        productionOrdersAtRisk: { expected: [], actual: orders },
        replenishment: { expected: rec.id, actual: 'refused' },
      },
      impact: {
        valueAtRisk: rec.value,
        currency: rec.value === null ? null : rec.currency,
        daysLate:
          rec.currentDueDate && rec.newDeliveryDate ? days(rec.newDeliveryDate, rec.currentDueDate) : null,
      },
    };
  }

  async eventStored(tx: EntityManager, event: CanonicalEvent): Promise<void> {
    if (event.type !== 'purchase-order.change-answered' || event.payload.status === 'rejected') return;
    // The one rule of what names a revision (answer-revision.ts): `1e3` or eleven digits do not.
    const revision = revisionOf(event.payload.purchaseOrder.revision ?? '');
    if (revision === undefined) return;
    const rec = await this.answered(tx, event.payload.purchaseOrder.number, revision);
    if (!rec || event.partnerId !== rec.supplier) return;
    const line = event.payload.lines.find((l) => l.lineNumber === rec.lineNumber);
    const shortfalls = line ? answerShortfalls(rec, line) : [];
    const refused = line?.status === 'rejected' || shortfalls.length > 0;
    await this.recommendations.update(tx, rec.id, {
      state: refused ? 'refused' : 'confirmed',
      changeRevision: revision,
      answer: refused
        ? line?.status === 'rejected'
          ? 'the supplier rejected the line'
          : `the supplier confirmed ${shortfalls.join(' and ')}`
        : `the supplier accepted the change (${event.payload.status})`,
    });
  }

  async caseChanged(tx: EntityManager, change: ExceptionCaseChange): Promise<void> {
    const found = change.case;
    if (
      change.action === 'raised' &&
      (found.type === 'erp.posting-rejected' || found.type === 'erp.posting-failed') &&
      found.references.postingRef
    ) {
      // The ERP refused the change (a stale revision, a closed line) or could not be reached.
      await tx.query(
        `UPDATE replenishment_recommendation r SET state = 'failed', answer = $2, exception_id = $3, updated_at = now()
           FROM erp_posting p
          WHERE p.id = r.posting_id AND p.external_reference = $1 AND r.state = 'applied'`,
        [found.references.postingRef, (found.summary ?? found.type).slice(0, 1000), found.id],
      );
      return;
    }
    if (change.action !== 'raised' || found.type !== 'po-change.rejected' || !found.references.poNumber)
      return;
    const [rec] = await tx.query<{ id: string; owner_user_id: string | null }[]>(
      `SELECT id::text AS id, owner_user_id FROM replenishment_recommendation
        WHERE po_number = $1 AND state = 'refused' AND exception_id IS NULL
        ORDER BY created_at DESC LIMIT 1 FOR UPDATE`,
      [found.references.poNumber],
    );
    if (!rec) return;
    await this.recommendations.update(tx, rec.id, { exceptionId: found.id });
    if (found.ownerUserId !== null || rec.owner_user_id === null) return;
    try {
      await this.exceptions.assign(
        found.id,
        rec.owner_user_id,
        GATEWAY_ACTOR,
        'owner of the material’s replenishment',
        tx,
      );
    } catch (error) {
      // An owner who left: the case stays in the queue unassigned rather than losing the answer.
      if (!(error instanceof ExceptionCaseError)) throw error;
    }
  }

  /** The recommendation applied to this order whose change the answered revision carries. */
  private async answered(
    tx: EntityManager,
    poNumber: string,
    revision: number,
  ): Promise<RecommendationRow | undefined> {
    const rec = await this.recommendations.appliedForOrder(tx, poNumber);
    if (!rec || rec.poRevision === null || revision <= rec.poRevision) return undefined;
    return rec;
  }
}

type AnsweredLine = Extract<
  CanonicalEvent,
  { type: 'purchase-order.change-answered' }
>['payload']['lines'][number];

/**
 * What an answered line gives less of than the change asked, in words (none: it meets the change).
 * The date is the latest confirmed delivery of its schedule (the line is complete only then), not the
 * schedule's last entry; an entry that confirms only a ship date (865 DTM 068, ORDRSP DTM+10) is
 * late when it ships after the date asked for delivery. The master data knows no transit time, so that
 * is the only certain conclusion: goods shipped on that day cannot be there any earlier. The quantity
 * is the line's confirmed total (else its schedule's sum), in the change's unit: 2,400 of the 3,000
 * asked is a partial answer and the shortage is still there.
 */
export function answerShortfalls(
  rec: Pick<RecommendationRow, 'newDeliveryDate' | 'newQuantity' | 'unit'>,
  line: AnsweredLine,
): string[] {
  const out: string[] = [];
  const asked = rec.newDeliveryDate;
  const { delivered, shipped } = scheduleDates(line.schedule);
  if (asked !== null && delivered !== undefined && delivered > asked)
    out.push(`${delivered} instead of ${asked}`);
  if (asked !== null && shipped !== undefined && shipped > asked)
    out.push(`shipping on ${shipped}, after the ${asked} asked for delivery`);
  if (rec.newQuantity === null) return out;
  const parts = line.quantity ? [line.quantity] : (line.schedule ?? []).map((s) => s.quantity);
  if (parts.length === 0) return out;
  let confirmed = decimal('0');
  try {
    for (const part of parts)
      confirmed = add(confirmed, convertQuantity(decimal(part.value), part.unit, rec.unit));
  } catch {
    const named = parts.map((p) => `${p.value} ${p.unit}`).join(' + ');
    out.push(`${named}, which does not convert into the ${rec.newQuantity} ${rec.unit} asked`);
    return out;
  }
  if (compare(confirmed, decimal(rec.newQuantity)) < 0)
    out.push(`${confirmed} ${rec.unit} of the ${rec.newQuantity} asked`);
  return out;
}

function days(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}
