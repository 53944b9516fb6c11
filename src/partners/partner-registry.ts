import { Inject, Injectable } from '@nestjs/common';
import { as2Key, edifactKey, findIdentityConflicts, gsKey, x12Key } from './partner-identities.js';
import type { PartnerProfile } from './partner-profile.schema.js';
import { PartnerError, PartnerErrorCode } from './partner.exception.js';

/** The validated profiles the registry is built from; provided by `PartnersModule`. */
export const PARTNER_PROFILES = Symbol('PARTNER_PROFILES');

interface CrossReferences {
  readonly ourMaterial: ReadonlyMap<string, string>;
  readonly theirPart: ReadonlyMap<string, string>;
  readonly units: ReadonlyMap<string, string>;
  readonly ourLocation: ReadonlyMap<string, string>;
  readonly theirLocation: ReadonlyMap<string, string>;
}

/**
 * Every trading partner, found by id or by the identity an envelope carries, and the partner's
 * cross-references. Lookups normalise their input the way profiles are normalised (X12 and EDIFACT
 * ids upper-cased and trimmed, AS2 ids trimmed), so callers pass what the document says.
 */
@Injectable()
export class PartnerRegistry {
  private readonly byId = new Map<string, PartnerProfile>();
  private readonly x12 = new Map<string, PartnerProfile>();
  private readonly gs = new Map<string, PartnerProfile>();
  private readonly edifact = new Map<string, { qualifier?: string; profile: PartnerProfile }[]>();
  private readonly as2 = new Map<string, PartnerProfile>();
  private readonly references = new Map<string, CrossReferences>();

  constructor(@Inject(PARTNER_PROFILES) profiles: readonly PartnerProfile[]) {
    // The loader reports these with file and line; this guards registries built any other way.
    const conflicts = findIdentityConflicts(profiles);
    if (conflicts.length > 0)
      throw new PartnerError(
        PartnerErrorCode.DuplicateIdentity,
        conflicts.map(
          (c) => `${c.second.label} is claimed by ${c.first.partnerId} and ${c.second.partnerId}`,
        ),
      );
    for (const profile of [...profiles].sort((a, b) => a.id.localeCompare(b.id))) {
      if (this.byId.has(profile.id))
        throw new PartnerError(PartnerErrorCode.DuplicateIdentity, [
          `partner ${profile.id} is defined twice`,
        ]);
      this.byId.set(profile.id, profile);
      for (const x of profile.identities.x12) this.x12.set(x12Key(x.qualifier, x.id), profile);
      for (const id of profile.identities.gs) this.gs.set(gsKey(id), profile);
      for (const id of profile.identities.as2) this.as2.set(as2Key(id), profile);
      for (const e of profile.identities.edifact) {
        const key = edifactKey(e.id);
        this.edifact.set(key, [...(this.edifact.get(key) ?? []), { qualifier: e.qualifier, profile }]);
      }
      const { parts, units, locations } = profile.crossReferences;
      this.references.set(profile.id, {
        ourMaterial: new Map(parts.map((p) => [p.theirs, p.ours])),
        theirPart: new Map(parts.map((p) => [p.ours, p.theirs])),
        units: new Map(Object.entries(units)),
        ourLocation: new Map(locations.map((l) => [l.theirs, l.ours])),
        theirLocation: new Map(locations.map((l) => [l.ours, l.theirs])),
      });
    }
  }

  get(id: string): PartnerProfile | undefined {
    return this.byId.get(id);
  }

  /** Like `get`, for callers that already know the partner exists (an authenticated channel). */
  require(id: string): PartnerProfile {
    const profile = this.byId.get(id);
    if (!profile) throw new PartnerError(PartnerErrorCode.UnknownPartner, [`no partner with id "${id}"`]);
    return profile;
  }

  /**
   * Whether the partner's API or portal channel is on. Unlike SFTP and AS2, which need settings and are
   * off unless enabled, these two need credentials or user accounts that an operator issues, so a
   * profile that does not name them leaves them on (the shipped examples do); `enabled: false`
   * switches one off (docs/partners.md).
   */
  channelOn(partnerId: string, channel: 'api' | 'portal'): boolean {
    return this.byId.get(partnerId)?.channels[channel]?.enabled !== false;
  }

  /** Every partner, sorted by id. */
  all(): readonly PartnerProfile[] {
    return [...this.byId.values()];
  }

  /** The partner an ISA sender (ISA05/ISA06) or receiver (ISA07/ISA08) belongs to. */
  byX12Interchange(qualifier: string, id: string): PartnerProfile | undefined {
    return this.x12.get(x12Key(qualifier, id));
  }

  /** The partner a GS application sender or receiver code (GS02/GS03) belongs to. */
  byX12Group(id: string): PartnerProfile | undefined {
    return this.gs.get(gsKey(id));
  }

  /**
   * The partner a UNB sender or recipient belongs to. A profile id without a qualifier matches any
   * qualifier; an envelope without a qualifier matches only when the id alone is unambiguous.
   */
  byEdifact(id: string, qualifier?: string): PartnerProfile | undefined {
    const claims = this.edifact.get(edifactKey(id)) ?? [];
    const wanted = qualifier?.trim().toUpperCase() || undefined;
    const matches = wanted ? claims.filter((c) => !c.qualifier || c.qualifier === wanted) : claims;
    return matches.length === 1 ? matches[0]!.profile : undefined;
  }

  /** The partner an AS2-From or AS2-To name belongs to (case-sensitive, RFC 4130 §6.2). */
  byAs2(id: string): PartnerProfile | undefined {
    return this.as2.get(as2Key(id));
  }

  /** Our material number for the partner's part number, if the profile maps it. */
  ourMaterial(partnerId: string, theirPart: string): string | undefined {
    return this.refs(partnerId).ourMaterial.get(theirPart.trim());
  }

  /** The partner's part number for our material number, if the profile maps it. */
  theirPart(partnerId: string, ourMaterial: string): string | undefined {
    return this.refs(partnerId).theirPart.get(ourMaterial.trim());
  }

  /**
   * The UN/ECE Rec 20 code for a unit as the partner writes it, from the profile's cross-references.
   * Units the profile does not map are left to the standard code-list mapping of the translator.
   */
  rec20Unit(partnerId: string, theirUnit: string): string | undefined {
    return this.refs(partnerId).units.get(theirUnit.trim().toUpperCase());
  }

  /** Our plant or ship-to for the partner's location code. */
  ourLocation(partnerId: string, theirLocation: string): string | undefined {
    return this.refs(partnerId).ourLocation.get(theirLocation.trim());
  }

  /** The partner's code for our plant or ship-to. */
  theirLocation(partnerId: string, ourLocation: string): string | undefined {
    return this.refs(partnerId).theirLocation.get(ourLocation.trim());
  }

  private refs(partnerId: string): CrossReferences {
    const refs = this.references.get(partnerId);
    if (!refs) throw new PartnerError(PartnerErrorCode.UnknownPartner, [`no partner with id "${partnerId}"`]);
    return refs;
  }
}
