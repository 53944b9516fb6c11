import { Controller, Get, Param, Query, Render, Req, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { z } from 'zod';
import { Public } from '../gateway/access-rules.js';
import { PartnerRegistry } from '../partners/partner-registry.js';
import { partnerOf, PortalGuard, PortalRoles, SUPPLIER, type PortalRequest } from './portal-access.js';
import { PortalErrorFilter } from './portal-error.filter.js';
import { PortalError, PortalErrorCode } from './portal.exception.js';
import { pageLocals } from './portal-view.js';
import { HEALTH_SORTS, HEALTH_THRESHOLDS, sortHealth } from './scorecards/partner-health.js';
import { PartnerScorecardsService, type PartnerScorecard } from './scorecards/partner-scorecards.service.js';
import { PERIODS, scorecardView } from './scorecards/scorecard-view.js';

const periodQuery = z.object({
  months: z.coerce
    .number()
    .refine((n) => (PERIODS as readonly number[]).includes(n))
    .catch(6),
});
const listQuery = z.object({ sort: z.enum(HEALTH_SORTS).catch('status') });

/** The scorecard partial's locals: the period form, the charts and the table. */
function scorecardLocals(scorecard: PartnerScorecard, months: number, action: string) {
  return {
    scorecard: {
      ...scorecardView(scorecard.card),
      partnerId: scorecard.partnerId,
      name: scorecard.name,
      slaHours: scorecard.slaHours,
      months,
      action,
      periods: PERIODS.map((value) => ({ value, label: `Last ${value} months` })),
    },
  };
}

/**
 * Partner health and scorecards (#20, docs/scorecards.md): buyers and admins see every partner's
 * health and any partner's scorecard; a supplier's users see their own partner's scorecard only.
 * Read-only pages: nothing here changes state, so nothing is audited.
 */
@ApiExcludeController()
@Public()
@UseGuards(PortalGuard)
@UseFilters(PortalErrorFilter)
@Controller('portal')
export class PortalPartnersController {
  constructor(
    private readonly scorecards: PartnerScorecardsService,
    private readonly partners: PartnerRegistry,
  ) {}

  @Get('partners')
  @PortalRoles('buyer', 'admin')
  @Render('partners')
  async list(@Req() request: PortalRequest, @Query() raw: Record<string, unknown>) {
    const { sort } = listQuery.parse(raw);
    const health = sortHealth(await this.scorecards.health(), sort);
    return pageLocals(
      request,
      this.partners,
      { title: 'Partners', nav: 'partners' },
      {
        sort,
        sorts: [
          { value: 'status', label: 'Status (worst first)' },
          { value: 'name', label: 'Name' },
        ],
        thresholds: HEALTH_THRESHOLDS,
        partners: health.map((h) => ({ ...h, href: `/portal/partners/${encodeURIComponent(h.partnerId)}` })),
        counts: {
          failing: health.filter((h) => h.status === 'failing').length,
          attention: health.filter((h) => h.status === 'attention').length,
          ok: health.filter((h) => h.status === 'ok').length,
        },
      },
    );
  }

  @Get('partners/:partnerId')
  @PortalRoles('buyer', 'admin')
  @Render('partner')
  async partner(
    @Req() request: PortalRequest,
    @Param('partnerId') partnerId: string,
    @Query() raw: Record<string, unknown>,
  ) {
    const profile = this.partners.get(partnerId);
    if (!profile) throw new PortalError(PortalErrorCode.NotFound, `There is no partner ${partnerId}.`);
    const { months } = periodQuery.parse(raw);
    const [[health], scorecard] = await Promise.all([
      this.scorecards.health([profile.id]),
      this.scorecards.scorecard(profile.id, months),
    ]);
    return pageLocals(
      request,
      this.partners,
      { title: `Partner ${profile.name}`, nav: 'partners' },
      {
        health,
        thresholds: HEALTH_THRESHOLDS,
        ...scorecardLocals(scorecard, months, `/portal/partners/${encodeURIComponent(profile.id)}`),
      },
    );
  }

  @Get('scorecard')
  @PortalRoles(...SUPPLIER)
  @Render('scorecard')
  async own(@Req() request: PortalRequest, @Query() raw: Record<string, unknown>) {
    const partnerId = partnerOf(request);
    const { months } = periodQuery.parse(raw);
    const scorecard = await this.scorecards.scorecard(partnerId, months);
    return pageLocals(
      request,
      this.partners,
      { title: 'Scorecard', nav: 'scorecard' },
      scorecardLocals(scorecard, months, '/portal/scorecard'),
    );
  }
}
