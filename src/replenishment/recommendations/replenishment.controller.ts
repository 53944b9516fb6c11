import { Body, Controller, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { Allow } from '../../gateway/access-rules.js';
import { CurrentPrincipal } from '../../gateway/current-principal.decorator.js';
import type { Principal } from '../../gateway/principal.js';
import { ZodBody } from '../../platform/http/zod-body.pipe.js';
import { DEFAULT_POLICY } from '../policy/policy.repository.js';
import { RECOMMENDATION_STATES } from './recommendation.repository.js';
import { ReplenishmentService } from './replenishment.service.js';

const READ = { system: ['operations:read'], roles: ['buyer', 'admin'] } as const;
const DECIDE = { roles: ['buyer', 'admin'] } as const;
const OPERATE = { system: ['operations:write'], roles: ['buyer', 'admin'] } as const;

const dec = z.string().regex(/^\d{1,15}(\.\d{1,6})?$/, { error: 'expected an exact decimal string' });
const positiveDec = dec.refine((v) => !/^0+(\.0+)?$/.test(v), { error: 'expected a decimal above zero' });

const policyBody = z
  .strictObject({
    method: z.enum(['dynamic', 'standard']).default(DEFAULT_POLICY.method),
    serviceLevel: dec
      .refine((v) => Number(v) >= 0.5 && Number(v) < 1, {
        error: 'expected a service level from 0.5 up to (not including) 1',
      })
      .default(DEFAULT_POLICY.serviceLevel),
    smoothing: dec
      .refine((v) => Number(v) > 0 && Number(v) <= 1, {
        error: 'expected a smoothing factor above 0, at most 1',
      })
      .default(DEFAULT_POLICY.smoothing),
    historyDays: z.int().min(1).max(365).default(DEFAULT_POLICY.historyDays),
    minHistoryDays: z.int().min(1).max(365).default(DEFAULT_POLICY.minHistoryDays),
    leadTimeSource: z.enum(['source-list', 'measured', 'policy']).default(DEFAULT_POLICY.leadTimeSource),
    leadTimeDays: z.int().min(0).max(3650).nullable().default(null),
    roundingQuantity: positiveDec.default(DEFAULT_POLICY.roundingQuantity),
    standardReorderPoint: dec.nullable().default(null),
    standardSafetyStock: dec.nullable().default(null),
    standardQuantity: positiveDec.nullable().default(null),
    coverageDays: z.int().min(0).max(365).default(DEFAULT_POLICY.coverageDays),
    autoApply: z.boolean().default(false),
    autoMaxQuantity: dec.nullable().default(null),
    autoMaxValue: dec.nullable().default(null),
    ownerUserId: z.uuid().nullable().default(null),
  })
  .refine((p) => p.leadTimeSource !== 'policy' || p.leadTimeDays !== null, {
    error: 'leadTimeSource policy needs leadTimeDays',
    path: ['leadTimeDays'],
  })
  .refine((p) => p.minHistoryDays <= p.historyDays, {
    error: 'minHistoryDays cannot exceed historyDays',
    path: ['minHistoryDays'],
  });

const listQuery = z.strictObject({
  state: z.enum(RECOMMENDATION_STATES).optional(),
  plant: z.string().min(1).max(10).optional(),
  material: z.string().min(1).max(40).optional(),
  poNumber: z.string().min(1).max(35).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
const approveBody = z.strictObject({
  note: z.string().trim().min(1).max(2000).optional(),
  quantity: positiveDec.optional(),
  deliveryDate: z.iso.date().optional(),
});
const rejectBody = z.strictObject({ note: z.string().trim().min(1).max(2000) });

const POLICY_EXAMPLE = {
  plant: '1000',
  material: 'CMP-BOLT-M8',
  method: 'dynamic',
  serviceLevel: '0.95',
  smoothing: '0.3',
  historyDays: 28,
  minHistoryDays: 7,
  leadTimeSource: 'source-list',
  leadTimeDays: null,
  roundingQuantity: '100',
  standardReorderPoint: '2400',
  standardSafetyStock: '800',
  standardQuantity: '5000',
  coverageDays: 14,
  autoApply: true,
  autoMaxQuantity: '10000',
  autoMaxValue: '500',
  ownerUserId: '5b1f8c2e-3d4a-4f6b-9c1d-0a1b2c3d4e5f',
  updatedBy: 'user buyer@manufacturer.example.com',
  updatedAt: '2026-11-27T08:00:00.000000Z',
  isDefault: false,
};

const DECISION_EXAMPLE = {
  id: '42',
  plant: '1000',
  material: 'CMP-BOLT-M8',
  computedAt: '2026-11-27T08:15:03.102311Z',
  basis: 'dynamic',
  reorderPoint: '848',
  safetyStock: '148',
  averageDailyUsage: '140',
  leadTimeDays: 5,
  position: '800',
  below: true,
  triggerProducerKey: '1000/MES-4711/0',
  inputs: {
    today: '2026-11-27',
    timezone: 'Europe/Berlin',
    usage: {
      from: '2026-11-23',
      to: '2026-11-27',
      daily: ['100', '100', '100', '100', '180'],
      daysOfHistory: 30,
    },
    leadTime: { days: 5, source: 'source-list', deviationDays: '0' },
    supplier: 'acme-fasteners',
    threshold: {
      basis: 'dynamic',
      reorderPoint: '848',
      safetyStock: '148',
      averageDailyUsage: '140',
      usageDeviation: '40',
      z: '1.6449',
      leadTimeDays: 5,
      reason: 'dynamic: 5-day usage series, α 0.5, service level 0.95, lead time 5 day(s) (source-list)',
    },
    assessment: {
      position: '800',
      below: true,
      shortageDate: '2026-12-02',
      belowSafetyStockDate: '2026-12-01',
    },
  },
};

const RECOMMENDATION_EXAMPLE = {
  id: '0f6d3a52-7c1e-4b2a-9e3d-5a7b9c1d2e3f',
  crossingKey: '1000/CMP-BOLT-M8/1000/MES-4711/0#1',
  plant: '1000',
  material: 'CMP-BOLT-M8',
  unit: 'H87',
  action: 'expedite',
  state: 'applied',
  automatic: true,
  policyReason: "applied automatically: within the policy's limits (quantity ≤ 10000, value ≤ 500)",
  ownerUserId: '5b1f8c2e-3d4a-4f6b-9c1d-0a1b2c3d4e5f',
  supplier: 'acme-fasteners',
  poNumber: '4500000001',
  lineNumber: '10',
  poRevision: 0,
  currentDueDate: '2026-12-06',
  newDeliveryDate: '2026-12-01',
  newQuantity: null,
  addedQuantity: '0',
  neededBy: '2026-12-01',
  shortageDate: '2026-12-02',
  value: '84',
  currency: 'EUR',
  explanation:
    'position 800 at the end of the 5-day lead time is below the reorder point 848; stock runs out on 2026-12-02 at 140 a day; PO 4500000001 line 10 due 2026-12-06 is pulled in to 2026-12-01.',
  productionOrders: [
    { productionOrder: 'PRD-7001', workCenter: 'LINE-4', lastReportedAt: '2026-11-27T08:15:00Z' },
  ],
  decisionId: '42',
  postingId: '311',
  changeRevision: null,
  exceptionId: null,
  answer: null,
  decidedBy: 'system client replenishment policy',
  decidedAt: '2026-11-27T08:15:03.102311Z',
  note: null,
  correlationId: 'prod:PRD-7001',
  causationId: '2b9c4f7e-1a3d-4c5b-8e9f-0a1b2c3d4e5f',
  createdAt: '2026-11-27T08:15:03.102311Z',
  updatedAt: '2026-11-27T08:15:03.102311Z',
};

/** Reorder policies, the reorder points the gateway computed (with every input), and recommendations. */
@ApiTags('replenishment')
@ApiBearerAuth()
@Controller('replenishment/v1')
export class ReplenishmentController {
  constructor(private readonly replenishment: ReplenishmentService) {}

  @Get('policies')
  @Allow(READ)
  @ApiOperation({
    summary: 'Stored reorder policies (materials without one use the defaults)',
    description:
      'Every stored policy, or those of one plant; a material without a row uses the defaults of GET policies/{plant}/{material}.',
  })
  @ApiQuery({ name: 'plant', required: false, example: '1000' })
  @ApiOkResponse({ content: { 'application/json': { example: [POLICY_EXAMPLE] } } })
  listPolicies(@Query('plant') plant?: string) {
    return this.replenishment.listPolicies(plant ?? null);
  }

  @Get('policies/:plant/:material')
  @Allow(READ)
  @ApiOperation({
    summary: "A material's reorder policy at a plant",
    description: 'The stored policy, or the defaults (`isDefault: true`) when none is stored.',
  })
  @ApiOkResponse({ content: { 'application/json': { example: POLICY_EXAMPLE } } })
  policy(@Param('plant') plant: string, @Param('material') material: string) {
    return this.replenishment.policy(plant, material);
  }

  @Put('policies/:plant/:material')
  @Allow(DECIDE)
  @ApiOperation({
    summary: "Set a material's reorder policy and its automatic limits (audited)",
    description:
      'method `dynamic` (exponentially weighted usage, lead time, safety stock from variability and service level) or `standard` (the standard figures); `autoApply` with `autoMaxQuantity` / `autoMaxValue` decides what is applied without a buyer. Omitted fields take their defaults.',
  })
  @ApiOkResponse({ content: { 'application/json': { example: POLICY_EXAMPLE } } })
  putPolicy(
    @Param('plant') plant: string,
    @Param('material') material: string,
    @Body(new ZodBody(policyBody)) body: z.output<typeof policyBody>,
    @CurrentPrincipal() principal: Principal,
  ) {
    return this.replenishment.putPolicy(plant, material, body, principal);
  }

  @Get('reorder-points/:plant/:material')
  @Allow(READ)
  @ApiOperation({
    summary: 'The latest reorder point of a material, with every input it was computed from',
    description:
      'The usage series, smoothing, service level and z, the lead time and its source, the balance and projection, and the comparison that decided whether the material is below its reorder point.',
  })
  @ApiOkResponse({ content: { 'application/json': { example: DECISION_EXAMPLE } } })
  reorderPoint(@Param('plant') plant: string, @Param('material') material: string) {
    return this.replenishment.latestDecision(plant, material);
  }

  @Post('evaluations/:plant/:material')
  @HttpCode(200)
  @Allow(OPERATE)
  @ApiOperation({
    summary: 'Evaluate a material now (the loop does so every few seconds after its balance moves)',
    description:
      'Computes the reorder point, stores it with its inputs, and raises a recommendation on a new crossing (once per crossing).',
  })
  @ApiOkResponse({
    content: {
      'application/json': {
        example: {
          plant: '1000',
          material: 'CMP-BOLT-M8',
          decision: DECISION_EXAMPLE,
          recommendation: RECOMMENDATION_EXAMPLE,
        },
      },
    },
  })
  evaluate(@Param('plant') plant: string, @Param('material') material: string) {
    return this.replenishment.evaluate(plant, material);
  }

  @Get('recommendations')
  @Allow(READ)
  @ApiOperation({
    summary: 'Replenishment recommendations, newest first',
    description:
      'One per crossing of a reorder point: action, owner, state (proposed, applied, confirmed, refused, rejected, failed), the change and why.',
  })
  @ApiQuery({ name: 'state', required: false, enum: RECOMMENDATION_STATES })
  @ApiQuery({ name: 'plant', required: false, example: '1000' })
  @ApiQuery({ name: 'material', required: false, example: 'CMP-BOLT-M8' })
  @ApiQuery({ name: 'poNumber', required: false, example: '4500000001' })
  @ApiQuery({ name: 'limit', required: false, type: Number, example: 100 })
  @ApiOkResponse({ content: { 'application/json': { example: [RECOMMENDATION_EXAMPLE] } } })
  list(@Query(new ZodBody(listQuery)) query: z.output<typeof listQuery>) {
    return this.replenishment.list(query);
  }

  @Get('recommendations/:id')
  @Allow(READ)
  @ApiOperation({
    summary: 'One recommendation with its reorder-point decision and where its change stands',
    description:
      'tracking: the ERP posting, the change documents sent to the supplier, the buyer case of a refusal.',
  })
  @ApiOkResponse({
    content: {
      'application/json': {
        example: {
          ...RECOMMENDATION_EXAMPLE,
          decision: DECISION_EXAMPLE,
          tracking: {
            erpPosting: {
              id: '311',
              kind: 'po-change',
              status: 'posted',
              documentNumber: 'SIM-CHG-000311',
              lastError: null,
            },
            supplierDocuments: [
              {
                id: '57',
                poRevision: 1,
                messageType: '860',
                channel: 'api',
                status: 'awaiting-pickup',
                deliveredAt: null,
              },
            ],
            exceptionId: null,
          },
        },
      },
    },
  })
  get(@Param('id') id: string) {
    return this.replenishment.get(id);
  }

  @Post('recommendations/:id/approve')
  @HttpCode(200)
  @Allow(DECIDE)
  @ApiOperation({
    summary:
      'Approve a proposed recommendation (optionally another quantity or date): requested from the ERP',
    description:
      'The change is posted to the ERP as a po-change (or po-request for a new order) once; the ERP’s accepted change reaches the supplier by the instance’s poChangeDelivery. Audited.',
  })
  @ApiOkResponse({ content: { 'application/json': { example: RECOMMENDATION_EXAMPLE } } })
  approve(
    @Param('id') id: string,
    @Body(new ZodBody(approveBody)) body: z.output<typeof approveBody>,
    @CurrentPrincipal() principal: Principal,
  ) {
    const { note, ...modification } = body;
    return this.replenishment.approve(id, principal, note ?? null, modification);
  }

  @Post('recommendations/:id/reject')
  @HttpCode(200)
  @Allow(DECIDE)
  @ApiOperation({
    summary: 'Reject a proposed recommendation, with a note (audited); nothing reaches the ERP',
    description:
      'The crossing keeps this recommendation: no other is raised until the material is back above its reorder point and crosses again.',
  })
  @ApiOkResponse({
    content: {
      'application/json': {
        example: { ...RECOMMENDATION_EXAMPLE, state: 'rejected', note: 'line 4 stops Friday' },
      },
    },
  })
  reject(
    @Param('id') id: string,
    @Body(new ZodBody(rejectBody)) body: z.output<typeof rejectBody>,
    @CurrentPrincipal() principal: Principal,
  ) {
    return this.replenishment.reject(id, principal, body.note);
  }
}
