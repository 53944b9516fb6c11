import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { Allow } from '../gateway/access-rules.js';
import { ZodBody } from '../platform/http/zod-body.pipe.js';
import { OrderIntakeService } from './order-intake.service.js';
import { ProcurementError, ProcurementErrorCode } from './procurement.exception.js';
import { PurchaseOrderRepository } from './purchase-order.repository.js';

const decimal = z.string().regex(/^\d{1,15}(\.\d{1,6})?$/, { error: 'expected an exact decimal string' });

/** The body an ERP (or its middleware) sends: the whole order at one revision. */
export const erpOrderSnapshot = z.strictObject({
  poNumber: z.string().min(1).max(35),
  revision: z.int().min(0),
  partnerId: z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, { error: 'expected a partner id' }),
  plant: z.string().min(1).max(10).nullable().optional(),
  currency: z.string().regex(/^[A-Z]{3}$/, { error: 'expected an ISO 4217 code' }),
  orderDate: z.iso.date(),
  shipTo: z.string().min(1).max(35).nullable().optional(),
  // `completed` is how some ERPs name a closed order (nothing more is expected against it).
  status: z
    .enum(['open', 'cancelled', 'closed', 'completed'])
    .transform((s) => (s === 'completed' ? 'closed' : s)),
  buyer: z
    .strictObject({ name: z.string().max(128).optional(), email: z.email().optional() })
    .nullable()
    .optional(),
  reason: z.string().max(1024).nullable().optional(),
  lines: z
    .array(
      z.strictObject({
        lineNumber: z.string().min(1).max(10),
        material: z.string().min(1).max(40),
        quantity: decimal,
        unit: z.string().regex(/^[A-Z0-9]{2,3}$/, { error: 'expected a UN/ECE Rec 20 unit code' }),
        netPrice: decimal.nullable().optional(),
        deliveryDate: z.iso.date(),
        status: z.enum(['open', 'cancelled', 'delivered']).default('open'),
      }),
    )
    .min(1)
    .max(9999),
});

const EXAMPLE = {
  poNumber: '4500000001',
  revision: 0,
  partnerId: 'acme-fasteners',
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
      netPrice: '0.042',
      deliveryDate: '2026-12-04',
      status: 'open',
    },
  ],
};

/**
 * The ERP's endpoint: purchase orders issued, changed and cancelled in the ERP reach suppliers only
 * through here (or the embedded simulator's output relay). Buyers read an order with its lines and
 * history.
 */
@ApiTags('purchase orders')
@ApiBearerAuth()
@Controller()
export class ErpOrdersController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly intake: OrderIntakeService,
    private readonly orders: PurchaseOrderRepository,
  ) {}

  @Post('erp/v1/purchase-orders')
  @HttpCode(200)
  @Allow({ system: ['purchase-orders:write'], roles: ['admin'] })
  @ApiOperation({
    summary: 'Send a purchase order at a revision (issue, change, cancel or close)',
    description:
      'The whole order at one revision; the gateway works out what changed. A repeated or older revision changes nothing (outcome `stale`). A `closed` (or `completed`) order is closed: nothing more is sent to the supplier, its lines are not cancelled, and a ship notice against it is held (outcome `closed`).',
  })
  @ApiOkResponse({
    content: {
      'application/json': {
        example: {
          outcome: 'issued',
          poNumber: '4500000001',
          revision: 0,
          state: 'issued',
          eventId: '0d9b2f4e-7c1a-4f0e-9a55-2f6a1c3b7e10',
        },
      },
    },
  })
  async receive(@Body(new ZodBody(erpOrderSnapshot)) snapshot: z.output<typeof erpOrderSnapshot>) {
    const result = await this.dataSource.transaction((tx) => this.intake.receive(tx, snapshot));
    return {
      outcome: result.outcome,
      poNumber: result.order.poNumber,
      revision: result.order.revision,
      state: result.order.state,
      eventId: result.eventId,
    };
  }

  @Get('buyer/v1/purchase-orders/:poNumber')
  @Allow({ system: ['operations:read'], roles: ['buyer', 'admin'] })
  @ApiOperation({
    summary: 'A purchase order with its lines (ordered, confirmed, decided) and its history',
    description:
      "Any partner's order as the gateway holds it, with each line's ordered, confirmed and decided values and the order's history.",
  })
  @ApiOkResponse({
    content: {
      'application/json': {
        example: {
          order: { ...EXAMPLE, state: 'acknowledged' },
          lines: [{ lineNumber: '10', quantity: '4800', confirmedQuantity: '4800', decision: 'accepted' }],
          history: [
            { what: 'purchase-order.issued', toState: 'issued', summary: 'issued by the ERP with 1 line(s)' },
          ],
        },
      },
    },
  })
  async read(@Param('poNumber') poNumber: string) {
    const order = await this.orders.byNumber(this.dataSource, poNumber, null);
    if (!order)
      throw new ProcurementError(ProcurementErrorCode.UnknownOrder, `no purchase order ${poNumber}`);
    return {
      order,
      lines: await this.orders.lines(this.dataSource, order.id),
      history: await this.orders.history(this.dataSource, order.id),
    };
  }
}
// Keep the example honest: it must pass the schema the endpoint enforces.
erpOrderSnapshot.parse(EXAMPLE);
