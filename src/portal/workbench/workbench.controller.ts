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
import { Public } from '../../gateway/access-rules.js';
import { PartnerRegistry } from '../../partners/partner-registry.js';
import { BULK_ACCEPT_LIMIT, BuyerDecisionService } from '../../procurement/buyer-decision.service.js';
import { ExceptionService } from '../../exceptions/exception.service.js';
import { ALL_PARTNERS } from '../../exceptions/exception.types.js';
import { PortalAccountsService } from '../portal-accounts.service.js';
import { actorOf } from '../portal-user.js';
import { PortalGuard, PortalRoles, portalUser, type PortalRequest } from '../portal-access.js';
import { PortalErrorFilter } from '../portal-error.filter.js';
import { trimDecimal } from '../portal-orders.repository.js';
import { flash, pageLocals, redirectAfterSave } from '../portal-view.js';
import { WorkbenchExceptionService } from './workbench-exception.service.js';
import { WorkbenchQueueRepository } from './workbench-queue.repository.js';
import {
  decodeQueueCursor,
  encodeQueueCursor,
  QUEUE_STATES,
  queueQuery,
  type QueueQuery,
  type QueueState,
} from './workbench-queue.js';

const STATE_LABELS: Record<QueueState, string> = {
  action: 'Waiting for a buyer (open or escalated)',
  open: 'Open',
  escalated: 'Escalated',
  countered: 'Countered (waiting for the supplier)',
  accepted: 'Accepted',
  resolved: 'Resolved',
};

const note = z.string().trim().max(2000);
const acceptForm = z.object({ note: note.optional() });
const requiredNote = z.object({ note: note.min(1, 'Say why: the note is required.') });
const escalateForm = requiredNote.extend({ owner: z.string().trim().max(64).optional() });
const counterForm = requiredNote.extend({
  quantity: z
    .string()
    .trim()
    .regex(/^(\d{1,15}(\.\d{1,6})?)?$/, 'The quantity is a number such as 120 or 120.5.')
    .optional(),
  deliveryDate: z.union([z.literal(''), z.iso.date('The date is a calendar date.')]).optional(),
});
const bulkForm = z.object({
  ids: z
    .union([z.string(), z.array(z.string())])
    .optional()
    .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v])),
  back: z.string().max(2000).optional(),
});

/**
 * The buyer's exception workbench (#20, docs/workbench.md): the queue in impact order with filters
 * and keyset pages, one exception with what the supplier asked against the PO line and the
 * material's projection with and without it, and the decisions — each one a BuyerDecisionService
 * call, which changes the case, the order and the ERP in one transaction and audits it.
 */
@ApiExcludeController()
@Public()
@UseGuards(PortalGuard)
@UseFilters(PortalErrorFilter)
@PortalRoles('buyer', 'admin')
@Controller('portal/workbench')
export class WorkbenchController {
  constructor(
    private readonly queue: WorkbenchQueueRepository,
    private readonly details: WorkbenchExceptionService,
    private readonly decisions: BuyerDecisionService,
    private readonly exceptions: ExceptionService,
    private readonly accounts: PortalAccountsService,
    private readonly partners: PartnerRegistry,
  ) {}

  @Get()
  @Render('workbench')
  async list(@Req() request: PortalRequest, @Query() raw: Record<string, unknown>) {
    const user = portalUser(request);
    const query = queueQuery.parse(raw);
    const { rows, next } = await this.queue.page(query, decodeQueueCursor(query.after), user.id);
    const link = (changes: Partial<QueueQuery>) => queueLink({ ...query, ...changes });
    return pageLocals(
      request,
      this.partners,
      { title: 'Exceptions', nav: 'workbench' },
      {
        query,
        states: Object.entries(STATE_LABELS).map(([value, label]) => ({ value, label })),
        partnerOptions: this.partners.all().map((p) => ({ value: p.id, label: p.name })),
        stateLabel: STATE_LABELS[query.state],
        rows: rows.map((r) => ({
          ...r,
          valueAtRisk: r.valueAtRisk && trimDecimal(r.valueAtRisk),
          partner: r.partnerId ? (this.partners.get(r.partnerId)?.name ?? r.partnerId) : null,
          href: `/portal/workbench/${r.id}`,
        })),
        actionable: QUEUE_STATES[query.state].some((s) => s !== 'accepted' && s !== 'resolved'),
        bulkLimit: BULK_ACCEPT_LIMIT,
        back: link({}),
        first: query.after ? link({ after: undefined }) : null,
        next: next ? link({ after: encodeQueueCursor(next) }) : null,
      },
    );
  }

  /** Several cases accepted at once, each on its own (BuyerDecisionService.acceptMany). */
  @Post('accept')
  async acceptMany(@Req() request: PortalRequest, @Res() response: Response, @Body() body: unknown) {
    const user = portalUser(request);
    const form = bulkForm.catch({ ids: [], back: undefined }).parse(body);
    const back =
      form.back && /^\/portal\/workbench(\?[^\\]*)?$/.test(form.back) ? form.back : '/portal/workbench';
    const ids = [...new Set(form.ids)];
    if (ids.length === 0) flash(request, 'error', 'Tick at least one exception to accept.');
    else if (ids.length > BULK_ACCEPT_LIMIT)
      flash(
        request,
        'error',
        `At most ${BULK_ACCEPT_LIMIT} exceptions can be accepted at once; ${ids.length} were ticked. Nothing was accepted.`,
      );
    else {
      const results = await this.decisions.acceptMany(ids, actorOf(user));
      const accepted = results.filter((r) => r.ok).length;
      if (accepted > 0) flash(request, 'info', `${accepted} exception(s) accepted.`);
      for (const failed of results.filter((r) => !r.ok))
        flash(request, 'error', `Not accepted: ${failed.id}: ${failed.problem ?? 'unknown problem'}`);
    }
    await redirectAfterSave(request, response, back);
  }

  @Get(':id')
  @Render('workbench-exception')
  async exception(@Req() request: PortalRequest, @Param('id') id: string) {
    const view = await this.details.view(id);
    const { found } = view;
    const buyers = (await this.accounts.users(null)).filter(
      (u) => u.active && (u.role === 'buyer' || u.role === 'admin'),
    );
    const state = found.state;
    return pageLocals(
      request,
      this.partners,
      { title: `Exception: ${found.summary ?? found.type}`, nav: 'workbench' },
      {
        found: {
          ...found,
          valueAtRisk: found.impact.valueAtRisk && trimDecimal(found.impact.valueAtRisk),
          partner: found.references.partnerId
            ? (this.partners.get(found.references.partnerId)?.name ?? found.references.partnerId)
            : null,
          owner: buyers.find((b) => b.id === found.ownerUserId)?.displayName ?? null,
          answersRevision: found.references.poRevision !== null,
        },
        superseded: view.superseded,
        order: view.order,
        line: view.line,
        asked: view.asked && {
          ...view.asked,
          fields: view.asked.fields.map((f) => ({
            ...f,
            ordered: f.ordered && f.field !== 'deliveryDate' ? trimDecimal(f.ordered) : f.ordered,
            asked: f.asked && f.field !== 'deliveryDate' ? trimDecimal(f.asked) : f.asked,
          })),
        },
        impact: view.impact && {
          ...view.impact,
          shortageMoves: view.impact.shortageWith !== view.impact.shortageWithout,
          coverMoves: view.impact.coveredWith !== view.impact.coveredWithout,
          days: view.impact.days.map((d) => ({
            ...d,
            differs: d.asChanged !== d.asOrdered,
            shortAsOrdered: d.asOrdered.startsWith('-'),
            shortAsChanged: d.asChanged.startsWith('-'),
          })),
        },
        impactMissing: view.impactMissing,
        events: view.events,
        audit: view.audit,
        orderHistory: view.orderHistory,
        owners: buyers.map((b) => ({ value: b.id, label: `${b.displayName} (${b.email})` })),
        can: {
          accept: ['open', 'countered', 'escalated'].includes(state) && !view.superseded,
          counter: (state === 'open' || state === 'escalated') && view.line !== null,
          escalate: state === 'open' || state === 'countered',
          resolve: state !== 'resolved',
        },
      },
    );
  }

  @Post(':id/accept')
  async accept(
    @Req() request: PortalRequest,
    @Res() response: Response,
    @Param('id') id: string,
    @Body() body: unknown,
  ) {
    await this.decide(request, response, id, async (user) => {
      const form = acceptForm.parse(body);
      await this.decisions.accept(id, actorOf(user), form.note || null);
      return 'Accepted. A held line is confirmed to the ERP.';
    });
  }

  @Post(':id/counter')
  async counter(
    @Req() request: PortalRequest,
    @Res() response: Response,
    @Param('id') id: string,
    @Body() body: unknown,
  ) {
    await this.decide(request, response, id, async (user) => {
      const form = counterForm.parse(body);
      await this.decisions.counter(id, actorOf(user), {
        note: form.note,
        ...(form.quantity ? { quantity: form.quantity } : {}),
        ...(form.deliveryDate ? { deliveryDate: form.deliveryDate } : {}),
      });
      return 'Countered: the change is requested from the ERP and reaches the supplier as a new revision.';
    });
  }

  @Post(':id/escalate')
  async escalate(
    @Req() request: PortalRequest,
    @Res() response: Response,
    @Param('id') id: string,
    @Body() body: unknown,
  ) {
    await this.decide(request, response, id, async (user) => {
      const form = escalateForm.parse(body);
      const actor = actorOf(user);
      // To whom: the case's owner is the one its notifications go to (exceptions' routing and digest).
      if (form.owner) await this.exceptions.assign(id, form.owner, actor, form.note);
      await this.decisions.escalate(id, actor, form.note);
      return 'Escalated.';
    });
  }

  @Post(':id/resolve')
  async resolve(
    @Req() request: PortalRequest,
    @Res() response: Response,
    @Param('id') id: string,
    @Body() body: unknown,
  ) {
    await this.decide(request, response, id, async (user) => {
      const form = requiredNote.parse(body);
      await this.decisions.resolve(id, actorOf(user), form.note);
      return 'Resolved.';
    });
  }

  /**
   * One decision, post/redirect/get back to the exception: a refusal (a wrong state, a missing note,
   * a bad quantity) comes back as a message on the page, not as an error page.
   */
  private async decide(
    request: PortalRequest,
    response: Response,
    id: string,
    act: (user: ReturnType<typeof portalUser>) => Promise<string>,
  ): Promise<void> {
    const user = portalUser(request);
    // The case must exist (404 otherwise), before any form error is reported on its page.
    await this.exceptions.get(id, ALL_PARTNERS);
    try {
      flash(request, 'info', await act(user));
    } catch (error) {
      if (error instanceof z.ZodError) flash(request, 'error', error.issues.map((i) => i.message).join(' '));
      else if (isRefusal(error)) flash(request, 'error', (error as Error).message);
      else throw error;
    }
    await redirectAfterSave(request, response, `/portal/workbench/${id}`);
  }
}

/** The service's own refusals (4xx) are for the buyer to read; anything else is ours. */
function isRefusal(error: unknown): boolean {
  const status = (error as { httpStatus?: unknown } | null)?.httpStatus;
  return error instanceof Error && typeof status === 'number' && status >= 400 && status < 500;
}

function queueLink(query: QueueQuery): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query))
    if (value !== undefined && value !== '' && !(key === 'state' && value === 'action'))
      params.set(key, String(value));
  const text = params.toString();
  return text ? `/portal/workbench?${text}` : '/portal/workbench';
}
