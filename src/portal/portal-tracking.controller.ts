import {
  Body,
  Controller,
  Get,
  Param,
  Post,
  Query,
  Render,
  Req,
  Res,
  UseFilters,
  UseGuards,
} from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { z } from 'zod';
import { Public } from '../gateway/access-rules.js';
import { InterchangeArchive } from '../interchanges/interchange-archive.service.js';
import { InterchangeNotFoundError } from '../interchanges/interchange.types.js';
import {
  OutboundDeliveryService,
  OutboundBusyError,
  OutboundNotFoundError,
  OutboundStateError,
} from '../outbound/outbound-delivery.service.js';
import { PartnerRegistry } from '../partners/partner-registry.js';
import {
  DeadLetterAlreadyReplayedError,
  DeadLetterBusyError,
  DeadLetterNotFoundError,
  DeadLetterService,
} from '../platform/jobs/dead-letter.service.js';
import { TrackingService } from '../tracking/tracking.service.js';
import { actorOf } from './portal-user.js';
import { PortalGuard, PortalRoles, portalUser, type PortalRequest } from './portal-access.js';
import { PortalErrorFilter } from './portal-error.filter.js';
import { PortalError, PortalErrorCode } from './portal.exception.js';
import { flash, pageLocals, redirectAfterSave } from './portal-view.js';
import { chainHref, chainView, groupHits, RESENDABLE } from './tracking-view.js';

const searchQuery = z.object({ q: z.string().trim().max(200).catch('') });
const chainQuery = z.object({
  c: z
    .union([z.string().min(1).max(200), z.array(z.string().min(1).max(200)).min(1).max(20)])
    .transform((v) => (Array.isArray(v) ? v : [v]))
    .catch([]),
  q: z.string().trim().max(200).optional().catch(undefined),
});
const replayForm = z.object({ note: z.string().trim().max(1000).catch('') });

/**
 * Message tracking for buyers and operators (docs/tracking.md, "In the portal"): find any document by
 * what a person has in hand, see its whole chain with the wire bytes as downloads, and replay a
 * dead-lettered job from it — through DeadLetterService, which puts the job back under its original
 * key, so the ERP posting it makes still happens at most once — or send a failed or cancelled
 * document to the partner again through OutboundDeliveryService (the same document, bytes and id).
 */
@ApiExcludeController()
@Public()
@UseGuards(PortalGuard)
@UseFilters(PortalErrorFilter)
@PortalRoles('buyer', 'admin')
@Controller('portal/tracking')
export class PortalTrackingController {
  constructor(
    private readonly tracking: TrackingService,
    private readonly letters: DeadLetterService,
    private readonly archive: InterchangeArchive,
    private readonly partners: PartnerRegistry,
    private readonly outbound: OutboundDeliveryService,
  ) {}

  private readonly partnerName = (id: string) => this.partners.get(id)?.name ?? id;

  @Get()
  @Render('tracking')
  async search(@Req() request: PortalRequest, @Query() query: unknown) {
    const { q } = searchQuery.parse(query ?? {});
    const hits = q ? await this.tracking.search(q) : [];
    const correlationIds = [...new Set(hits.map((h) => h.correlationId))];
    return pageLocals(
      request,
      this.partners,
      { title: q ? `Tracking: ${q}` : 'Message tracking', nav: 'tracking' },
      {
        q,
        searched: q.length > 0,
        count: hits.length,
        groups: groupHits(hits, this.partnerName, q),
        wholeChainHref: correlationIds.length > 0 ? chainHref(correlationIds.slice(0, 20), q) : null,
      },
    );
  }

  @Get('chain')
  @Render('tracking-chain')
  async chain(@Req() request: PortalRequest, @Query() query: unknown) {
    const { c, q } = chainQuery.parse(query ?? {});
    if (c.length === 0)
      throw new PortalError(PortalErrorCode.InvalidInput, 'Open a chain from the search results.');
    const [chain, deadLetters] = await Promise.all([this.tracking.chain(c), this.tracking.deadLetters(c)]);
    const view = chainView(chain, deadLetters, this.partnerName);
    return pageLocals(
      request,
      this.partners,
      { title: 'Document chain', nav: 'tracking' },
      {
        q: q ?? '',
        backHref: q ? `/portal/tracking?q=${encodeURIComponent(q)}` : '/portal/tracking',
        correlationIds: chain.correlationIds,
        ...view,
      },
    );
  }

  @Get('interchanges/:id/raw')
  async raw(@Res() response: Response, @Param('id') id: string) {
    try {
      const bytes = await this.archive.payload(id);
      // Served as a download of plain bytes: never rendered as HTML, whatever a partner put in it.
      response.setHeader('Content-Type', 'application/octet-stream');
      response.setHeader('Content-Disposition', `attachment; filename="interchange-${id}.edi"`);
      response.setHeader('X-Content-Type-Options', 'nosniff');
      response.send(bytes);
    } catch (error) {
      if (error instanceof InterchangeNotFoundError)
        throw new PortalError(PortalErrorCode.NotFound, `There is no interchange ${id}.`);
      throw error;
    }
  }

  /**
   * Replays a dead letter once, with the person's reason (audited by DeadLetterService as
   * `dead-letter.replayed` with the note). A second replay is refused: the job already went back to
   * the outbox under its key, and doing it again would hide whether the first one worked.
   */
  @Post('dead-letters/:id/replay')
  async replay(
    @Req() request: PortalRequest,
    @Res() response: Response,
    @Param('id') id: string,
    @Body() body: unknown,
  ) {
    const user = portalUser(request);
    const letter = await this.letters.get(id).catch((error: unknown) => {
      if (error instanceof DeadLetterNotFoundError)
        throw new PortalError(PortalErrorCode.NotFound, `There is no dead letter ${id}.`);
      throw error;
    });
    const back = chainHref([letter.correlationId]);
    const { note } = replayForm.parse(body ?? {});
    if (!note) {
      flash(request, 'error', 'Say why you replay it: the note is required and kept in the audit log.');
      await redirectAfterSave(request, response, back);
      return;
    }
    try {
      await this.letters.replay(id, actorOf(user), note);
      flash(
        request,
        'info',
        `Dead letter ${id} (${letter.jobName}) was put back in the queue; it runs again once.`,
      );
    } catch (error) {
      if (error instanceof DeadLetterBusyError) {
        flash(request, 'error', `${error.message}.`);
        await redirectAfterSave(request, response, back);
        return;
      }
      if (!(error instanceof DeadLetterAlreadyReplayedError)) throw error;
      const again = await this.letters.get(id);
      flash(
        request,
        'error',
        `Dead letter ${id} was already replayed at ${again.replayedAt ?? '?'} by ${again.replayedBy ?? 'someone'}; it is never replayed twice.`,
      );
    }
    await redirectAfterSave(request, response, back);
  }

  /**
   * Delivers a document we sent again when delivery gave up on it or someone cancelled it, with the
   * person's reason in the audit log (`outbound-document.resent`). Any other state is refused here:
   * a document on its way or delivered is not sent twice from the chain.
   */
  @Post('outbound-documents/:id/resend')
  async resend(
    @Req() request: PortalRequest,
    @Res() response: Response,
    @Param('id') id: string,
    @Body() body: unknown,
  ) {
    const user = portalUser(request);
    const document = await this.outbound.get(id).catch((error: unknown) => {
      if (error instanceof OutboundNotFoundError)
        throw new PortalError(PortalErrorCode.NotFound, `There is no document ${id}.`);
      throw error;
    });
    const back = chainHref([document.correlationId]);
    const { note } = replayForm.parse(body ?? {});
    if (!note) {
      flash(request, 'error', 'Say why you send it again: the note is required and kept in the audit log.');
    } else if (!RESENDABLE.has(document.status)) {
      flash(
        request,
        'error',
        `Document ${id} is ${document.status}; only a failed or cancelled document is sent again.`,
      );
    } else {
      try {
        await this.outbound.resend(id, actorOf(user), note);
        flash(request, 'info', `Document ${id} is queued to be delivered again.`);
      } catch (error) {
        if (!(error instanceof OutboundBusyError || error instanceof OutboundStateError)) throw error;
        // A delivery job still unfinished: the refusal says which, and until when.
        const why =
          error instanceof OutboundBusyError
            ? error.message
            : `Document ${id} changed meanwhile and was not sent again: ${error.message}`;
        flash(request, 'error', `${why}.`);
      }
    }
    await redirectAfterSave(request, response, back);
  }
}
