import { Body, Controller, Get, HttpCode, NotFoundException, Param, Post, Query, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { z } from 'zod';
import { Allow } from '../gateway/access-rules.js';
import { CurrentPrincipal } from '../gateway/current-principal.decorator.js';
import { actingPartner, type Principal } from '../gateway/principal.js';
import { DELIVERY_CHANNELS } from '../partners/delivery.schema.js';
import { problemResponse } from '../platform/http/problem-response.js';
import { ZodBody } from '../platform/http/zod-body.pipe.js';
import { OutboundDocumentRepository } from './outbound-document.repository.js';
import { OutboundDeliveryService, OutboundNotFoundError } from './outbound-delivery.service.js';
import { OutboundWithdrawalService } from './outbound-withdrawal.service.js';
import { OUTBOUND_STATUSES, type OutboundDocument } from './outbound.types.js';
import { EDIFACT_CONTENT_EXAMPLE, X12_CONTENT_EXAMPLE } from './outbound-content.examples.js';
import { ApiPartnerAccessResponses } from '../gateway/access-openapi.js';

const listQuery = z.strictObject({
  partnerId: z.string().min(1).optional(),
  status: z.enum(OUTBOUND_STATUSES).optional(),
  poNumber: z.string().min(1).optional(),
  channel: z.enum(DELIVERY_CHANNELS).optional(),
  before: z
    .string()
    .regex(/^\d{1,18}$/, 'expected a document id')
    .optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

const partnerQuery = listQuery.omit({ partnerId: true, channel: true });

const cancelBody = z.strictObject({ note: z.string().max(500).optional() }).default({});

const EXAMPLE: OutboundDocument = {
  id: '812',
  partnerId: 'acme-fasteners',
  kind: 'purchase-order',
  poNumber: '4500012345',
  poRevision: 1,
  standard: 'x12',
  messageType: '850',
  channel: 'sftp-mailbox',
  interchangeId: '5120',
  filename: 'purchase-order-4500012345-000000017.x12',
  controlReference: '000000017',
  groupReference: '17',
  setReferences: ['0001'],
  status: 'delivered',
  statusDetail: 'placed in /outbound/purchase-order-4500012345-000000017.x12 (612 bytes)',
  attempts: 1,
  deliveredAt: '2026-11-27T10:02:11.000000Z',
  functionalAck: {
    expected: true,
    status: 'waiting',
    dueAt: '2026-11-28T10:02:11.000000Z',
    interchangeId: null,
  },
  correlationId: 'po:4500012345',
  createdAt: '2026-11-27T10:02:10.000000Z',
};

/** How the content endpoints name the encoding of the bytes (OpenAPI description, docs/outbound.md). */
const CHARSET_RULE =
  'The bytes are not converted: the Content-Type names the charset they were written in, e.g. ' +
  '`application/edifact; charset=ISO-8859-1`. Orders and changes: X12 UTF-8; EDIFACT the set its UNB ' +
  'syntax identifier declares (UNOA/UNOB/UNOC ISO-8859-1, UNOD… their ISO 8859 part such as ISO-8859-2, ' +
  'UNOW/UNOY UTF-8); partner JSON UTF-8. The gateway’s own TA1/997/999 and CONTRL: the encoding of the ' +
  'interchange they answer (X12 ISO-8859-1, UTF-8 or IBM037; a CONTRL by its UNB). Documents archived ' +
  'before the charset was recorded come without one.';

const CONTENT_EXAMPLES = {
  'application/edi-x12': { schema: { type: 'string', format: 'binary' }, example: X12_CONTENT_EXAMPLE },
  'application/edifact': { schema: { type: 'string', format: 'binary' }, example: EDIFACT_CONTENT_EXAMPLE },
  'application/json': {
    example: {
      type: 'purchase-order',
      version: 'v1',
      document: { kind: 'original', number: '4500012345', revision: '1' },
    },
  },
};

/** The archived bytes, not a string (Express would send a string as UTF-8), named by their archived charset. */
async function sendContent(
  response: Response,
  outbound: OutboundDeliveryService,
  document: OutboundDocument,
): Promise<void> {
  const { payload, contentType } = await outbound.content(document);
  response.type(contentType).send(payload);
}

const page = (items: OutboundDocument[], limit: number) => ({
  items,
  nextCursor: items.length === limit ? items[items.length - 1]!.id : null,
});

/** Operators and buyers: every document sent to partners, its delivery and acknowledgment state, resend and cancel. */
@ApiTags('outbound')
@ApiBearerAuth()
@Controller('admin/outbound-documents')
export class OutboundAdminController {
  constructor(
    private readonly outbound: OutboundDeliveryService,
    private readonly withdrawals: OutboundWithdrawalService,
    private readonly documents: OutboundDocumentRepository,
  ) {}

  @Get()
  @Allow({ system: ['operations:read'], roles: ['buyer', 'admin'] })
  @ApiOperation({
    summary: 'Outbound documents, newest first (cursor: before=<id>)',
    description:
      'Every document the gateway sent or is sending to partners (850/860, ORDERS/ORDCHG, partner JSON, functional acknowledgments) with its delivery state; filter and page with `before`.',
  })
  @ApiOkResponse({ content: { 'application/json': { example: { items: [EXAMPLE], nextCursor: null } } } })
  async list(@Query(new ZodBody(listQuery)) query: z.output<typeof listQuery>) {
    return page(await this.documents.list(query), query.limit);
  }

  @Get(':id')
  @Allow({ system: ['operations:read'], roles: ['buyer', 'admin'] })
  @ApiOperation({
    summary: 'One outbound document with its delivery and functional-acknowledgment state',
    description:
      "The document's channel, attempts, control numbers and whether the partner's functional acknowledgment arrived.",
  })
  @ApiOkResponse({ content: { 'application/json': { example: EXAMPLE } } })
  get(@Param('id') id: string): Promise<OutboundDocument> {
    return this.outbound.get(id);
  }

  @Get(':id/content')
  @Allow({ system: ['operations:read'], roles: ['buyer', 'admin'] })
  @ApiOperation({
    summary: 'The exact bytes sent (X12, EDIFACT or partner JSON)',
    description: `The archived payload, byte for byte, with its content type. ${CHARSET_RULE}`,
  })
  @ApiProduces(...Object.keys(CONTENT_EXAMPLES))
  @ApiOkResponse({
    description: 'The bytes as sent, e.g. `Content-Type: application/edi-x12; charset=UTF-8`',
    content: CONTENT_EXAMPLES,
  })
  async content(@Param('id') id: string, @Res() response: Response): Promise<void> {
    await sendContent(response, this.outbound, await this.outbound.get(id));
  }

  @Post(':id/resend')
  @HttpCode(200)
  @Allow({ system: ['operations:write'], roles: ['admin'] })
  @ApiOperation({
    summary: 'Deliver a failed, waiting or cancelled document again (same bytes, same control numbers)',
    description:
      'Queues the same payload again; the partner sees the same control numbers, so a repeat is recognised as one. Audited. ' +
      "The document's acknowledgment clocks start again when the resend delivers it (or offers it for pickup): the " +
      'business answer and the 997/CONTRL are due from then, and `deliveredAt` and `functionalAck.dueAt` are the ' +
      "resend's. The webhook-subscription messages a cancel withdrew are pending again. " +
      'A document in another state answers 409 (problem+json `outbound-state`), and so does one whose order the ERP has ' +
      'closed, or cancelled (all but the cancellation itself): nothing more goes to the supplier for it. So does one with a delivery job still ' +
      'unfinished (problem+json `outbound-busy`): a try of a cancelled round under way or queued for a retry, a replayed dead ' +
      "letter, an AS2 MDN's wake-up — it would run next to the resend, and the round concluding first would decide the " +
      'document; the detail says whether the job is under way or queued, and until when. Resend once it has finished.',
  })
  @ApiResponse(
    problemResponse(409, 'outbound-busy', 'Not in a state to resend, or a delivery job of it is unfinished', {
      detail:
        'document 812 is not sent again now: a delivery job of it (outbox row 1077) is still queued (due 2026-11-27T10:31:02.000000Z); ' +
        'resend it once that job has finished, if it is still needed',
      instance: '/admin/outbound-documents/812/resend',
    }),
  )
  @ApiOkResponse({ content: { 'application/json': { example: { ...EXAMPLE, status: 'pending' } } } })
  resend(@Param('id') id: string, @CurrentPrincipal() actor: Principal): Promise<OutboundDocument> {
    return this.outbound.resend(id, actor);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @Allow({ system: ['operations:write'], roles: ['admin'] })
  @ApiOperation({
    summary: 'Withdraw a document that was not delivered',
    description:
      'Cancels delivery of a document still pending, failed, waiting for its transport or offered for pickup and not ' +
      'fetched; it stays in the archive, its detail the note. Audited. Its functional-acknowledgment clock stops: no ' +
      '`interchange.unacknowledged` case is raised for it, and it counts as no acknowledgment request (SLA, scorecard, ' +
      'partner health). In the same transaction its open `outbound.delivery-failed` or `interchange.unacknowledged` ' +
      'case is resolved, noting who cancelled it and why (`cancelled by user ops@example.com: sent by mail`), and the ' +
      'webhook-subscription messages announcing it that have not reached their subscriber are withdrawn. A try already ' +
      'under way runs to its end: if the partner gets the document all the same, it becomes delivered, saying so. ' +
      'A document in another state answers 409 (problem+json).',
  })
  @ApiOkResponse({ content: { 'application/json': { example: { ...EXAMPLE, status: 'cancelled' } } } })
  cancel(
    @Param('id') id: string,
    @Body(new ZodBody(cancelBody)) body: z.output<typeof cancelBody>,
    @CurrentPrincipal() actor: Principal,
  ): Promise<OutboundDocument> {
    return this.withdrawals.cancel(id, actor, body.note);
  }
}

/**
 * Partners that pull their documents through the API (delivery channel `api`), or want to see what was
 * sent to them over any channel: their own documents only; another partner's id is 404.
 */
@ApiTags('partner API')
@ApiBearerAuth()
@ApiPartnerAccessResponses()
@Controller('partner/v1/outbound-documents')
export class PartnerOutboundController {
  constructor(
    private readonly outbound: OutboundDeliveryService,
    private readonly documents: OutboundDocumentRepository,
  ) {}

  @Get()
  @Allow({ partner: ['orders:read'], roles: ['supplier-user', 'supplier-admin'] })
  @ApiOperation({
    summary: 'Documents sent to you, newest first; status=awaiting-pickup lists what to fetch',
    description:
      'The orders, changes and acknowledgments the gateway addressed to you; with delivery channel `api` they wait here for pickup. Only your own documents are listed.',
  })
  @ApiOkResponse({
    content: {
      'application/json': {
        example: { items: [{ ...EXAMPLE, channel: 'api', status: 'awaiting-pickup' }], nextCursor: null },
      },
    },
  })
  async list(
    @Query(new ZodBody(partnerQuery)) query: z.output<typeof partnerQuery>,
    @CurrentPrincipal() principal: Principal,
  ) {
    const partnerId = actingPartner(principal)!;
    return page(await this.documents.list({ ...query, partnerId }), query.limit);
  }

  @Get(':id')
  @Allow({ partner: ['orders:read'], roles: ['supplier-user', 'supplier-admin'] })
  @ApiOperation({
    summary: 'One document sent to you',
    description: "Its type, order, control numbers and delivery state; another partner's id answers 404.",
  })
  @ApiOkResponse({ content: { 'application/json': { example: EXAMPLE } } })
  async get(@Param('id') id: string, @CurrentPrincipal() principal: Principal): Promise<OutboundDocument> {
    return this.own(id, principal);
  }

  @Get(':id/content')
  @Allow({ partner: ['orders:read'], roles: ['supplier-user', 'supplier-admin'] })
  @ApiOperation({
    summary: 'The document itself, exactly as sent (X12, EDIFACT or partner JSON)',
    description: `The payload as the gateway rendered it for you, with its content type. ${CHARSET_RULE}`,
  })
  @ApiProduces(...Object.keys(CONTENT_EXAMPLES))
  @ApiOkResponse({
    description: 'The bytes as sent, e.g. `Content-Type: application/edi-x12; charset=UTF-8`',
    content: CONTENT_EXAMPLES,
  })
  async content(
    @Param('id') id: string,
    @CurrentPrincipal() principal: Principal,
    @Res() response: Response,
  ): Promise<void> {
    await sendContent(response, this.outbound, await this.own(id, principal));
  }

  @Post(':id/received')
  @HttpCode(200)
  @Allow({ partner: ['orders:read'] })
  @ApiOperation({
    summary: 'Confirm you fetched a document offered for pickup (it is then no longer listed as awaiting)',
    description:
      'Marks the document picked up, so it no longer appears in status=awaiting-pickup; repeating it changes nothing.',
  })
  @ApiOkResponse({
    content: { 'application/json': { example: { ...EXAMPLE, channel: 'api', status: 'picked-up' } } },
  })
  async received(
    @Param('id') id: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<OutboundDocument> {
    return this.outbound.confirmPickup(actingPartner(principal)!, id);
  }

  private async own(id: string, principal: Principal): Promise<OutboundDocument> {
    const document = await this.documents.get(id);
    if (!document || document.partnerId !== actingPartner(principal))
      throw new NotFoundException(new OutboundNotFoundError(id).message);
    return document;
  }
}
