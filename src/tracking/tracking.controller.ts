import { Controller, Get, NotFoundException, Param, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { z } from 'zod';
import { Allow } from '../gateway/access-rules.js';
import { InterchangeArchive } from '../interchanges/interchange-archive.service.js';
import { InterchangeNotFoundError } from '../interchanges/interchange.types.js';
import { ZodBody } from '../platform/http/zod-body.pipe.js';
import { INTERCHANGE_CONTENT_EXAMPLE, INTERCHANGE_EXAMPLE } from './tracking.examples.js';
import { TrackingService, type Chain, type TrackingHit } from './tracking.service.js';

const searchQuery = z.strictObject({ q: z.string().trim().min(1, 'expected q: what to look for').max(200) });
const chainQuery = z.strictObject({
  correlationId: z
    .union([z.string().min(1).max(200), z.array(z.string().min(1).max(200)).min(1).max(20)])
    .transform((v) => (Array.isArray(v) ? v : [v])),
});
const ALLOW = { system: ['operations:read'], roles: ['buyer', 'admin'] } as const;

const HIT: TrackingHit = {
  kind: 'interchange',
  id: '5120',
  matched: 'isa13',
  partnerId: 'acme-fasteners',
  direction: 'inbound',
  status: 'processed',
  summary: 'inbound sftp-mailbox /inbound/855-4500012345.x12 (processed)',
  correlationId: 'po:4500012345',
  at: '2026-11-27T10:15:02.000000Z',
};
const CHAIN: Chain = {
  correlationIds: ['po:4500012345'],
  steps: [
    {
      at: '2026-11-27T10:02:10.000000Z',
      kind: 'outbound-document',
      id: '812',
      summary:
        '850 purchase-order-4500012345-000000017.x12 over sftp-mailbox, functional acknowledgment accepted',
      status: 'delivered',
      partnerId: 'acme-fasteners',
      causedBy: 'interchange 5101',
      link: '/admin/outbound-documents/812',
    },
    {
      at: '2026-11-27T10:15:02.000000Z',
      kind: 'interchange',
      id: '5120',
      summary: 'inbound sftp-mailbox /inbound/855-4500012345.x12',
      status: 'processed',
      partnerId: 'acme-fasteners',
      causedBy: null,
      link: '/admin/interchanges/5120',
    },
    {
      at: '2026-11-27T10:15:03.000000Z',
      kind: 'erp-posting',
      id: '77',
      summary: 'po-confirmation post 4500012345 rev 0 → ERP 5500000123',
      status: 'posted',
      partnerId: null,
      causedBy: 'event 2f9c1a77-5f1e-4c61-9d1e-8a3f5c7b9e10',
      link: '/admin/erp/postings/77',
    },
  ],
};

/**
 * Message tracking for buyers and operators (docs/tracking.md): find any document by what you have in
 * hand and see its whole chain, down to the bytes on the wire.
 */
@ApiTags('tracking')
@ApiBearerAuth()
@Controller('admin')
export class TrackingController {
  constructor(
    private readonly tracking: TrackingService,
    private readonly archive: InterchangeArchive,
  ) {}

  @Get('tracking')
  @Allow(ALLOW)
  @ApiOperation({
    summary:
      'Find documents by PO or shipment number, SSCC, ISA13/GS06, UNB reference, AS2 Message-ID, file name, archive or correlation id',
    description:
      'Every kind of match is looked up through an index; `correlationIds` are the chains the hits belong to (GET /admin/tracking/chain).',
  })
  @ApiOkResponse({
    content: {
      'application/json': {
        example: { query: '000005151', hits: [HIT], correlationIds: [HIT.correlationId] },
      },
    },
  })
  async search(@Query(new ZodBody(searchQuery)) query: z.output<typeof searchQuery>) {
    const hits = await this.tracking.search(query.q);
    return { query: query.q, hits, correlationIds: [...new Set(hits.map((h) => h.correlationId))] };
  }

  @Get('tracking/chain')
  @Allow(ALLOW)
  @ApiOperation({
    summary: 'The whole chain of one or more correlation ids, in time order',
    description:
      'Interchanges (wire bytes at /admin/interchanges/{id}/content), business documents, documents sent to partners with their acknowledgments, ERP postings, exceptions and webhook messages; correlation ids one causation hop away are followed.',
  })
  @ApiOkResponse({ content: { 'application/json': { example: CHAIN } } })
  async chain(@Query(new ZodBody(chainQuery)) query: z.output<typeof chainQuery>): Promise<Chain> {
    return this.tracking.chain(query.correlationId);
  }

  @Get('interchanges/:id')
  @Allow(ALLOW)
  @ApiOperation({
    summary: 'One archived interchange: channel, partner, hashes, metadata, status and the intake answer',
    description:
      "The archive row as stored: who sent it and how, its sha256 and size, the intake's answer (TA1/997/CONTRL built, control numbers read) and, for duplicates, the first receipt.",
  })
  @ApiOkResponse({
    content: {
      'application/json': {
        example: INTERCHANGE_EXAMPLE,
      },
    },
  })
  async interchange(@Param('id') id: string) {
    try {
      return await this.archive.get(id);
    } catch (error) {
      if (error instanceof InterchangeNotFoundError) throw new NotFoundException(error.message);
      throw error;
    }
  }

  @Get('interchanges/:id/content')
  @Allow(ALLOW)
  @ApiOperation({
    summary: 'The bytes exactly as received or sent',
    description: 'Served as the content type they came with, never interpreted by the browser (nosniff).',
  })
  @ApiOkResponse({
    description: 'The payload, with its content type',
    content: {
      'application/edi-x12': { example: INTERCHANGE_CONTENT_EXAMPLE },
    },
  })
  async content(@Param('id') id: string, @Res() response: Response): Promise<void> {
    try {
      const row = await this.archive.get(id);
      const bytes = await this.archive.payload(id);
      response
        .type(row.contentType ?? 'application/octet-stream')
        .set('content-disposition', 'inline')
        .set('x-content-type-options', 'nosniff')
        .send(bytes);
    } catch (error) {
      if (error instanceof InterchangeNotFoundError) throw new NotFoundException(error.message);
      throw error;
    }
  }
}
