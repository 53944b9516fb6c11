import { randomBytes } from 'node:crypto';
import {
  Body,
  Controller,
  Get,
  Param,
  Post,
  Query,
  Render,
  Req,
  Res,
  UseFilters,
  UseGuards,
} from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { Public } from '../gateway/access-rules.js';
import { PartnerRegistry } from '../partners/partner-registry.js';
import { revisionConflict } from '../procurement/answer-revision.js';
import { PurchaseOrderRepository } from '../procurement/purchase-order.repository.js';
import { ANSWERABLE_STATES, type PurchaseOrder } from '../procurement/purchase-order.types.js';
import { answersRevision, namedRevision, orderAnswerDocument } from '../transports/api/order-answer.js';
import { PartnerApiError, PartnerApiErrorCode } from '../transports/api/partner-api.exception.js';
import { answerFromForm, formLines } from './order-answer-form.js';
import {
  partnerOf,
  PortalGuard,
  PortalRoles,
  portalUser,
  SUPPLIER,
  type PortalRequest,
} from './portal-access.js';
import { PortalErrorFilter } from './portal-error.filter.js';
import { PortalError, PortalErrorCode } from './portal.exception.js';
import {
  INBOX_SORTS,
  INBOX_TABS,
  PortalOrdersRepository,
  trimDecimal,
  type InboxTab,
} from './portal-orders.repository.js';
import { PortalSubmissions } from './portal-submissions.js';
import { flash, pageLocals, redirectAfterSave } from './portal-view.js';

const PAGE_SIZE = 20;
const date = z.iso.date().optional().catch(undefined);
const inboxQuery = z.object({
  tab: z.enum(Object.keys(INBOX_TABS) as [InboxTab, ...InboxTab[]]).catch('awaiting'),
  q: z.string().max(64).optional().catch(undefined),
  dateOf: z.enum(['order', 'delivery']).catch('order'),
  from: date,
  to: date,
  sort: z.enum(Object.keys(INBOX_SORTS) as [keyof typeof INBOX_SORTS]).catch('updated'),
  dir: z.enum(['asc', 'desc']).catch('desc'),
  page: z.coerce.number().int().min(1).max(10_000).catch(1),
});

const TAB_LABELS: Record<InboxTab, string> = {
  awaiting: 'Awaiting your answer',
  new: 'New',
  changed: 'Changed',
  acknowledged: 'Acknowledged',
  shipping: 'Shipping',
  closed: 'Closed',
  all: 'All',
};

const SORT_LABELS: Record<keyof typeof INBOX_SORTS, string> = {
  updated: 'Last change',
  po: 'PO number',
  ordered: 'Order date',
  delivery: 'Next delivery',
  state: 'State',
};

/**
 * The supplier's purchase orders: the inbox (tabs by state, search by PO number, item and date, sort,
 * pages), an order with its lines and timeline (printable), and the answers to it — acknowledgment
 * line by line and answers to changes — through the partner API's canonical path.
 */
@ApiExcludeController()
@Public()
@UseGuards(PortalGuard)
@UseFilters(PortalErrorFilter)
@PortalRoles(...SUPPLIER)
@Controller('portal/orders')
export class PortalOrdersController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly orders: PortalOrdersRepository,
    private readonly purchaseOrders: PurchaseOrderRepository,
    private readonly partners: PartnerRegistry,
    private readonly submissions: PortalSubmissions,
  ) {}

  @Get()
  @Render('orders')
  async inbox(@Req() request: PortalRequest, @Query() raw: Record<string, unknown>) {
    const partnerId = partnerOf(request);
    const query = inboxQuery.parse(raw);
    const [{ rows, total }, counts] = await Promise.all([
      this.orders.inbox(partnerId, { ...query, pageSize: PAGE_SIZE }),
      this.orders.tabCounts(partnerId),
    ]);
    const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
    const link = (changes: Record<string, string | number | undefined>) => {
      const params = new URLSearchParams();
      for (const [key, value] of Object.entries({ ...query, ...changes }))
        if (value !== undefined && value !== '' && !(key === 'page' && value === 1))
          params.set(key, String(value));
      return `/portal/orders?${params.toString()}`;
    };
    return pageLocals(
      request,
      this.partners,
      { title: 'Purchase orders', nav: 'orders' },
      {
        query,
        tabs: (Object.keys(TAB_LABELS) as InboxTab[]).map((tab) => ({
          tab,
          label: TAB_LABELS[tab],
          count: counts[tab],
          href: link({ tab, page: 1 }),
          current: tab === query.tab,
        })),
        tabLabel: TAB_LABELS[query.tab],
        sorts: Object.entries(SORT_LABELS).map(([value, label]) => ({ value, label })),
        rows: rows.map((r) => ({ ...r, href: `/portal/orders/${encodeURIComponent(r.poNumber)}` })),
        total,
        page: query.page,
        pages,
        previous: query.page > 1 ? link({ page: query.page - 1 }) : null,
        next: query.page < pages ? link({ page: query.page + 1 }) : null,
      },
    );
  }

  @Get(':poNumber')
  @Render('order')
  async order(@Req() request: PortalRequest, @Param('poNumber') poNumber: string) {
    const partnerId = partnerOf(request);
    const order = await this.orderOf(partnerId, poNumber);
    const [lines, timeline, issues] = await Promise.all([
      this.purchaseOrders.lines(this.dataSource, order.id),
      this.orders.timeline(partnerId, order),
      this.orders.exceptions(partnerId, order.poNumber),
    ]);
    await this.orders.markViewed(partnerId, order.id, order.revision);
    const answerKind =
      order.state === 'changed'
        ? 'change-answer'
        : ANSWERABLE_STATES.includes(order.state)
          ? 'acknowledgment'
          : null;
    return pageLocals(
      request,
      this.partners,
      { title: `Purchase order ${order.poNumber}`, nav: 'orders' },
      {
        order,
        lines: lines.map((l) => ({
          ...l,
          quantity: trimDecimal(l.quantity),
          unitPrice: l.unitPrice && trimDecimal(l.unitPrice),
          confirmedQuantity: l.confirmedQuantity && trimDecimal(l.confirmedQuantity),
          confirmedPrice: l.confirmedPrice && trimDecimal(l.confirmedPrice),
          shippedQuantity: trimDecimal(l.shippedQuantity),
          receivedQuantity: trimDecimal(l.receivedQuantity),
        })),
        timeline: timeline.map((t) => ({
          ...t,
          documentHref: t.documentId ? `/portal/documents/${t.documentId}` : null,
        })),
        openIssues: issues.filter((i) => i.state !== 'resolved' && i.state !== 'accepted'),
        answer: answerKind && {
          kind: answerKind,
          action: `/portal/orders/${encodeURIComponent(order.poNumber)}/${answerKind}`,
          heading:
            answerKind === 'change-answer'
              ? `Answer the change (revision ${order.revision})`
              : order.state === 'issued'
                ? 'Acknowledge the order'
                : 'Send a corrected acknowledgment',
          formKey: randomBytes(12).toString('hex'),
          revision: order.revision,
          lines: formLines(lines).map((l) => ({
            ...l,
            quantity: trimDecimal(l.quantity),
            unitPrice: l.unitPrice && trimDecimal(l.unitPrice),
          })),
        },
      },
    );
  }

  @Post(':poNumber/acknowledgment')
  async acknowledge(
    @Req() request: PortalRequest,
    @Res() response: Response,
    @Param('poNumber') poNumber: string,
    @Body() form: Record<string, unknown>,
  ) {
    await this.answer('acknowledgment', request, response, poNumber, form);
  }

  @Post(':poNumber/change-answer')
  async answerChange(
    @Req() request: PortalRequest,
    @Res() response: Response,
    @Param('poNumber') poNumber: string,
    @Body() form: Record<string, unknown>,
  ) {
    await this.answer('change-answer', request, response, poNumber, form);
  }

  private async answer(
    kind: 'acknowledgment' | 'change-answer',
    request: PortalRequest,
    response: Response,
    poNumber: string,
    form: Record<string, unknown>,
  ): Promise<void> {
    const user = portalUser(request);
    const order = await this.orderOf(partnerOf(request), poNumber);
    const back = `/portal/orders/${encodeURIComponent(order.poNumber)}`;
    const formKey =
      typeof form.formKey === 'string' && /^[0-9a-f]{24}$/.test(form.formKey) ? form.formKey : undefined;
    // The revision the page showed: the answer is to the values the supplier saw, never to a later
    // revision the ERP made while the page was open. A form without one (a page from before it was
    // a field) answers the order as it stands, as the API does without `revision`.
    const viewed = namedRevision(form.revision);
    if (!formKey || viewed === null)
      throw new PortalError(PortalErrorCode.InvalidInput, 'The form is incomplete; reload the page.');
    if (
      viewed !== undefined &&
      revisionConflict(viewed, order, await this.purchaseOrders.revisionToAnswer(this.dataSource, order))
    ) {
      await this.changedSince(request, response, order, viewed);
      return;
    }
    const lines = await this.purchaseOrders.lines(this.dataSource, order.id);
    const built = answerFromForm(form, lines, {
      currency: order.currency,
      documentNumber: `WEB-${formKey.slice(0, 16).toUpperCase()}`,
      revision: viewed,
    });
    if ('problems' in built) {
      for (const problem of built.problems) flash(request, 'error', problem);
      await redirectAfterSave(request, response, `${back}#answer`);
      return;
    }
    let document;
    try {
      ({ document } = orderAnswerDocument(
        kind,
        Buffer.from(JSON.stringify(built.body)),
        order,
        order.partnerId,
      ));
    } catch (error) {
      if (!(error instanceof PartnerApiError)) throw error;
      for (const line of [error.message, ...error.details]) flash(request, 'error', line);
      await redirectAfterSave(request, response, `${back}#answer`);
      return;
    }
    const answer = await this.submissions.submit(
      user,
      {
        body: Buffer.from(JSON.stringify(document)),
        contentType: 'application/json',
        idempotencyKey: `portal-${formKey}`,
        document,
        // Checked again with the order locked: the ERP may change it between the check above and now.
        ...(viewed === undefined
          ? {}
          : { precondition: answersRevision(this.purchaseOrders, order.poNumber, viewed, kind) }),
        route: `portal ${kind}`,
        metadata: { poNumber: order.poNumber },
      },
      {
        action: kind === 'acknowledgment' ? 'portal.order-acknowledged' : 'portal.change-answered',
        target: { type: 'purchase-order', id: order.id },
        after: { poNumber: order.poNumber, revision: viewed ?? order.revision, answer: built.body.status },
      },
    );
    if (
      viewed !== undefined &&
      'problem' in answer &&
      answer.problem.code === String(PartnerApiErrorCode.RevisionConflict)
    ) {
      await this.changedSince(request, response, order, viewed);
      return;
    }
    if ('problem' in answer) {
      flash(request, 'error', answer.problem.message);
      for (const detail of answer.problem.details) flash(request, 'error', detail);
    } else {
      flash(
        request,
        'info',
        `${kind === 'acknowledgment' ? 'Your acknowledgment' : 'Your answer to the change'} was received as document ${answer.body.interchangeId} and applied to the order.`,
      );
    }
    await redirectAfterSave(request, response, back);
  }

  /** An answer to a revision the order has moved on from: nothing is sent; the page shows the order as it is. */
  private async changedSince(
    request: PortalRequest,
    response: Response,
    order: PurchaseOrder,
    viewed: number,
  ): Promise<void> {
    const now = await this.orderOf(order.partnerId, order.poNumber);
    flash(
      request,
      'error',
      `The order changed while you were answering it: your answer was to revision ${viewed}, and the order ` +
        `is now at revision ${now.revision}. Nothing was sent to the buyer. Check the order below and answer again.`,
    );
    await redirectAfterSave(request, response, `/portal/orders/${encodeURIComponent(order.poNumber)}`);
  }

  private async orderOf(partnerId: string, poNumber: string): Promise<PurchaseOrder> {
    const order = await this.purchaseOrders.byNumber(this.dataSource, poNumber, partnerId);
    if (!order)
      throw new PortalError(PortalErrorCode.NotFound, `There is no purchase order ${poNumber} for you.`);
    return order;
  }
}
