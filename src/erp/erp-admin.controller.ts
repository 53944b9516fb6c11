import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { Allow } from '../gateway/access-rules.js';
import { isRowId } from '../platform/database/sql.js';
import { ErpConnections } from './connections/erp-connections.js';
import { ErpPostingError, ErpPostingErrorCode } from './posting/erp-posting.exception.js';
import { ErpPostingRepository } from './posting/erp-posting.repository.js';
import type { ErpPosting, ErpPostingStatus } from './posting/erp-posting.types.js';
import { ErpReconciliation, type ReconciliationReport } from './posting/erp-reconciliation.js';

const EXAMPLE: ErpPosting = {
  id: '812',
  erpInstance: 'main',
  operation: 'post',
  kind: 'inbound-delivery',
  businessKey: 'SHP-20261127-001',
  revision: 0,
  idempotencyKey: 'inbound-delivery:SHP-20261127-001:rev-0',
  externalReference: 'SG-ID-SHP-20261127-001-0',
  poNumber: '4500012345',
  orderingKey: '4500012345',
  targetPostingId: null,
  body: {
    shipmentNumber: 'SHP-20261127-001',
    supplier: 'acme-fasteners',
    shippedAt: '2026-11-27T08:00:00Z',
    items: [
      { poNumber: '4500012345', lineNumber: '10', material: 'CMP-BOLT-M8', quantity: '4800', unit: 'EA' },
    ],
  },
  status: 'posted',
  documentNumber: '1800000042',
  erpEntryId: '977',
  outcomeUnknownAt: null,
  attempts: 1,
  lookups: 0,
  lastError: null,
  correlationId: '6f1c2a7e-2b1d-4c1e-9a43-0d6f5a3b9e10',
  causationId: null,
  createdAt: '2026-11-27T08:01:00.000000Z',
  postedAt: '2026-11-27T08:01:00.412000Z',
  reconciledAt: null,
};

/** What the gateway posted to which ERP, and the reconciliation run on demand. */
@ApiTags('erp')
@ApiBearerAuth()
@Controller('admin/erp')
export class ErpAdminController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly postings: ErpPostingRepository,
    private readonly connections: ErpConnections,
    private readonly reconciliation: ErpReconciliation,
  ) {}

  @Get('instances')
  @Allow({ system: ['operations:read'], roles: ['admin'] })
  @ApiOperation({
    summary: 'The configured ERP instances (credentials never shown)',
    description:
      'Each ERP instance from ERP_CONFIG_FILE: adapter, plants, limits and idempotency behaviour; secrets are never shown.',
  })
  @ApiOkResponse({
    content: {
      'application/json': {
        example: [
          {
            id: 'main',
            adapter: 'simulator',
            default: true,
            plants: [],
            idempotencyKeys: 'honoured',
            poChangeDelivery: 'gateway',
            timeoutMs: 10000,
            unknownOutcomeSettleMs: 0,
            limits: { ratePerSecond: 50, concurrency: 4 },
            retry: { maxAttempts: 12, baseMs: 2000, maxMs: 900000 },
          },
        ],
      },
    },
  })
  instances() {
    return this.connections.all().map(({ rest, ...instance }) => ({
      ...instance,
      ...(rest ? { rest: { baseUrl: rest.baseUrl, auth: rest.auth.type } } : {}),
    }));
  }

  @Get('postings')
  @Allow({ system: ['operations:read'], roles: ['buyer', 'admin'] })
  @ApiOperation({
    summary: 'Postings, newest first; `next` is the cursor for the following page',
    description:
      'What the gateway posted or is posting to the ERP (confirmations, inbound deliveries, receipts) with status; filter and page with `next`.',
  })
  @ApiQuery({ name: 'status', required: false, enum: ['pending', 'posted', 'dead'] })
  @ApiQuery({ name: 'kind', required: false })
  @ApiQuery({ name: 'poNumber', required: false })
  @ApiQuery({ name: 'businessKey', required: false })
  @ApiQuery({ name: 'erpInstance', required: false })
  @ApiQuery({ name: 'after', required: false })
  @ApiQuery({ name: 'limit', required: false })
  @ApiOkResponse({ content: { 'application/json': { example: { items: [EXAMPLE], next: null } } } })
  list(
    @Query('status') status?: string,
    @Query('kind') kind?: string,
    @Query('poNumber') poNumber?: string,
    @Query('businessKey') businessKey?: string,
    @Query('erpInstance') erpInstance?: string,
    @Query('after') after?: string,
    @Query('limit') limit?: string,
  ) {
    const problems: string[] = [];
    if (status && !['pending', 'posted', 'dead'].includes(status))
      problems.push('status: pending, posted or dead');
    if (after && !isRowId(after)) problems.push('after: a posting id');
    const size = limit === undefined ? 50 : Number(limit);
    if (!Number.isInteger(size) || size < 1 || size > 500) problems.push('limit: 1 to 500');
    if (problems.length > 0)
      throw new ErpPostingError(ErpPostingErrorCode.InvalidBody, 'invalid filter', problems);
    return this.postings.list(this.dataSource, {
      status: status as ErpPostingStatus | undefined,
      kind,
      poNumber,
      businessKey,
      erpInstance,
      after,
      limit: size,
    });
  }

  @Get('postings/:id')
  @Allow({ system: ['operations:read'], roles: ['buyer', 'admin'] })
  @ApiOperation({
    summary: 'One posting with its ERP document number, attempts and look-ups',
    description:
      "The posting's body, the ERP document number it got, every attempt and every look-up by external reference.",
  })
  @ApiOkResponse({ content: { 'application/json': { example: EXAMPLE } } })
  async get(@Param('id') id: string): Promise<ErpPosting> {
    const posting = isRowId(id) ? await this.postings.get(this.dataSource, id) : undefined;
    if (!posting) throw new ErpPostingError(ErpPostingErrorCode.NotFound, `no ERP posting ${id}`);
    return posting;
  }

  @Post('instances/:id/reconciliations')
  @HttpCode(200)
  @Allow({ system: ['operations:write'], roles: ['admin'] })
  @ApiOperation({
    summary: 'Compare a batch of posted documents with the ERP now; differences become exceptions',
    description:
      'Reads posted documents back from the ERP and raises an exception for every difference; the same job the schedule runs.',
  })
  @ApiOkResponse({
    content: { 'application/json': { example: { erpInstance: 'main', checked: 200, differences: 1 } } },
  })
  reconcile(@Param('id') id: string): Promise<ReconciliationReport> {
    if (!this.connections.all().some((i) => i.id === id)) {
      throw new ErpPostingError(ErpPostingErrorCode.NotFound, `no ERP instance ${id}`);
    }
    return this.reconciliation.reconcile(id);
  }
}
