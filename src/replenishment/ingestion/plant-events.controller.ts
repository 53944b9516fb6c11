import { Controller, Get, HttpCode, Post, Query, Req } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import type { Request } from 'express';
import { DataSource } from 'typeorm';
import type { GatewayConfig } from '../../config/config.js';
import { InjectConfig } from '../../config/config.module.js';
import { Allow } from '../../gateway/access-rules.js';
import { ReplenishmentError, ReplenishmentErrorCode } from '../replenishment.exception.js';
import { PlantEventIngestion, type IngestItem, type IngestResult } from './plant-event-ingestion.service.js';
import { PlantEventRepository } from './plant-event.repository.js';

/** Bytes one NDJSON line may take on average; the body limit is this times the event limit. */
const BYTES_PER_EVENT = 8192;

const EXAMPLE_EVENT = {
  id: '2f9c1a77-5f1e-4c61-9d1e-8a3f5c7b9e10',
  type: 'material.consumed',
  schemaVersion: 'v1',
  plant: '1000',
  occurredAt: '2026-11-27T08:15:00Z',
  receivedAt: '2026-11-27T08:15:01Z',
  correlationId: 'mes:LINE-4:4711',
  causationId: null,
  document: { kind: 'original', number: 'MES-4711', revision: '1' },
  source: { channel: 'mes' },
  payload: {
    purpose: 'production',
    items: [{ material: 'CMP-BOLT-M8', quantity: { value: '16', unit: 'H87' } }],
  },
};

/**
 * MES and WMS systems send plant events in batches: NDJSON (one canonical event per line; up to
 * PLANT_EVENTS_MAX_BATCH events) or, for small batches, JSON `{ "events": [...] }` (the HTTP JSON
 * body limit applies).
 */
@ApiTags('plant events')
@ApiBearerAuth()
@Controller('plant-events/v1')
export class PlantEventsController {
  private readonly repository = new PlantEventRepository();

  constructor(
    @InjectConfig() private readonly config: GatewayConfig,
    private readonly dataSource: DataSource,
    private readonly ingestion: PlantEventIngestion,
  ) {}

  @Post('events')
  @HttpCode(200)
  @Allow({ system: ['plant-events:write'], roles: ['admin'] })
  @ApiOperation({
    summary: 'Ingest a batch of plant events (material consumed, production completed, inventory adjusted)',
    description:
      'Applied in one transaction, once per producer key (plant / document number / revision): a resent event is ' +
      'answered as a duplicate and changes nothing. Events for unknown plants or materials, invalid events and ' +
      'units without a conversion are refused with a reason and kept for diagnosis (GET /plant-events/v1/rejected). ' +
      'Send `application/x-ndjson` (one event per line) for large batches.',
  })
  @ApiConsumes('application/x-ndjson', 'application/json')
  @ApiBody({
    description: 'NDJSON: one canonical event per line. JSON: `{ "events": [...] }` (small batches).',
    schema: { type: 'object', example: { events: [EXAMPLE_EVENT] } },
  })
  @ApiOkResponse({
    content: {
      'application/json': {
        example: {
          received: 3,
          accepted: 1,
          duplicates: 1,
          late: 0,
          rejected: [
            {
              index: 2,
              producerKey: '1000/MES-4712/1',
              reason: 'unknown-material',
              details: ['unknown material X at plant 1000'],
            },
          ],
        },
      },
    },
  })
  async ingest(@Req() req: Request): Promise<IngestResult> {
    const items = await this.items(req);
    if (items.length === 0)
      throw new ReplenishmentError(ReplenishmentErrorCode.InvalidBatch, 'the batch holds no events');
    if (items.length > this.config.PLANT_EVENTS_MAX_BATCH)
      throw new ReplenishmentError(
        ReplenishmentErrorCode.BatchTooLarge,
        `${items.length} events in one batch; at most ${this.config.PLANT_EVENTS_MAX_BATCH}`,
      );
    return this.ingestion.ingest(items, 'api');
  }

  @Get('rejected')
  @Allow({ system: ['operations:read'], roles: ['buyer', 'admin'] })
  @ApiOperation({
    summary: 'Refused plant events with their reasons, most recently seen first',
    description:
      'Every event refused by the REST or MQTT path (or a goods receipt the balances could not take), with the reason, the details and the body as received. A refused producer key seen again is counted in `times`.',
  })
  @ApiQuery({ name: 'limit', required: false, type: Number, example: 100 })
  @ApiOkResponse({
    content: {
      'application/json': {
        example: [
          {
            id: '12',
            producerKey: '1000/MES-4712/1',
            channel: 'mqtt',
            topic: 'plants/1000/mes/consumption',
            reason: 'unknown-material',
            details: ['unknown material X at plant 1000'],
            body: EXAMPLE_EVENT,
            times: 1,
            firstSeenAt: '2026-11-27T08:15:01.000000Z',
            lastSeenAt: '2026-11-27T08:15:01.000000Z',
          },
        ],
      },
    },
  })
  rejected(@Query('limit') limit?: string) {
    const n = Math.min(Math.max(Number(limit ?? 100) || 100, 1), 1000);
    return this.repository.rejected(this.dataSource, n);
  }

  private async items(req: Request): Promise<IngestItem[]> {
    const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (type === 'application/json') {
      const body = req.body as unknown;
      const events = Array.isArray(body) ? body : (body as { events?: unknown } | undefined)?.events;
      if (!Array.isArray(events))
        throw new ReplenishmentError(
          ReplenishmentErrorCode.InvalidBatch,
          'expected { "events": [ ... ] } or an array of events',
        );
      return events.map((body) => ({ body }));
    }
    if (type === 'application/x-ndjson' || type === 'application/jsonl') {
      const text = await readBody(req, this.config.PLANT_EVENTS_MAX_BATCH * BYTES_PER_EVENT);
      return text
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => {
          try {
            return { body: JSON.parse(line) as unknown, raw: line };
          } catch {
            // Kept as text: refused as an invalid event, with the line for diagnosis.
            return { body: line.length > 4096 ? `${line.slice(0, 4096)}…` : line };
          }
        });
    }
    throw new ReplenishmentError(
      ReplenishmentErrorCode.UnsupportedMediaType,
      `content type ${type || '(none)'}: send application/x-ndjson or application/json`,
    );
  }
}

async function readBody(req: Request, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit)
      throw new ReplenishmentError(
        ReplenishmentErrorCode.BatchTooLarge,
        `the batch is larger than ${limit} bytes`,
      );
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
