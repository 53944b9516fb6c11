import { Controller, Get, Headers, Param, Post, Query, Req, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiQuery,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { DataSource } from 'typeorm';
import type { CanonicalEvent } from '../../canonical/index.js';
import { Allow } from '../../gateway/access-rules.js';
import { CurrentPrincipal } from '../../gateway/current-principal.decorator.js';
import { actingPartner, type PartnerPrincipal, type Principal } from '../../gateway/principal.js';
import { PurchaseOrderRepository } from '../../procurement/purchase-order.repository.js';
import { DocumentSubmissionService } from './document-submission.service.js';
import { answersRevision, orderAnswerDocument, type OrderAnswer } from './order-answer.js';
import {
  changeListQuery,
  decodeCursor,
  encodeCursor,
  isChangeCursor,
  isOrderCursor,
  orderListQuery,
  parseQuery,
} from './order-queries.js';
import { PartnerApiError, PartnerApiErrorCode } from './partner-api.exception.js';
import { answerOrThrow, bodyOf, PROBLEM_RESPONSES, SUBMISSION_EXAMPLE } from './partner-http.js';
import { PartnerOrdersRepository } from './partner-orders.repository.js';
import { orderAnswerBodySchema } from './schemas/openapi-schemas.js';
import {
  ACKNOWLEDGMENT_EXAMPLE,
  CHANGE_ANSWER_EXAMPLE,
  PURCHASE_ORDER_CHANGE_EXAMPLE,
  PURCHASE_ORDER_EXAMPLE,
} from './schemas/partner-document.examples.js';
import { ApiPartnerAccessResponses } from '../../gateway/access-openapi.js';

const ORDER_TYPES = ['purchase-order.issued', 'purchase-order.changed', 'purchase-order.cancelled'];
const CHANGE_TYPES = ['purchase-order.changed', 'purchase-order.cancelled'];
const REVISION_CONFLICT =
  'The answer names a revision that is no longer the one to answer (the order changed since), or one the ' +
  'order does not have, or (a change answer) the order was never changed: nothing is applied; the receipt is kept ' +
  'as rejected. Read the order again and answer it.';
/** The buyer's side, as src/outbound's partner JSON names it. */
const GATEWAY_SENDER = { scheme: 'partner', id: 'buyer' } as const;

const ORDER_SUMMARY_EXAMPLE = {
  id: '12',
  poNumber: '4500000001',
  revision: 0,
  state: 'issued',
  plant: '1000',
  currency: 'EUR',
  orderDate: '2026-11-27',
  shipTo: '1000',
  updatedAt: '2026-11-27T09:00:00.000000Z',
};

/** The partner document of an order event the gateway sent (purchase-order / purchase-order-change v1). */
function asPartnerDocument(event: CanonicalEvent) {
  return {
    type: event.type === 'purchase-order.issued' ? 'purchase-order' : 'purchase-order-change',
    version: 'v1',
    sender: GATEWAY_SENDER,
    document: event.document,
    payload: event.payload,
  };
}

/**
 * The partner's own purchase orders and their changes, and its answers to them line by line in JSON:
 * an answer becomes the same canonical event an 855 / 865 does and goes through the same archive and
 * PO lifecycle. Another partner's order is answered 404, like one that does not exist.
 */
@ApiTags('partner orders')
@ApiBearerAuth()
@ApiPartnerAccessResponses()
@Controller('partner/v1')
export class PartnerOrdersController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly orders: PartnerOrdersRepository,
    private readonly purchaseOrders: PurchaseOrderRepository,
    private readonly submissions: DocumentSubmissionService,
  ) {}

  @Get('orders')
  @Allow({ partner: ['orders:read'], roles: ['supplier-user', 'supplier-admin'] })
  @ApiOperation({
    operationId: 'listPartnerOrders',
    summary: 'Your purchase orders, newest first',
    description: 'Filters by state and dates; pages with `cursor` (pass `nextCursor` back unchanged).',
  })
  @ApiQuery({
    name: 'state',
    required: false,
    description: 'Comma-separated states',
    example: 'issued,changed',
  })
  @ApiQuery({ name: 'orderDateFrom', required: false, example: '2026-11-01' })
  @ApiQuery({ name: 'orderDateTo', required: false, example: '2026-11-30' })
  @ApiQuery({ name: 'updatedSince', required: false, example: '2026-11-27T00:00:00Z' })
  @ApiQuery({ name: 'cursor', required: false, example: 'eyJpZCI6IjEyIn0' })
  @ApiQuery({ name: 'limit', required: false, example: 50 })
  @ApiOkResponse({
    description: 'One page of orders',
    content: {
      'application/json': { example: { items: [ORDER_SUMMARY_EXAMPLE], nextCursor: 'eyJpZCI6IjEyIn0' } },
    },
  })
  @ApiResponse(PROBLEM_RESPONSES[400])
  async list(@CurrentPrincipal() principal: Principal, @Query() query: Record<string, unknown>) {
    const q = parseQuery(orderListQuery, query);
    const before = q.cursor ? decodeCursor(q.cursor, isOrderCursor).id : undefined;
    const items = await this.orders.list(this.partnerOf(principal), {
      states: q.state,
      orderDateFrom: q.orderDateFrom,
      orderDateTo: q.orderDateTo,
      updatedSince: q.updatedSince,
      before,
      limit: q.limit,
    });
    const last = items.length === q.limit ? items[items.length - 1] : undefined;
    return { items, nextCursor: last ? encodeCursor({ id: last.id }) : null };
  }

  @Get('orders/:poNumber')
  @Allow({ partner: ['orders:read'], roles: ['supplier-user', 'supplier-admin'] })
  @ApiOperation({
    operationId: 'getPartnerOrder',
    summary: 'One of your purchase orders: its state, lines (ordered and confirmed) and the order document',
    description:
      '`document` is the latest purchase-order or purchase-order-change v1 document the gateway sent.',
  })
  @ApiParam({ name: 'poNumber', example: '4500000001' })
  @ApiOkResponse({
    description: 'The order',
    content: {
      'application/json': {
        example: {
          order: ORDER_SUMMARY_EXAMPLE,
          lines: [
            { lineNumber: '10', material: 'CMP-BOLT-M8', quantity: '4800', unit: 'H87', ackStatus: null },
          ],
          document: PURCHASE_ORDER_EXAMPLE,
        },
      },
    },
  })
  @ApiResponse({ ...PROBLEM_RESPONSES[404], description: 'No such order of yours' })
  async read(@CurrentPrincipal() principal: Principal, @Param('poNumber') poNumber: string) {
    const partnerId = this.partnerOf(principal);
    const order = await this.orderOf(partnerId, poNumber);
    const events = await this.orders.orderEvents(partnerId, ORDER_TYPES, { poNumber, limit: 1000 });
    const latest = events[events.length - 1]?.event;
    const { correlationId: _c, confirmations: _n, createdAt: _t, partnerId: _p, ...summary } = order;
    return {
      order: summary,
      lines: await this.purchaseOrders.lines(this.dataSource, order.id),
      document: latest ? asPartnerDocument(latest) : null,
    };
  }

  @Get('orders/:poNumber/changes')
  @Allow({ partner: ['orders:read'], roles: ['supplier-user', 'supplier-admin'] })
  @ApiOperation({
    operationId: 'listPartnerOrderChanges',
    summary: 'The changes of one of your orders, oldest first',
    description:
      'Each change the ERP made to the order after issuing it, as a purchase-order-change v1 document ' +
      '(a cancelled order appears with document kind `cancellation`). Pages with `cursor`.',
  })
  @ApiParam({ name: 'poNumber', example: '4500000001' })
  @ApiQuery({ name: 'since', required: false, example: '2026-11-27T00:00:00Z' })
  @ApiQuery({
    name: 'cursor',
    required: false,
    example: 'eyJhdCI6IjIwMjYtMTEtMjdUMDk6MDA6MDBaIiwiaWQiOiIuLi4ifQ',
  })
  @ApiQuery({ name: 'limit', required: false, example: 50 })
  @ApiOkResponse({
    description: 'One page of purchase-order-change v1 documents',
    content: {
      'application/json': { example: { items: [PURCHASE_ORDER_CHANGE_EXAMPLE], nextCursor: null } },
    },
  })
  @ApiResponse({ ...PROBLEM_RESPONSES[404], description: 'No such order of yours' })
  async changesOf(
    @CurrentPrincipal() principal: Principal,
    @Param('poNumber') poNumber: string,
    @Query() query: Record<string, unknown>,
  ) {
    const partnerId = this.partnerOf(principal);
    await this.orderOf(partnerId, poNumber);
    return this.changePage(partnerId, poNumber, query);
  }

  @Get('order-changes')
  @Allow({ partner: ['orders:read'], roles: ['supplier-user', 'supplier-admin'] })
  @ApiOperation({
    operationId: 'listPartnerChanges',
    summary: 'Every change to your orders, oldest first (poll with `since` or page with `cursor`)',
    description:
      'The feed of order changes across all your orders, for partners that poll instead of receiving 860 / ORDCHG: ' +
      'remember the last `receivedAt` (or `nextCursor`) and ask again from there.',
  })
  @ApiQuery({ name: 'since', required: false, example: '2026-11-27T00:00:00Z' })
  @ApiQuery({
    name: 'cursor',
    required: false,
    example: 'eyJhdCI6IjIwMjYtMTEtMjdUMDk6MDA6MDBaIiwiaWQiOiIuLi4ifQ',
  })
  @ApiQuery({ name: 'limit', required: false, example: 50 })
  @ApiOkResponse({
    description: 'One page of purchase-order-change v1 documents',
    content: {
      'application/json': { example: { items: [PURCHASE_ORDER_CHANGE_EXAMPLE], nextCursor: null } },
    },
  })
  @ApiResponse(PROBLEM_RESPONSES[400])
  async changes(@CurrentPrincipal() principal: Principal, @Query() query: Record<string, unknown>) {
    return this.changePage(this.partnerOf(principal), undefined, query);
  }

  @Post('orders/:poNumber/acknowledgment')
  @Allow({ partner: ['acknowledgments:write'] })
  @ApiOperation({
    operationId: 'acknowledgePartnerOrder',
    summary: 'Answer one of your orders line by line (as an 855 would)',
    description:
      'Stored in the archive and turned into a purchase-order.acknowledged event, matched by the PO lifecycle ' +
      'with your tolerances. Honours `Idempotency-Key` like POST /partner/v1/documents. Name the order ' +
      '`revision` you answer: if the order changed since (a later revision was sent to you), the answer is ' +
      'refused with 409 and nothing is applied. Without `revision` it answers the latest revision.',
  })
  @ApiParam({ name: 'poNumber', example: '4500000001' })
  @ApiHeader({ name: 'Idempotency-Key', required: false, example: '0f6b1c0e-9d47-4a0e-8c43-6f1c2a9f7b21' })
  @ApiBody({
    schema: orderAnswerBodySchema('acknowledgment', {
      ...withoutOrder(ACKNOWLEDGMENT_EXAMPLE),
      revision: '0',
    }),
  })
  @ApiResponse({
    status: 201,
    description: 'Stored and applied',
    content: {
      'application/json': { example: { ...SUBMISSION_EXAMPLE, status: 'processed', format: 'json' } },
    },
  })
  @ApiResponse({ ...PROBLEM_RESPONSES[404], description: 'No such order of yours' })
  @ApiResponse({ ...PROBLEM_RESPONSES[409], description: REVISION_CONFLICT })
  @ApiResponse(PROBLEM_RESPONSES[422])
  async acknowledge(
    @CurrentPrincipal() principal: Principal,
    @Param('poNumber') poNumber: string,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
    @Headers('content-type') contentType: string | undefined,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
  ) {
    return this.answer('acknowledgment', principal, poNumber, request, response, contentType, idempotencyKey);
  }

  @Post('orders/:poNumber/change-answer')
  @Allow({ partner: ['acknowledgments:write'] })
  @ApiOperation({
    operationId: 'answerPartnerOrderChange',
    summary: 'Answer a change of one of your orders line by line (as an 865 would)',
    description:
      'Becomes a purchase-order.change-answered event; a rejected change is raised to the buyer. ' +
      '`revision` names the change answered: one that is no longer the one to answer (the order changed ' +
      'again since) is refused with 409 and nothing is applied. Without it the answer is to the latest revision.',
  })
  @ApiParam({ name: 'poNumber', example: '4500000001' })
  @ApiHeader({ name: 'Idempotency-Key', required: false, example: '3c2f7b8a-1e5d-4c9f-a0b6-7d8e9f0a1b2c' })
  @ApiBody({
    schema: orderAnswerBodySchema('change-answer', { ...withoutOrder(CHANGE_ANSWER_EXAMPLE), revision: '1' }),
  })
  @ApiResponse({
    status: 201,
    description: 'Stored and applied',
    content: {
      'application/json': { example: { ...SUBMISSION_EXAMPLE, status: 'processed', format: 'json' } },
    },
  })
  @ApiResponse({ ...PROBLEM_RESPONSES[404], description: 'No such order of yours' })
  @ApiResponse({ ...PROBLEM_RESPONSES[409], description: REVISION_CONFLICT })
  @ApiResponse(PROBLEM_RESPONSES[422])
  async answerChange(
    @CurrentPrincipal() principal: Principal,
    @Param('poNumber') poNumber: string,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
    @Headers('content-type') contentType: string | undefined,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
  ) {
    return this.answer('change-answer', principal, poNumber, request, response, contentType, idempotencyKey);
  }

  private async answer(
    kind: 'acknowledgment' | 'change-answer',
    principal: Principal,
    poNumber: string,
    request: Request,
    response: Response,
    contentType: string | undefined,
    idempotencyKey: string | undefined,
  ) {
    const partner = principal as PartnerPrincipal;
    const order = await this.orderOf(partner.partnerId, poNumber);
    const raw = bodyOf(request);
    // The body names no order (the path does), so the archive keeps the completed document: the same
    // answer posted to two orders is two receipts, not a duplicate, and a repeat names the same order.
    // What was sent is kept beside it. A body that cannot be completed is archived as sent (rejected).
    let completed: OrderAnswer | PartnerApiError;
    try {
      completed = orderAnswerDocument(kind, raw, order, partner.partnerId);
    } catch (error) {
      if (!(error instanceof PartnerApiError)) throw error;
      completed = error;
    }
    const document = completed instanceof PartnerApiError ? undefined : completed.document;
    const named = completed instanceof PartnerApiError ? undefined : completed.revision;
    const answer = await this.submissions.submit({
      principal: partner,
      body: document ? Buffer.from(JSON.stringify(document)) : raw,
      contentType,
      idempotencyKey,
      parseJson: () => {
        if (completed instanceof PartnerApiError) throw completed;
        return completed.document;
      },
      // Without a revision the answer is to the order as it stands, as it always was; a change answer
      // is checked either way (the order must have a change to answer).
      ...(named === undefined && kind === 'acknowledgment'
        ? {}
        : { precondition: answersRevision(this.purchaseOrders, order.poNumber, named, kind) }),
      route: `POST /partner/v1/orders/{poNumber}/${kind}`,
      metadata: { poNumber, ...(document ? { requestBody: raw.toString('utf8').slice(0, 65536) } : {}) },
    });
    return answerOrThrow(answer, response);
  }

  private async changePage(partnerId: string, poNumber: string | undefined, query: Record<string, unknown>) {
    const q = parseQuery(changeListQuery, query);
    const after = q.cursor ? decodeCursor(q.cursor, isChangeCursor) : undefined;
    const rows = await this.orders.orderEvents(partnerId, CHANGE_TYPES, {
      poNumber,
      since: q.since,
      after,
      limit: q.limit,
    });
    const last = rows.length === q.limit ? rows[rows.length - 1] : undefined;
    return {
      items: rows.map((r) => ({ receivedAt: r.at, ...asPartnerDocument(r.event) })),
      nextCursor: last ? encodeCursor({ at: last.at, id: last.event.id }) : null,
    };
  }

  private partnerOf(principal: Principal): string {
    const partnerId = actingPartner(principal);
    if (!partnerId) throw new PartnerApiError(PartnerApiErrorCode.OrderNotFound, 'no partner to act for');
    return partnerId;
  }

  private async orderOf(partnerId: string, poNumber: string) {
    const order = await this.purchaseOrders.byNumber(this.dataSource, poNumber, partnerId);
    if (!order) throw new PartnerApiError(PartnerApiErrorCode.OrderNotFound, `no purchase order ${poNumber}`);
    return order;
  }
}

function withoutOrder(example: { readonly document: unknown; readonly payload: object }) {
  const { purchaseOrder: _order, ...rest } = example.payload as Record<string, unknown>;
  return { document: example.document, ...rest };
}
