import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { DISCREPANCY_KINDS } from '../canonical/events/logistics-events.js';
import { Allow } from '../gateway/access-rules.js';
import { ZodBody } from '../platform/http/zod-body.pipe.js';
import { GoodsReceiptService } from './goods-receipt.service.js';

const quantity = z.strictObject({
  value: z.string().regex(/^\d{1,15}(\.\d{1,6})?$/, { error: 'expected an exact decimal string' }),
  unit: z.string().regex(/^[A-Z0-9]{2,3}$/, { error: 'expected a UN/ECE Rec 20 unit code' }),
});

export const goodsReceiptInput = z.strictObject({
  receiptNumber: z.string().min(1).max(35),
  plant: z.string().min(1).max(10),
  receivedAt: z.iso.datetime({ offset: true }),
  shipmentNumber: z.string().min(1).max(35).optional(),
  deliveryNote: z.string().min(1).max(35).optional(),
  lines: z
    .array(
      z.strictObject({
        poNumber: z.string().min(1).max(35),
        lineNumber: z.string().min(1).max(10),
        material: z.string().min(1).max(40),
        quantity,
        storageLocation: z.string().min(1).max(10).optional(),
        lot: z.string().min(1).max(35).optional(),
        discrepancies: z
          .array(
            z.strictObject({
              kind: z.enum(DISCREPANCY_KINDS),
              quantity: quantity.optional(),
              note: z.string().max(1024).optional(),
            }),
          )
          .optional(),
      }),
    )
    .min(1)
    .max(999),
});

/** A plant's WMS reports what it received; the gateway matches, raises and posts it. */
@ApiTags('plant events')
@ApiBearerAuth()
@Controller('wms/v1/goods-receipts')
export class GoodsReceiptsController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly receipts: GoodsReceiptService,
  ) {}

  @Post()
  @HttpCode(200)
  @Allow({ system: ['plant-events:write'], roles: ['admin'] })
  @ApiOperation({
    summary: 'Report a goods receipt against order lines and a ship notice',
    description:
      'Applied once per plant and receipt number; a repeat answers `duplicate`. Each order line is compared once with what the ship notice announced for it, however many lots or storage locations the receipt splits it into. A quantity in another unit than the order line is converted and rounded half-up to the 6 decimals the ERP carries. A receipt the ERP cannot take (a converted quantity beyond 15 integer digits) is recorded but not posted: `outcome: held`, with a `goods-receipt.not-postable` case.',
  })
  @ApiOkResponse({
    description:
      '`received` (posted to the ERP), `held` (recorded, not posted: see `problems`) or `duplicate`; `problems` lists the cases raised.',
    content: {
      'application/json': {
        // A held receipt answers the same shape: { outcome: 'held', eventId, problems: ['goods-receipt.not-postable'] }.
        example: {
          outcome: 'received',
          eventId: '5b0a2f7c-3c1d-4e8a-9f10-6d2b7a9c1e44',
          problems: ['goods-receipt.short'],
        },
      },
    },
  })
  receive(@Body(new ZodBody(goodsReceiptInput)) input: z.output<typeof goodsReceiptInput>) {
    return this.dataSource.transaction((tx) => this.receipts.receive(tx, input));
  }
}
