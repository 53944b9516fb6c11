import {
  Controller,
  Get,
  HttpCode,
  NotFoundException,
  ConflictException,
  Param,
  Post,
  Query,
} from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Allow } from '../../gateway/access-rules.js';
import { CurrentPrincipal } from '../../gateway/current-principal.decorator.js';
import type { Principal } from '../../gateway/principal.js';
import { problemResponse } from '../http/problem-response.js';
import {
  DeadLetterAlreadyReplayedError,
  DeadLetterBusyError,
  DeadLetterNotFoundError,
  DeadLetterService,
  type DeadLetter,
} from './dead-letter.service.js';

const EXAMPLE: DeadLetter = {
  id: '42',
  outboxId: '1042',
  jobKey: 'erp.post-confirmation:4500012345:rev-1',
  jobName: 'erp.post-confirmation',
  payload: { poNumber: '4500012345', revision: 1 },
  correlationId: '6f1c2a7e-2b1d-4c1e-9a43-0d6f5a3b9e10',
  error: 'ErpUnavailableError: connect ECONNREFUSED',
  attempts: [
    {
      attempt: 8,
      at: '2026-11-27T09:00:00.000Z',
      worker: 'worker-1:412:a1b2c3',
      error: 'ErpUnavailableError',
    },
  ],
  deadAt: '2026-11-27T09:00:00.000Z',
  replayedAt: null,
  replayedBy: null,
};

/** Operators (and an operations system client) see and replay jobs that ran out of attempts. */
@ApiTags('administration')
@ApiBearerAuth()
@Controller('admin/dead-letters')
export class DeadLettersController {
  constructor(private readonly letters: DeadLetterService) {}

  @Get()
  @Allow({ system: ['operations:read'], roles: ['admin'] })
  @ApiOperation({
    summary: 'Dead letters, newest first',
    description:
      'Jobs that exhausted their attempts or failed permanently, with their last error; for operators to inspect and replay.',
  })
  @ApiQuery({ name: 'all', required: false, description: 'include replayed ones' })
  @ApiOkResponse({ content: { 'application/json': { example: [EXAMPLE] } } })
  list(@Query('all') all?: string): Promise<DeadLetter[]> {
    return this.letters.list({ includeReplayed: all === 'true' });
  }

  @Get(':id')
  @Allow({ system: ['operations:read'], roles: ['admin'] })
  @ApiOperation({
    summary: 'One dead letter with payload and attempt history',
    description: "The job's payload, the error of every attempt and when it died.",
  })
  @ApiOkResponse({ content: { 'application/json': { example: EXAMPLE } } })
  async get(@Param('id') id: string): Promise<DeadLetter> {
    try {
      return await this.letters.get(id);
    } catch (error) {
      if (error instanceof DeadLetterNotFoundError) throw new NotFoundException(error.message);
      throw error;
    }
  }

  @Post(':id/replay')
  @HttpCode(200)
  @Allow({ system: ['operations:write'], roles: ['admin'] })
  @ApiOperation({
    summary: 'Put the job back in the outbox with fresh attempts, under the same job key',
    description:
      'Replays a dead letter: the job runs again under its original key, so its effect still happens at most once. Audited. ' +
      'Answers 409 when it was already replayed, or while another job of the same kind for the same subject (the same payload: ' +
      "a resend, a redelivery, another dead letter's replay) is queued or running, so that two rounds of one subject never run " +
      'side by side; replay it once that job has finished. Replays, resends and redeliveries of one subject are taken one at a time.',
  })
  @ApiResponse(
    problemResponse(
      409,
      'conflict',
      'Already replayed, or another job of the same subject is still queued or running',
      {
        detail:
          'dead letter 42 is not replayed now: another outbound.deliver job for the same subject (outbox row 1077) is still queued; ' +
          'replay it once that job has finished, if it is still needed',
        instance: '/admin/dead-letters/42/replay',
      },
    ),
  )
  @ApiOkResponse({
    content: {
      'application/json': {
        example: { ...EXAMPLE, replayedAt: '2026-11-27T10:00:00.000Z', replayedBy: 'admin ops@example.com' },
      },
    },
  })
  async replay(@Param('id') id: string, @CurrentPrincipal() principal: Principal): Promise<DeadLetter> {
    try {
      return await this.letters.replay(id, principal);
    } catch (error) {
      if (error instanceof DeadLetterNotFoundError) throw new NotFoundException(error.message);
      if (error instanceof DeadLetterAlreadyReplayedError || error instanceof DeadLetterBusyError)
        throw new ConflictException(error.message);
      throw error;
    }
  }
}
