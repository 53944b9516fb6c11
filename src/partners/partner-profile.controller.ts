import { Controller, Get, NotFoundException } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Allow } from '../gateway/access-rules.js';
import { CurrentPrincipal } from '../gateway/current-principal.decorator.js';
import { actingPartner, type Principal } from '../gateway/principal.js';
import { PartnerRegistry } from './partner-registry.js';
import type { PartnerProfile } from './partner-profile.schema.js';
import { ApiPartnerAccessResponses } from '../gateway/access-openapi.js';

/** What a partner sees of its own profile: what it exchanges with us and what we expect of it. */
export interface PartnerProfileView {
  readonly id: string;
  readonly name: string;
  readonly status: PartnerProfile['status'];
  readonly identities: PartnerProfile['identities'];
  readonly documents: PartnerProfile['documents'];
  readonly acknowledgments: PartnerProfile['acknowledgments'];
  readonly tolerances: PartnerProfile['tolerances'];
  /** How the X12 we send it is written (`encoding`: `utf8` by default, or `latin1`). */
  readonly x12: PartnerProfile['x12'];
  /** The channels that are on: `sftp` and `as2` when enabled, `api` and `portal` unless switched off. */
  readonly channels: string[];
}

/** The channels of a profile that are on (docs/partners.md, `channels`). */
function effectiveChannels(profile: PartnerProfile, registry: PartnerRegistry): string[] {
  return [
    ...(['sftp', 'as2'] as const).filter((name) => profile.channels[name]?.enabled === true),
    ...(['api', 'portal'] as const).filter((name) => registry.channelOn(profile.id, name)),
  ];
}

@ApiTags('partner API')
@ApiBearerAuth()
@ApiPartnerAccessResponses()
@Controller('partner/v1/profile')
export class PartnerProfileController {
  constructor(private readonly partners: PartnerRegistry) {}

  @Get()
  @Allow({ partner: ['profile:read'], roles: ['supplier-user', 'supplier-admin'] })
  @ApiOperation({
    summary: "The calling partner's own trading profile",
    description:
      "The profile the gateway holds for the caller's partner (identities, documents, channels, tolerances, and `x12.encoding`: the bytes the X12 orders and changes we send it are written in, `utf8` by default or `latin1` for ISO 8859-1); only one's own.",
  })
  @ApiOkResponse({
    content: {
      'application/json': {
        example: {
          id: 'acme-fasteners',
          name: 'Acme Fasteners Inc.',
          status: 'test',
          identities: { x12: [{ qualifier: 'ZZ', id: 'ACMEFAST' }], gs: ['ACMEFAST'], edifact: [], as2: [] },
          documents: {
            inbound: [{ standard: 'x12', version: '004010', type: '855' }],
            outbound: [
              {
                standard: 'x12',
                version: '004010',
                type: '850',
                format: { elementSeparator: '*', componentSeparator: '>', segmentTerminator: '~' },
              },
            ],
          },
          acknowledgments: { functional: '997', functionalSlaHours: 24, businessSlaHours: 48 },
          tolerances: { quantityPercent: 0, pricePercent: 0, dateDaysEarly: 0, dateDaysLate: 0 },
          x12: { encoding: 'utf8' },
          channels: ['sftp', 'api', 'portal'],
        },
      },
    },
  })
  profile(@CurrentPrincipal() principal: Principal): PartnerProfileView {
    // Scoped by the principal, never by a parameter: a partner can only ever see its own profile.
    const partnerId = actingPartner(principal);
    const profile = partnerId ? this.partners.get(partnerId) : undefined;
    if (!profile) throw new NotFoundException('no partner profile for this credential');
    return {
      id: profile.id,
      name: profile.name,
      status: profile.status,
      identities: profile.identities,
      documents: profile.documents,
      acknowledgments: profile.acknowledgments,
      tolerances: profile.tolerances,
      x12: profile.x12,
      channels: effectiveChannels(profile, this.partners),
    };
  }
}
