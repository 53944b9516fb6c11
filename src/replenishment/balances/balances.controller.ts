import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { Allow } from '../../gateway/access-rules.js';
import { ZodBody } from '../../platform/http/zod-body.pipe.js';
import { BalancesService } from './balances.service.js';
import { OpeningBalancesService } from './opening-balances.service.js';
import { StockReconciliation } from './stock-reconciliation.js';

const READ = { system: ['operations:read'], roles: ['buyer', 'admin'] } as const;

const quantity = z.strictObject({
  value: z.string().regex(/^\d{1,15}(\.\d{1,12})?$/, { error: 'expected an exact decimal string' }),
  unit: z.string().regex(/^[A-Z0-9]{2,3}$/, { error: 'expected a UN/ECE Rec 20 unit code' }),
});

export const stockSnapshotInput = z.strictObject({
  asOf: z.iso.datetime({ offset: true }),
  items: z
    .array(
      z.strictObject({
        plant: z.string().min(1).max(10),
        material: z.string().min(1).max(40),
        quantity,
        allocated: quantity.optional(),
      }),
    )
    .min(1)
    .max(10_000),
});

const historyQuery = z.strictObject({
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  limit: z.coerce.number().int().min(1).max(5000).default(500),
});

@ApiTags('plant events')
@ApiBearerAuth()
@Controller('plant-events/v1')
export class BalancesController {
  constructor(
    private readonly balances: BalancesService,
    private readonly opening: OpeningBalancesService,
    private readonly reconciliation: StockReconciliation,
  ) {}

  @Get('balances')
  @Allow(READ)
  @ApiOperation({
    summary: 'On-hand and allocated per plant and material, in the base unit',
    description:
      'Every balance, or those of one plant and/or material; quantities are exact decimal strings in the material base unit.',
  })
  @ApiQuery({ name: 'plant', required: false, example: '1000' })
  @ApiQuery({ name: 'material', required: false, example: 'CMP-BOLT-M8' })
  @ApiOkResponse({
    content: {
      'application/json': {
        example: [
          {
            plant: '1000',
            material: 'CMP-BOLT-M8',
            unit: 'H87',
            onHand: '4784',
            allocated: '0',
            movements: '3',
            lastOccurredAt: '2026-11-27T08:15:00.000000Z',
            openingAt: '2026-11-27T06:00:00.000000Z',
            updatedAt: '2026-11-27T08:15:01.204311Z',
          },
        ],
      },
    },
  })
  list(@Query('plant') plant?: string, @Query('material') material?: string) {
    return this.balances.list(plant ?? null, material ?? null);
  }

  @Get('balances/:plant/:material')
  @Allow(READ)
  @ApiOperation({
    summary:
      'One balance: on-hand, allocated, on order (open PO lines by confirmed date), in transit (ship notices) and projected available per day',
    description:
      'Projected available per day = on-hand − allocated + in transit + open order quantities due up to that day (overdue lines on the first day), from the plant’s today in its time zone.',
  })
  @ApiQuery({ name: 'horizonDays', required: false, type: Number, example: 28 })
  @ApiOkResponse({
    content: {
      'application/json': {
        example: {
          plant: '1000',
          material: 'CMP-BOLT-M8',
          unit: 'H87',
          onHand: '4784',
          allocated: '0',
          onOrder: '2000',
          inTransit: '500',
          orders: [
            {
              poNumber: '4500012345',
              lineNumber: '10',
              supplier: 'acme-fasteners',
              due: '2026-12-03',
              open: '2000',
              inTransit: '500',
              unit: 'XBX',
              baseQuantityPerUnit: '100',
            },
          ],
          horizon: { from: '2026-11-27', days: 2 },
          projected: [
            { date: '2026-11-27', receipts: '0', available: '5284' },
            { date: '2026-11-28', receipts: '0', available: '5284' },
          ],
          warnings: [],
        },
      },
    },
  })
  get(
    @Param('plant') plant: string,
    @Param('material') material: string,
    @Query('horizonDays') horizonDays?: string,
  ) {
    const days = Math.min(Math.max(Number(horizonDays ?? 28) || 28, 1), 366);
    return this.balances.get(plant, material, days);
  }

  @Get('balances/:plant/:material/history')
  @Allow(READ)
  @ApiOperation({
    summary: 'Movements of one balance by occurred-at, with the running balance after each',
    description:
      'The newest `limit` movements (default 500) between `from` and `to`, oldest first; `late` marks events applied after the out-of-order window.',
  })
  @ApiOkResponse({
    content: {
      'application/json': {
        example: [
          {
            producerKey: '1000/MES-4711/1',
            kind: 'consumed',
            quantity: '-16',
            occurredAt: '2026-11-27T08:15:00.000000Z',
            balance: '4784',
            late: false,
          },
        ],
      },
    },
  })
  history(
    @Param('plant') plant: string,
    @Param('material') material: string,
    @Query(new ZodBody(historyQuery)) query: z.output<typeof historyQuery>,
  ) {
    return this.balances.history(plant, material, query.from ?? null, query.to ?? null, query.limit);
  }

  @Post('opening-balances')
  @HttpCode(200)
  @Allow({ system: ['plant-events:write'], roles: ['admin'] })
  @ApiOperation({
    summary: "Open balances from a WMS stock snapshot: on-hand (and allocated) set to the snapshot's figures",
    description:
      'On-hand is set through an opening movement of the difference, so the history still sums to the balance. The same snapshot (plant, material, as-of) applied again changes nothing.',
  })
  @ApiOkResponse({
    content: {
      'application/json': {
        example: { source: 'wms', asOf: '2026-11-27T06:00:00Z', applied: 4, unchanged: 0 },
      },
    },
  })
  openFromWms(@Body(new ZodBody(stockSnapshotInput)) input: z.output<typeof stockSnapshotInput>) {
    return this.opening.apply('wms', input.asOf, input.items);
  }

  @Post('opening-balances/erp/:plant')
  @HttpCode(200)
  @Allow({ system: ['operations:write'], roles: ['admin'] })
  @ApiOperation({
    summary: "Open a plant's balances from the ERP's stock, read through the ERP port",
    description:
      'Reads the stock of every material of the master data at the plant and applies it as a snapshot.',
  })
  @ApiOkResponse({
    content: {
      'application/json': {
        example: { source: 'erp', asOf: '2026-11-27T06:00:00.000000Z', applied: 4, unchanged: 0 },
      },
    },
  })
  openFromErp(@Param('plant') plant: string) {
    return this.opening.fromErp(plant);
  }

  @Post('stock-reconciliation')
  @HttpCode(200)
  @Allow({ system: ['operations:write'], roles: ['admin'] })
  @ApiOperation({
    summary: "Compare every balance's on-hand with the ERP's stock now (the scheduled job's pass)",
    description:
      'Each balance is read right before and right after its ERP stock read and compared only when it did not move in between, so consumption arriving during the pass never shows as a variance; a balance that moved is read again (up to 3 ERP reads), else answered with `settled: false` and `variance: null`, neither recorded nor judged (the next pass compares it). Each settled comparison is recorded; a variance beyond STOCK_VARIANCE_PERCENT raises an inventory.variance exception (once per plant, material and day).',
  })
  @ApiOkResponse({
    content: {
      'application/json': {
        example: [
          {
            plant: '1000',
            material: 'CMP-BOLT-M8',
            gatewayOnHand: '4784',
            erpOnHand: '4800',
            variance: '-16',
            beyondThreshold: false,
            settled: true,
          },
          {
            plant: '1000',
            material: 'RAW-STEEL-S235',
            gatewayOnHand: '1740.25',
            erpOnHand: '1750.5',
            variance: null,
            beyondThreshold: false,
            settled: false,
          },
        ],
      },
    },
  })
  reconcile() {
    return this.reconciliation.reconcile();
  }
}
