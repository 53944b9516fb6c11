import { BadRequestException, Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { Allow } from '../gateway/access-rules.js';
import { ACTOR_KINDS, type ActorKind } from './actor.js';
import { AuditService } from './audit.service.js';
import type { AuditPage } from './audit.types.js';

const EXAMPLE: AuditPage = {
  items: [
    {
      id: '1207',
      at: '2026-11-27T10:02:11.482113Z',
      actor: { kind: 'user', id: '5b0f7c7e-4a53-4c3e-9a2b-6d0e8f1a2c3d', display: 'admin ops@example.com' },
      action: 'dead-letter.replayed',
      target: { type: 'dead-letter', id: '42' },
      partnerId: null,
      before: { replayedAt: null, jobKey: 'erp.post-confirmation:4500012345:rev-1' },
      after: { replayedAt: '2026-11-27T10:02:11.482Z', jobKey: 'erp.post-confirmation:4500012345:rev-1' },
      correlationId: '6f1c2a7e-2b1d-4c1e-9a43-0d6f5a3b9e10',
      note: 'ERP maintenance window over',
    },
  ],
  nextCursor: '1207',
};

/** The append-only record of human and administrative actions, newest first. */
@ApiTags('administration')
@ApiBearerAuth()
@Controller('admin/audit-log')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @Allow({ system: ['operations:read'], roles: ['admin'] })
  @ApiOperation({
    summary: 'Audit entries, filtered, newest first, with a cursor for the next page',
    description:
      'Every recorded action (who, what, target, when), append-only. Filter by actor, action, target and time; page with `cursor`.',
  })
  @ApiQuery({ name: 'actorKind', required: false, enum: ACTOR_KINDS })
  @ApiQuery({ name: 'actorId', required: false })
  @ApiQuery({
    name: 'action',
    required: false,
    description: 'dotted prefix, e.g. `exception` or `dead-letter.replayed`',
  })
  @ApiQuery({ name: 'targetType', required: false })
  @ApiQuery({ name: 'targetId', required: false })
  @ApiQuery({ name: 'partner', required: false })
  @ApiQuery({ name: 'correlationId', required: false })
  @ApiQuery({ name: 'from', required: false, description: 'ISO 8601, inclusive' })
  @ApiQuery({ name: 'to', required: false, description: 'ISO 8601, exclusive' })
  @ApiQuery({ name: 'cursor', required: false })
  @ApiQuery({ name: 'limit', required: false, description: '1-500, default 100' })
  @ApiOkResponse({ content: { 'application/json': { example: EXAMPLE } } })
  list(@Query() q: Record<string, string | undefined>): Promise<AuditPage> {
    if (q.actorId && !q.actorKind) throw new BadRequestException('actorId needs actorKind');
    if (q.targetId && !q.targetType) throw new BadRequestException('targetId needs targetType');
    return this.audit.query({
      actor: q.actorKind ? { kind: q.actorKind as ActorKind, id: q.actorId } : undefined,
      action: q.action,
      target: q.targetType ? { type: q.targetType, id: q.targetId } : undefined,
      partnerId: q.partner,
      correlationId: q.correlationId,
      from: date(q.from, 'from'),
      to: date(q.to, 'to'),
      cursor: q.cursor,
      limit: q.limit === undefined ? undefined : Number(q.limit),
    });
  }
}

function date(value: string | undefined, name: string): Date | undefined {
  if (value === undefined) return undefined;
  const parsed = new Date(value);
  if (Number.isNaN(parsed.getTime())) throw new BadRequestException(`${name} is not an ISO 8601 date-time`);
  return parsed;
}
