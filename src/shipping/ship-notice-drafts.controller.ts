import { Body, Controller, Get, HttpCode, Param, Post, Put, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { z } from 'zod';
import { Allow } from '../gateway/access-rules.js';
import { CurrentPrincipal } from '../gateway/current-principal.decorator.js';
import { actingPartner, type Principal } from '../gateway/principal.js';
import { PartnerRegistry } from '../partners/partner-registry.js';
import { ZodBody } from '../platform/http/zod-body.pipe.js';
import { AsnBuilderService } from './asn-builder.service.js';
import { DRAFT_STATUSES, type ShipNoticeDraft } from './asn-draft.js';
import { labelSheet } from './labels.js';
import { DRAFT_EXAMPLE, LABEL_SHEET_EXAMPLE } from './ship-notice-draft.examples.js';
import { ApiPartnerAccessResponses } from '../gateway/access-openapi.js';

const createBody = z.looseObject({
  shipmentNumber: z
    .string()
    .regex(
      /^[A-Za-z0-9][A-Za-z0-9._/-]{0,34}$/,
      'expected a shipment number of 1-35 letters, digits, . _ / -',
    )
    .optional(),
});
const anyBody = z.looseObject({});
const listQuery = z.strictObject({
  status: z.enum(DRAFT_STATUSES).optional(),
  before: z
    .string()
    .regex(/^\d{1,18}$/, 'expected a draft id')
    .optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

const ALLOW = { partner: ['ship-notices:write'], roles: ['supplier-user', 'supplier-admin'] } as const;

/**
 * The ASN builder over HTTP (docs/asn-builder.md): a supplier without EDI software — or a program
 * that would rather not write 856s — builds a ship notice here, gets SSCCs from its GS1 Company
 * Prefix, checks it, submits, replaces or cancels it, and prints its carton labels. The portal's
 * pages use the same service. Scoped by the caller's partner: another partner's draft answers 404.
 */
@ApiTags('partner ship notices')
@ApiBearerAuth()
@ApiPartnerAccessResponses()
@Controller('partner/v1/ship-notice-drafts')
export class ShipNoticeDraftsController {
  constructor(
    private readonly builder: AsnBuilderService,
    private readonly partners: PartnerRegistry,
  ) {}

  @Get()
  @Allow(ALLOW)
  @ApiOperation({
    summary: 'Your ship notice drafts and submitted notices, newest first',
    description:
      'Filter by `status` (draft, submitted, cancelled); cursor pagination with `before` (a draft id).',
  })
  @ApiOkResponse({
    content: { 'application/json': { example: { items: [DRAFT_EXAMPLE], nextCursor: null } } },
  })
  async list(
    @Query(new ZodBody(listQuery)) query: z.output<typeof listQuery>,
    @CurrentPrincipal() principal: Principal,
  ) {
    const items = await this.builder.list(actingPartner(principal)!, query);
    return { items, nextCursor: items.length === query.limit ? items[items.length - 1]!.id : null };
  }

  @Post()
  @Allow(ALLOW)
  @ApiOperation({
    summary: 'Start a ship notice: pallets, cartons and order lines; packs without an SSCC get one',
    description:
      'The draft is saved as it is, complete or not (POST …/validate says what is missing). `shipmentNumber` is yours to give (your packing slip) or made up (ASN-<date>-<id>). SSCCs come from the GS1 Company Prefix in your partner profile (`shipping.gs1CompanyPrefix`); without one, type the SSCCs of your labels yourself (or ask the buyer to set the prefix), else validate and submit answer `sscc` problems.',
  })
  @ApiCreatedResponse({ content: { 'application/json': { example: DRAFT_EXAMPLE } } })
  async create(
    @Body(new ZodBody(createBody)) input: z.output<typeof createBody>,
    @CurrentPrincipal() principal: Principal,
  ): Promise<ShipNoticeDraft> {
    const { shipmentNumber, ...body } = input;
    return this.builder.create(actingPartner(principal)!, { shipmentNumber, body }, principal);
  }

  @Get(':id')
  @Allow(ALLOW)
  @ApiOperation({
    summary: 'One draft or submitted notice',
    description:
      "With its pallets, cartons, items and SSCCs, its state and the revision sent last; another partner's id answers 404.",
  })
  @ApiOkResponse({ content: { 'application/json': { example: DRAFT_EXAMPLE } } })
  async get(@Param('id') id: string, @CurrentPrincipal() principal: Principal) {
    return this.builder.own(actingPartner(principal)!, id);
  }

  @Put(':id')
  @Allow(ALLOW)
  @ApiOperation({
    summary: 'Save the draft again (a submitted notice too: submitting it again sends a replacement)',
    description:
      "The body replaces the draft's; packs without an SSCC get one. A cancelled notice cannot be changed (409), nor one while a revision of it is being sent (409: try again once it is sent).",
  })
  @ApiOkResponse({ content: { 'application/json': { example: DRAFT_EXAMPLE } } })
  async update(
    @Param('id') id: string,
    @Body(new ZodBody(anyBody)) body: z.output<typeof anyBody>,
    @CurrentPrincipal() principal: Principal,
  ) {
    return this.builder.update(actingPartner(principal)!, id, body, principal);
  }

  @Post(':id/validate')
  @HttpCode(200)
  @Allow(ALLOW)
  @ApiOperation({
    summary: 'What must change before the notice can be submitted',
    description:
      'Every problem, each with the path in the draft it is about: quantities against the open, acknowledged order lines and your tolerance (counting your other ship notices), units, lots for lot-managed materials, SSCCs, cartons holding one order each.',
  })
  @ApiOkResponse({
    content: {
      'application/json': {
        example: {
          ready: false,
          problems: [
            {
              path: 'pallets.0.cartons.1.items.0.quantity.value',
              code: 'over-shipment',
              message:
                'line 10 of 4500000002: 150 H87 shipped in all (0 before this notice) against 140 ordered',
            },
          ],
        },
      },
    },
  })
  async validate(@Param('id') id: string, @CurrentPrincipal() principal: Principal) {
    const problems = await this.builder.validate(actingPartner(principal)!, id);
    return { ready: problems.length === 0, problems };
  }

  @Post(':id/submit')
  @HttpCode(200)
  @Allow(ALLOW)
  @ApiOperation({
    summary: 'Send the notice (the original, or a replacement when it was sent before)',
    description:
      'Refused with 422 and every problem when it is not ready. It goes the way a JSON ship notice from the partner API goes: archived, then the same canonical event, the same matching against the orders and the same inbound delivery in the ERP as an 856. Submitting again while a revision is being sent, or after sending it was interrupted (a timeout, a 5xx), sends that same revision again, byte for byte, and answers when it is recorded: never two deliveries. 409 while a cancellation is being sent, or when the notice was cancelled.',
  })
  @ApiOkResponse({
    content: {
      'application/json': {
        example: {
          draft: { ...DRAFT_EXAMPLE, status: 'submitted', revision: 0, interchangeId: '5120' },
          submission: {
            interchangeId: '5120',
            status: 'processed',
            format: 'json',
            documentType: 'ship-notice',
            events: [],
            links: { self: '/partner/v1/documents/5120', acknowledgment: null },
          },
        },
      },
    },
  })
  async submit(@Param('id') id: string, @CurrentPrincipal() principal: Principal) {
    return this.builder.submit(actingPartner(principal)!, id, principal);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @Allow(ALLOW)
  @ApiOperation({
    summary: 'Withdraw the notice (a cancellation when it was sent; the ERP delivery is reversed)',
    description:
      'A notice never sent is just closed. Cancelling twice changes nothing. Refused with 409 while a revision of the notice is being sent (the cancellation must follow it): cancel once the submit has answered; if that submit was interrupted, submit again first to finish it. A cancellation interrupted while being sent is finished by cancelling again.',
  })
  @ApiOkResponse({ content: { 'application/json': { example: { ...DRAFT_EXAMPLE, status: 'cancelled' } } } })
  async cancel(@Param('id') id: string, @CurrentPrincipal() principal: Principal) {
    return this.builder.cancel(actingPartner(principal)!, id, principal);
  }

  @Get(':id/labels')
  @Allow(ALLOW)
  @ApiOperation({
    summary:
      'The printable label sheet: one 4×6 in label per pallet and carton with the SSCC as GS1-128 (00)',
    description:
      "An HTML page to print at 100 %: ship-from, ship-to, carrier, shipment, purchase orders, contents and the SSCC barcode with its human-readable line; the partner's own template when its profile names one.",
  })
  @ApiOkResponse({
    description: 'An HTML page to print',
    content: { 'text/html': { example: LABEL_SHEET_EXAMPLE } },
  })
  async labels(
    @Param('id') id: string,
    @CurrentPrincipal() principal: Principal,
    @Res() response: Response,
  ): Promise<void> {
    const partnerId = actingPartner(principal)!;
    const draft = await this.builder.own(partnerId, id);
    const orders = await this.builder.ordersOf(partnerId, draft.body);
    const shipTo = [...orders.values()][0]?.order.shipTo ?? '';
    response
      .type('text/html')
      .set('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; img-src data:")
      .send(labelSheet(draft, this.partners.require(partnerId), shipTo));
  }
}
