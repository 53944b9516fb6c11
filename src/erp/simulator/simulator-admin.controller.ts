import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { z } from 'zod';
import { Allow } from '../../gateway/access-rules.js';
import { ZodBody } from '../../platform/http/zod-body.pipe.js';
import { ErpConnections } from '../connections/erp-connections.js';
import { ErpCallError } from '../port/erp-errors.js';
import { ErpPostingError, ErpPostingErrorCode } from '../posting/erp-posting.exception.js';
import type { SimulatedErp } from './simulated-erp.js';
import {
  buyerChange,
  faultParams,
  faultRule,
  newPurchaseOrder,
  settingsUpdate,
} from './http/request-schemas.js';

const PO_EXAMPLE = {
  poNumber: '4500000001',
  revision: 0,
  supplier: 'acme-fasteners',
  plant: '1000',
  currency: 'EUR',
  orderDate: '2026-11-27',
  status: 'open',
  lines: [
    {
      lineNumber: '10',
      material: 'CMP-BOLT-M8',
      quantity: '4800',
      unit: 'EA',
      deliveryDate: '2026-12-04',
      netPrice: '0.042',
      status: 'open',
    },
  ],
  updatedAt: '2026-11-27T08:00:00.000000Z',
};

/**
 * The embedded ERP simulator, browsable and steerable by operators: its ledger, its purchase
 * orders (issue and change them like a buyer in the ERP), its output queue, faults and settings.
 * Present only when the simulator is a configured ERP instance.
 */
@ApiTags('erp-simulator')
@ApiBearerAuth()
@Controller('admin/erp-simulator')
export class SimulatorAdminController {
  constructor(private readonly connections: ErpConnections) {}

  @Get('documents')
  @Allow({ system: ['operations:read'], roles: ['admin'] })
  @ApiOperation({
    summary: 'Ledger documents (inbound deliveries, confirmations, receipts…) in number order',
    description:
      "The embedded ERP simulator's documents, for tests and demos: what the gateway posted, as the ERP recorded it.",
  })
  @ApiOkResponse({
    content: {
      'application/json': {
        example: {
          items: [
            {
              documentNumber: '1800000001',
              kind: 'inbound-delivery',
              poNumber: '4500000001',
              externalReference: 'SG-ID-SHP-1-0',
              status: 'active',
              revision: 0,
              body: {},
              updatedAt: '2026-11-27T08:01:00.000000Z',
            },
          ],
          next: null,
        },
      },
    },
  })
  documents(
    @Query('kind') kind?: string,
    @Query('poNumber') poNumber?: string,
    @Query('after') after?: string,
  ) {
    return this.simulator().reads.documents({ kind, poNumber, after });
  }

  @Get('entries')
  @Allow({ system: ['operations:read'], roles: ['admin'] })
  @ApiOperation({
    summary: 'The journal: every post, amendment and reversal the ERP recorded',
    description: "The simulator's journal of every call that changed its ledger, in order.",
  })
  @ApiOkResponse({
    content: {
      'application/json': {
        example: {
          items: [
            {
              entryId: '1',
              operation: 'post',
              kind: 'inbound-delivery',
              documentNumber: '1800000001',
              externalReference: 'SG-ID-SHP-1-0',
              idempotencyKey: 'inbound-delivery:SHP-1:rev-0',
              postedAt: '2026-11-27T08:01:00.000000Z',
              created: true,
            },
          ],
          next: null,
        },
      },
    },
  })
  entries(@Query('externalReference') externalReference?: string, @Query('after') after?: string) {
    return this.simulator().reads.entries({ externalReference, after });
  }

  @Get('duplicates')
  @Allow({ system: ['operations:read'], roles: ['admin'] })
  @ApiOperation({
    summary: 'External references with more than one effect of the same operation (should be empty)',
    description:
      'Effects the simulator recorded twice under one external reference; any entry here is an exactly-once violation.',
  })
  @ApiOkResponse({ content: { 'application/json': { example: [] } } })
  duplicates() {
    return this.simulator().reads.duplicateEffects();
  }

  @Get('purchase-orders/:poNumber')
  @Allow({ system: ['operations:read'], roles: ['buyer', 'admin'] })
  @ApiOperation({
    summary: 'A purchase order as the ERP holds it',
    description: "The simulator's own copy of the order (revision, lines, confirmations).",
  })
  @ApiOkResponse({ content: { 'application/json': { example: PO_EXAMPLE } } })
  async purchaseOrder(@Param('poNumber') poNumber: string) {
    const po = await this.simulator().purchaseOrders.read(poNumber);
    if (!po) throw new ErpPostingError(ErpPostingErrorCode.NotFound, `no purchase order ${poNumber}`);
    return po;
  }

  @Post('purchase-orders')
  @Allow({ system: ['operations:write'], roles: ['buyer', 'admin'] })
  @ApiOperation({
    summary: 'Issue a purchase order in the ERP, as a buyer would; it goes to the output queue',
    description:
      "Creates an order in the simulator; the output relay brings it to the gateway like a real ERP's output.",
  })
  @ApiOkResponse({ content: { 'application/json': { example: PO_EXAMPLE } } })
  issue(@Body(new ZodBody(newPurchaseOrder)) order: z.output<typeof newPurchaseOrder>) {
    const orderDate = order.orderDate ?? new Date().toISOString().slice(0, 10);
    return this.refusals(() => this.simulator().purchaseOrders.issue({ ...order, orderDate }));
  }

  @Post('purchase-orders/:poNumber/changes')
  @HttpCode(200)
  @Allow({ system: ['operations:write'], roles: ['buyer', 'admin'] })
  @ApiOperation({
    summary: 'Change or cancel a purchase order in the ERP, as a buyer would',
    description:
      'Makes a new revision of the order in the simulator (quantities, dates, cancellation), as a buyer would in the ERP.',
  })
  @ApiOkResponse({ content: { 'application/json': { example: { ...PO_EXAMPLE, revision: 1 } } } })
  change(
    @Param('poNumber') poNumber: string,
    @Body(new ZodBody(buyerChange)) change: z.output<typeof buyerChange>,
  ) {
    return this.refusals(() => this.simulator().purchaseOrders.change(poNumber, change));
  }

  @Get('outputs')
  @Allow({ system: ['operations:read'], roles: ['admin'] })
  @ApiOperation({
    summary: "The ERP's output queue: purchase orders and changes it sends to suppliers",
    description:
      "Orders and changes waiting in the simulator's output for the relay, with their delivery state.",
  })
  @ApiOkResponse({
    content: {
      'application/json': {
        example: [
          {
            id: '1',
            poNumber: '4500000001',
            revision: 0,
            message: 'po-issued',
            purchaseOrder: PO_EXAMPLE,
            createdAt: '2026-11-27T08:00:00.000000Z',
            deliveredAt: null,
          },
        ],
      },
    },
  })
  outputs(@Query('undelivered') undelivered?: string) {
    return this.simulator().purchaseOrders.outputs({ undeliveredOnly: undelivered === 'true' });
  }

  @Get('faults')
  @Allow({ system: ['operations:read'], roles: ['admin'] })
  @ApiOperation({
    summary: 'Fault rules and how often each fired',
    description:
      'The faults the simulator injects (unavailable, lost answers, rejections) per operation, with their counters.',
  })
  @ApiOkResponse({
    content: {
      'application/json': {
        example: [
          {
            operation: 'post',
            mode: 'drop-answer',
            rate: 0.2,
            delayMs: 0,
            until: null,
            remaining: null,
            injected: 17,
          },
        ],
      },
    },
  })
  faults() {
    return this.simulator().faults.list();
  }

  @Put('faults/:operation/:mode')
  @Allow({ system: ['operations:write'], roles: ['admin'] })
  @ApiOperation({
    summary: 'Set the fault rule of an operation (post, amend, reverse, read, *) and mode',
    description: 'An outage window is `until` (an instant) or `forMs` (from now).',
  })
  @ApiParam({
    name: 'operation',
    description: 'post, amend, reverse, read or * (every operation)',
    example: '*',
  })
  @ApiParam({ name: 'mode', description: 'How the operation fails', example: 'fail' })
  @ApiOkResponse({
    content: {
      'application/json': {
        example: [
          {
            operation: '*',
            mode: 'fail',
            rate: 1,
            delayMs: 0,
            until: '2026-11-27T09:00:30.000Z',
            remaining: null,
            injected: 0,
          },
        ],
      },
    },
  })
  async setFault(
    @Param(new ZodBody(faultParams)) params: z.output<typeof faultParams>,
    @Body(new ZodBody(faultRule)) rule: z.output<typeof faultRule>,
  ) {
    const until = rule.forMs ? new Date(Date.now() + rule.forMs) : rule.until ? new Date(rule.until) : null;
    await this.simulator().faults.set({ ...params, ...rule, until, remaining: rule.remaining ?? null });
    return this.simulator().faults.list();
  }

  @Delete('faults')
  @Allow({ system: ['operations:write'], roles: ['admin'] })
  @ApiOperation({
    summary: 'Remove every fault rule; answers the (empty) rule list',
    description: 'Turns fault injection off for every operation.',
  })
  @ApiOkResponse({ content: { 'application/json': { example: [] } } })
  async clearFaults() {
    await this.simulator().faults.clear();
    return this.simulator().faults.list();
  }

  @Get('settings')
  @Allow({ system: ['operations:read'], roles: ['admin'] })
  @ApiOperation({
    summary: 'Whether the simulator honours idempotency keys and outputs PO changes itself',
    description:
      "The simulator's behaviour switches: idempotency keys honoured or ignored, PO changes output by the ERP or by the gateway.",
  })
  @ApiOkResponse({
    content: { 'application/json': { example: { idempotency: 'honour', outputPoChanges: false } } },
  })
  settings() {
    return this.simulator().faults.settings();
  }

  @Put('settings')
  @Allow({ system: ['operations:write'], roles: ['admin'] })
  @ApiOperation({
    summary: 'Change the simulator settings',
    description: 'Sets the behaviour switches; takes effect for the next call.',
  })
  @ApiOkResponse({
    content: { 'application/json': { example: { idempotency: 'ignore', outputPoChanges: false } } },
  })
  setSettings(@Body(new ZodBody(settingsUpdate)) settings: z.output<typeof settingsUpdate>) {
    return this.simulator().faults.setSettings(settings);
  }

  private simulator(): SimulatedErp {
    const simulator = this.connections.embeddedSimulator();
    if (!simulator) {
      throw new ErpPostingError(ErpPostingErrorCode.NotFound, 'no embedded ERP simulator is configured');
    }
    return simulator;
  }

  /** The ERP's business refusals (no such order, cancelled) answer 409 with its reasons. */
  private async refusals<T>(action: () => Promise<T>): Promise<T> {
    try {
      return await action();
    } catch (error) {
      if (error instanceof ErpCallError && error.failure === 'rejected') {
        throw new ErpPostingError(ErpPostingErrorCode.ErpRefused, error.message, error.details);
      }
      throw error;
    }
  }
}
