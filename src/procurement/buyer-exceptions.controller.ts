import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiConflictResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { EXCEPTION_STATES } from '../exceptions/exception-state.js';
import { ExceptionService } from '../exceptions/exception.service.js';
import { ALL_PARTNERS, type ExceptionCase } from '../exceptions/exception.types.js';
import { Allow } from '../gateway/access-rules.js';
import { CurrentPrincipal } from '../gateway/current-principal.decorator.js';
import type { Principal } from '../gateway/principal.js';
import { ZodBody } from '../platform/http/zod-body.pipe.js';
import { BULK_ACCEPT_LIMIT, BuyerDecisionService } from './buyer-decision.service.js';

const listQuery = z.object({
  state: z.enum(EXCEPTION_STATES).optional(),
  type: z.string().max(100).optional(),
  poNumber: z.string().max(35).optional(),
  plant: z.string().max(10).optional(),
  material: z.string().max(40).optional(),
  owner: z.string().max(64).optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
});
const noteBody = z.strictObject({ note: z.string().trim().min(1).max(2000).optional() });
const requiredNote = z.strictObject({ note: z.string().trim().min(1).max(2000) });
const counterBody = z.strictObject({
  note: z.string().trim().min(1).max(2000),
  quantity: z
    .string()
    .regex(/^\d{1,15}(\.\d{1,6})?$/)
    .optional(),
  deliveryDate: z.iso.date().optional(),
});
const bulkBody = z.strictObject({
  ids: z.array(z.uuid()).min(1).max(BULK_ACCEPT_LIMIT),
  note: z.string().trim().min(1).max(2000).optional(),
});

const CASE_EXAMPLE = {
  id: '8a3f2c1e-5b7d-4e9a-8c2f-1d3e5f7a9b0c',
  type: 'acknowledgment.date-changed',
  severity: 'high',
  summary: 'PO 4500000101 line 20: date changed by acme-fasteners',
  references: {
    partnerId: 'acme-fasteners',
    poNumber: '4500000101',
    poLine: '20',
    material: 'CMP-HOUSING-C1',
    plant: '1000',
    poRevision: 0,
  },
  differences: { deliveryDate: { expected: '2026-12-10', actual: '2026-12-15' } },
  impact: { valueAtRisk: '5390', currency: 'EUR', daysLate: 5 },
  state: 'accepted',
};

/** The buyer's exception queue and decisions (accept, counter, escalate, resolve, bulk accept). */
@ApiTags('buyer')
@ApiBearerAuth()
@Controller('buyer/v1/exceptions')
export class BuyerExceptionsController {
  constructor(
    private readonly exceptions: ExceptionService,
    private readonly decisions: BuyerDecisionService,
  ) {}

  @Get()
  @Allow({ roles: ['buyer', 'admin'] })
  @ApiOperation({
    summary: 'Exceptions, highest value at risk first; filter by state, type, PO, plant, material, owner',
    description:
      'The buyer workbench list: open cases first by value at risk; filter by state, type, PO, plant, material and owner, page with `cursor`.',
  })
  @ApiOkResponse({
    content: { 'application/json': { example: { items: [CASE_EXAMPLE], nextCursor: null } } },
  })
  list(@Query(new ZodBody(listQuery)) query: z.output<typeof listQuery>) {
    return this.exceptions.list({
      scope: ALL_PARTNERS,
      state: query.state,
      type: query.type,
      poNumber: query.poNumber,
      plant: query.plant,
      material: query.material,
      ...(query.owner ? { ownerUserId: query.owner === 'none' ? null : query.owner } : {}),
      cursor: query.cursor,
      limit: query.limit,
    });
  }

  @Get(':id')
  @Allow({ roles: ['buyer', 'admin'] })
  @ApiOperation({
    summary: 'One exception',
    description: 'The case with its references, what differs, business impact, owner and full history.',
  })
  @ApiOkResponse({ content: { 'application/json': { example: CASE_EXAMPLE } } })
  get(@Param('id') id: string): Promise<ExceptionCase> {
    return this.exceptions.get(id, ALL_PARTNERS);
  }

  @Post('accept')
  @HttpCode(200)
  @Allow({ roles: ['buyer', 'admin'] })
  @ApiOperation({
    summary: `Accept up to ${BULK_ACCEPT_LIMIT} exceptions, each on its own; the answer says which failed`,
    description:
      'Accepts each listed case on its own transaction; the answer lists the cases that could not be accepted and why.',
  })
  @ApiOkResponse({
    content: { 'application/json': { example: [{ id: CASE_EXAMPLE.id, ok: true, state: 'accepted' }] } },
  })
  acceptMany(
    @Body(new ZodBody(bulkBody)) body: z.output<typeof bulkBody>,
    @CurrentPrincipal() principal: Principal,
  ) {
    return this.decisions.acceptMany(body.ids, principal, body.note);
  }

  @Post(':id/accept')
  @HttpCode(200)
  @Allow({ roles: ['buyer', 'admin'] })
  @ApiOperation({
    summary: "Accept the supplier's deviation; a held line is confirmed to the ERP",
    description:
      'The buyer accepts what the supplier answered: the held line is confirmed to the ERP once and the case ' +
      'becomes accepted. A case raised from an answer to an order revision the order has moved on from (the ' +
      'ERP changed what the supplier sees since; `references.poRevision` against the revision sent last) is ' +
      'refused with 409 `procurement.case-superseded` and nothing changes: resolve it, or wait for the ' +
      "supplier's answer to the new revision.",
  })
  @ApiOkResponse({ content: { 'application/json': { example: CASE_EXAMPLE } } })
  @ApiConflictResponse({
    description:
      'The case answers a revision the order has moved on from (`procurement.case-superseded`), or its state ' +
      'does not allow accepting (`exception-invalid-transition`).',
    content: {
      'application/problem+json': {
        example: {
          type: 'urn:supplier-gateway:problem:procurement.case-superseded',
          title: 'Conflict',
          status: 409,
          detail:
            'This case answers revision 0 of PO 4500000101, and the order has changed since (the supplier now ' +
            'answers revision 1): accepting it would confirm values of the older revision. Resolve the case, ' +
            "or wait for the supplier's answer to revision 1.",
          instance: '/buyer/v1/exceptions/8a3f2c1e-5b7d-4e9a-8c2f-1d3e5f7a9b0c/accept',
        },
      },
    },
  })
  accept(
    @Param('id') id: string,
    @Body(new ZodBody(noteBody)) body: z.output<typeof noteBody>,
    @CurrentPrincipal() principal: Principal,
  ) {
    return this.decisions.accept(id, principal, body.note);
  }

  @Post(':id/counter')
  @HttpCode(200)
  @Allow({ roles: ['buyer', 'admin'] })
  @ApiOperation({
    summary: 'Propose another quantity or date: requested from the ERP as a PO change',
    description:
      'The buyer counters: the gateway asks the ERP for a PO change, which reaches the supplier as a new revision.',
  })
  @ApiOkResponse({ content: { 'application/json': { example: { ...CASE_EXAMPLE, state: 'countered' } } } })
  counter(
    @Param('id') id: string,
    @Body(new ZodBody(counterBody)) body: z.output<typeof counterBody>,
    @CurrentPrincipal() principal: Principal,
  ) {
    return this.decisions.counter(id, principal, body);
  }

  @Post(':id/escalate')
  @HttpCode(200)
  @Allow({ roles: ['buyer', 'admin'] })
  @ApiOperation({
    summary: 'Escalate with a note (notifies the owner)',
    description: 'Moves the case to escalated and notifies its owner by the configured channels.',
  })
  @ApiOkResponse({ content: { 'application/json': { example: { ...CASE_EXAMPLE, state: 'escalated' } } } })
  escalate(
    @Param('id') id: string,
    @Body(new ZodBody(requiredNote)) body: z.output<typeof requiredNote>,
    @CurrentPrincipal() principal: Principal,
  ) {
    return this.decisions.escalate(id, principal, body.note);
  }

  @Post(':id/resolve')
  @HttpCode(200)
  @Allow({ roles: ['buyer', 'admin'] })
  @ApiOperation({
    summary: 'Resolve with an optional note',
    description: 'Closes the case; its history keeps who resolved it and why.',
  })
  @ApiOkResponse({ content: { 'application/json': { example: { ...CASE_EXAMPLE, state: 'resolved' } } } })
  resolve(
    @Param('id') id: string,
    @Body(new ZodBody(noteBody)) body: z.output<typeof noteBody>,
    @CurrentPrincipal() principal: Principal,
  ) {
    return this.decisions.resolve(id, principal, body.note);
  }
}
