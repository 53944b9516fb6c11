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
import { Public } from '../gateway/access-rules.js';
import { PartnerRegistry } from '../partners/partner-registry.js';
import { AsnBuilderError } from '../shipping/asn-builder.exception.js';
import { AsnBuilderService } from '../shipping/asn-builder.service.js';
import type { ShipNoticeDraft } from '../shipping/asn-draft.js';
import { labelSheet } from '../shipping/labels.js';
import { actorOf } from './portal-user.js';
import {
  partnerOf,
  PortalGuard,
  PortalRoles,
  portalUser,
  SUPPLIER,
  type PortalRequest,
} from './portal-access.js';
import { PortalErrorFilter } from './portal-error.filter.js';
import { PortalShipmentsRepository } from './portal-shipments.repository.js';
import { PortalError, PortalErrorCode } from './portal.exception.js';
import { flash, pageLocals, redirectAfterSave } from './portal-view.js';
import { anchorId, applyEdit, describePath, SHIPMENT_NUMBER } from './shipment-form.js';
import { editorView, hasUnsentChanges, listRow, statusLabel } from './shipment-view.js';

const CARRIER_MODES = ['road', 'rail', 'sea', 'air', 'parcel', 'courier', 'other'];

/**
 * The ASN builder's pages (docs/asn-builder.md, "In the portal"): a supplier's ship notices, a new
 * one from its open orders, the draft editor (header, pallets, cartons, the order lines in them, each
 * change a plain form that saves the draft), validation shown next to what it is about, submitting,
 * the submitted notice with its labels, replacing it (a new revision) and cancelling it. Everything
 * goes through AsnBuilderService, which audits every change with the user as actor; another
 * partner's notice answers 404 there.
 */
@ApiExcludeController()
@Public()
@UseGuards(PortalGuard)
@UseFilters(PortalErrorFilter)
@PortalRoles(...SUPPLIER)
@Controller('portal/shipments')
export class PortalShipmentsController {
  constructor(
    private readonly builder: AsnBuilderService,
    private readonly shipments: PortalShipmentsRepository,
    private readonly partners: PartnerRegistry,
  ) {}

  @Get()
  @Render('shipments')
  async list(@Req() request: PortalRequest) {
    const notices = await this.builder.list(partnerOf(request), { limit: 200 });
    return pageLocals(
      request,
      this.partners,
      { title: 'Ship notices', nav: 'shipments' },
      { rows: notices.map(listRow) },
    );
  }

  @Get('new')
  @Render('shipment-new')
  async newNotice(@Req() request: PortalRequest, @Query('po') po: unknown) {
    const chosen = new Set([po].flat().filter((p): p is string => typeof p === 'string'));
    const orders = await this.shipments.openOrders(partnerOf(request));
    return pageLocals(
      request,
      this.partners,
      { title: 'New ship notice', nav: 'shipments' },
      { orders: orders.map((o) => ({ ...o, chosen: chosen.has(o.poNumber) })) },
    );
  }

  /** Starts a notice from the chosen orders: one loose carton per order holding its open lines. */
  @Post()
  async create(
    @Req() request: PortalRequest,
    @Res() response: Response,
    @Body() form: Record<string, unknown>,
  ) {
    const partnerId = partnerOf(request);
    const chosen = [...new Set([form.po].flat().filter((p): p is string => typeof p === 'string'))];
    const shipmentNumber =
      typeof form.shipmentNumber === 'string' && form.shipmentNumber.trim() !== ''
        ? form.shipmentNumber.trim()
        : undefined;
    const orders = chosen.length > 0 ? await this.shipments.openOrders(partnerId, chosen) : [];
    const problems = [
      ...(chosen.length === 0 ? ['Choose at least one order to ship.'] : []),
      // Not named: a later page shows the message, and it should say nothing of another partner's order.
      ...(chosen.some((po) => !orders.some((o) => o.poNumber === po))
        ? ['A chosen order is not one of your open orders (acknowledged, with quantity left to ship).']
        : []),
      ...(shipmentNumber !== undefined && !SHIPMENT_NUMBER.test(shipmentNumber)
        ? ['A shipment number has 1-35 letters, digits, . _ / -']
        : []),
    ];
    if (problems.length > 0) {
      for (const problem of problems) flash(request, 'error', problem);
      await redirectAfterSave(request, response, '/portal/shipments/new');
      return;
    }
    const body = {
      cartons: orders.map((order) => ({
        items: order.lines.map((l) => ({
          poNumber: order.poNumber,
          lineNumber: l.lineNumber,
          quantity: { value: l.open, unit: l.unit },
        })),
      })),
    };
    const draft = await this.saving(request, response, '/portal/shipments/new', () =>
      this.builder.create(partnerId, { shipmentNumber, body }, actorOf(portalUser(request))),
    );
    if (!draft) return;
    flash(
      request,
      'info',
      `Ship notice ${draft.shipmentNumber} started with one carton per order; pack it as you ship it.`,
    );
    await redirectAfterSave(request, response, `/portal/shipments/${draft.id}`);
  }

  /** A draft opens in the editor; a submitted or cancelled notice shows what was sent. */
  @Get(':id')
  async notice(
    @Req() request: PortalRequest,
    @Res() response: Response,
    @Param('id') id: string,
    @Query('check') check: unknown,
  ) {
    const draft = await this.builder.own(partnerOf(request), id);
    if (draft.status === 'draft') return this.renderEditor(request, response, draft, check === '1');
    const status = statusLabel(draft);
    response.render(
      'shipment',
      pageLocals(
        request,
        this.partners,
        { title: `Ship notice ${draft.shipmentNumber}`, nav: 'shipments' },
        {
          notice: { ...draft, status, unsent: hasUnsentChanges(draft), open: draft.status === 'submitted' },
          ...(await this.view(request, draft, [])),
        },
      ),
    );
  }

  /** Replace: the submitted notice in the editor; submitting it sends the next revision. */
  @Get(':id/replace')
  async replace(
    @Req() request: PortalRequest,
    @Res() response: Response,
    @Param('id') id: string,
    @Query('check') check: unknown,
  ) {
    const draft = await this.builder.own(partnerOf(request), id);
    if (draft.status !== 'submitted') {
      await redirectAfterSave(request, response, `/portal/shipments/${draft.id}`);
      return;
    }
    await this.renderEditor(request, response, draft, check === '1');
  }

  /** Every change of the editor: applies the form to the draft and saves it (resumable at any time). */
  @Post(':id/edit')
  async edit(
    @Req() request: PortalRequest,
    @Res() response: Response,
    @Param('id') id: string,
    @Body() form: Record<string, unknown>,
  ) {
    const partnerId = partnerOf(request);
    const draft = await this.builder.own(partnerId, id);
    const back = editorPath(draft);
    if (draft.status === 'cancelled')
      throw new PortalError(
        PortalErrorCode.InvalidInput,
        `Ship notice ${draft.shipmentNumber} was cancelled.`,
      );
    const orders = await this.builder.ordersOf(partnerId, draft.body);
    const open = await this.shipments.openOrders(partnerId);
    const unitOf = (po: string, line: string) =>
      (orders.get(po)?.lines ?? open.find((o) => o.poNumber === po)?.lines ?? []).find(
        (l) => l.lineNumber === line,
      )?.unit;
    const result = applyEdit(draft.body, form, unitOf);
    if ('problems' in result) {
      for (const problem of result.problems) flash(request, 'error', problem);
      await redirectAfterSave(request, response, back);
      return;
    }
    const saved = await this.saving(request, response, back, () =>
      this.builder.update(partnerId, draft.id, result.body, actorOf(portalUser(request))),
    );
    if (!saved) return;
    flash(request, 'info', 'Saved.');
    await redirectAfterSave(request, response, `${back}${anchorOf(form)}`);
  }

  /** Submits the draft (or the replacement); when it is not ready, back to the editor with every problem. */
  @Post(':id/submit')
  async submit(@Req() request: PortalRequest, @Res() response: Response, @Param('id') id: string) {
    const partnerId = partnerOf(request);
    const draft = await this.builder.own(partnerId, id);
    try {
      const { draft: sent, submission } = await this.builder.submit(
        partnerId,
        draft.id,
        actorOf(portalUser(request)),
      );
      flash(
        request,
        'info',
        `Ship notice ${sent.shipmentNumber} ${sent.revision === 0 ? 'was sent' : `was replaced (revision ${sent.revision})`} as document ${submission.interchangeId}.`,
      );
      await redirectAfterSave(request, response, `/portal/shipments/${sent.id}`);
    } catch (error) {
      if (!(error instanceof AsnBuilderError) || (error.httpStatus !== 422 && error.httpStatus !== 409))
        throw error;
      if (error.httpStatus === 409) {
        // Not a problem of the notice's content: it is being sent, or cannot be sent in its state.
        flash(request, 'error', `Not sent: ${error.message}.`);
        await redirectAfterSave(request, response, `/portal/shipments/${draft.id}`);
        return;
      }
      flash(request, 'error', `Not sent: ${error.message}. Each problem is shown next to what it is about.`);
      await redirectAfterSave(request, response, `${editorPath(draft)}?check=1#problems`);
    }
  }

  /** The confirmation step before cancelling (no script needed). */
  @Get(':id/cancel')
  @Render('shipment-cancel')
  async confirmCancel(@Req() request: PortalRequest, @Param('id') id: string) {
    const draft = await this.builder.own(partnerOf(request), id);
    return pageLocals(
      request,
      this.partners,
      { title: `Cancel ship notice ${draft.shipmentNumber}`, nav: 'shipments' },
      { notice: { ...draft, status: statusLabel(draft) } },
    );
  }

  @Post(':id/cancel')
  async cancel(@Req() request: PortalRequest, @Res() response: Response, @Param('id') id: string) {
    const partnerId = partnerOf(request);
    const draft = await this.builder.own(partnerId, id);
    const wasSent = draft.status === 'submitted';
    let cancelled: ShipNoticeDraft;
    try {
      cancelled = await this.builder.cancel(partnerId, draft.id, actorOf(portalUser(request)));
    } catch (error) {
      // A revision still being sent: the notice's page says so, and the cancel can be tried again.
      if (!(error instanceof AsnBuilderError) || error.httpStatus !== 409) throw error;
      flash(request, 'error', `Not cancelled: ${error.message}.`);
      await redirectAfterSave(request, response, `/portal/shipments/${draft.id}`);
      return;
    }
    flash(
      request,
      'info',
      wasSent
        ? `Ship notice ${cancelled.shipmentNumber} was cancelled; the cancellation was sent (revision ${cancelled.revision}).`
        : `Ship notice ${cancelled.shipmentNumber} is cancelled.`,
    );
    await redirectAfterSave(request, response, `/portal/shipments/${cancelled.id}`);
  }

  /** The label sheet to print: one label per pallet and carton, the partner's template (labels.ts). */
  @Get(':id/labels')
  async labels(@Req() request: PortalRequest, @Res() response: Response, @Param('id') id: string) {
    const partnerId = partnerOf(request);
    const draft = await this.builder.own(partnerId, id);
    const orders = await this.builder.ordersOf(partnerId, draft.body);
    const shipTo = [...orders.values()][0]?.order.shipTo ?? '';
    response
      .type('text/html')
      // The sheet is a standalone page with its own print styles and inline SVG barcodes, no script.
      .set('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; img-src data:")
      .send(labelSheet(draft, this.partners.require(partnerId), shipTo));
  }

  private async renderEditor(
    request: PortalRequest,
    response: Response,
    draft: ShipNoticeDraft,
    check: boolean,
  ): Promise<void> {
    const partnerId = partnerOf(request);
    const problems = check ? await this.builder.validate(partnerId, draft.id) : [];
    const replacing = draft.status === 'submitted';
    response.render(
      'shipment-editor',
      pageLocals(
        request,
        this.partners,
        {
          title: `${replacing ? 'Replace' : 'Draft'} ship notice ${draft.shipmentNumber}`,
          nav: 'shipments',
        },
        {
          notice: { ...draft, status: statusLabel(draft), replacing },
          checked: check,
          ready: check && problems.length === 0,
          base: editorPath(draft),
          modes: CARRIER_MODES.map((m) => ({ value: m, selected: m === draft.body.carrier?.mode })),
          ...(await this.view(request, draft, problems)),
        },
      ),
    );
  }

  private async view(
    request: PortalRequest,
    draft: ShipNoticeDraft,
    problems: Parameters<typeof editorView>[0]['problems'],
  ) {
    const partnerId = partnerOf(request);
    const [orders, openOrders] = await Promise.all([
      this.builder.ordersOf(partnerId, draft.body),
      draft.status === 'cancelled' ? Promise.resolve([]) : this.shipments.openOrders(partnerId),
    ]);
    return editorView({
      draft,
      problems,
      orders,
      openOrders,
      prefixLength: this.partners.require(partnerId).shipping?.gs1CompanyPrefix.length ?? 7,
    });
  }

  /**
   * Runs a save of the builder; its refusals (a malformed body, a taken shipment number, a cancelled
   * notice) go back to the form as messages instead of an error page.
   */
  private async saving<T>(
    request: PortalRequest,
    response: Response,
    back: string,
    save: () => Promise<T>,
  ): Promise<T | undefined> {
    try {
      return await save();
    } catch (error) {
      if (!(error instanceof AsnBuilderError) || error.httpStatus === 404) throw error;
      flash(request, 'error', error.message);
      for (const p of error.problems) flash(request, 'error', `${describePath(p.path)}: ${p.message}`);
      await redirectAfterSave(request, response, back);
      return undefined;
    }
  }
}

/** Where a notice is edited: a draft on its own page, a submitted notice on its replace page. */
function editorPath(draft: ShipNoticeDraft): string {
  return `/portal/shipments/${draft.id}${draft.status === 'submitted' ? '/replace' : ''}`;
}

/** Back to the thing just changed (an id from the form's `path`/`carton`), so the page does not jump. */
function anchorOf(form: Record<string, unknown>): string {
  const path = [form.carton, form.path].find((v): v is string => typeof v === 'string');
  if (form.op === 'header') return '#header';
  return path && /^[a-z0-9.]+$/.test(path) && form.op !== 'remove' ? `#${anchorId(path)}` : '#packs';
}
