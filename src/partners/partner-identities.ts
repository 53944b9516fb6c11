import type { PartnerProfile } from './partner-profile.schema.js';

/** One identity a profile claims, with where it sits in the profile. */
export interface IdentityClaim {
  readonly partnerId: string;
  /** Path inside the profile, e.g. `['identities', 'x12', 0]`. */
  readonly path: readonly (string | number)[];
  /** How an operator reads it: `ISA ZZ/ACMEFAST`, `GS ACMEFAST`, `UNB 5790000012345:14`, `AS2 acme-as2`. */
  readonly label: string;
}

/** Two claims on the same identity: documents with it could not be told apart. */
export interface IdentityConflict {
  readonly first: IdentityClaim;
  readonly second: IdentityClaim;
}

export function x12Key(qualifier: string, id: string): string {
  return `${qualifier.trim().toUpperCase()}/${id.trim().toUpperCase()}`;
}

export function gsKey(id: string): string {
  return id.trim().toUpperCase();
}

export function edifactKey(id: string): string {
  return id.trim().toUpperCase();
}

// AS2 names are compared case-sensitively (RFC 4130 §6.2); only surrounding blanks are not part of them.
export function as2Key(id: string): string {
  return id.trim();
}

/**
 * Every pair of claims that would make an inbound envelope ambiguous, within one profile or across
 * profiles, in the order the profiles are given. A UNB id without a qualifier matches that id under
 * any qualifier, so it clashes with every claim on the same id.
 */
export function findIdentityConflicts(profiles: readonly PartnerProfile[]): IdentityConflict[] {
  const conflicts: IdentityConflict[] = [];
  const exact = new Map<string, IdentityClaim>();
  const edifact = new Map<string, { qualifier: string | undefined; claim: IdentityClaim }[]>();

  const claimExact = (key: string, claim: IdentityClaim) => {
    const first = exact.get(key);
    if (first) conflicts.push({ first, second: claim });
    else exact.set(key, claim);
  };

  for (const profile of profiles) {
    const partnerId = profile.id;
    profile.identities.x12.forEach((x, i) =>
      claimExact(`x12:${x12Key(x.qualifier, x.id)}`, {
        partnerId,
        path: ['identities', 'x12', i],
        label: `ISA ${x.qualifier}/${x.id}`,
      }),
    );
    profile.identities.gs.forEach((id, i) =>
      claimExact(`gs:${gsKey(id)}`, { partnerId, path: ['identities', 'gs', i], label: `GS ${id}` }),
    );
    profile.identities.as2.forEach((id, i) =>
      claimExact(`as2:${as2Key(id)}`, { partnerId, path: ['identities', 'as2', i], label: `AS2 ${id}` }),
    );
    profile.identities.edifact.forEach((e, i) => {
      const claim: IdentityClaim = {
        partnerId,
        path: ['identities', 'edifact', i],
        label: `UNB ${e.id}${e.qualifier ? `:${e.qualifier}` : ''}`,
      };
      const key = edifactKey(e.id);
      const earlier = edifact.get(key) ?? [];
      const clash = earlier.find((c) => !c.qualifier || !e.qualifier || c.qualifier === e.qualifier);
      if (clash) conflicts.push({ first: clash.claim, second: claim });
      else edifact.set(key, [...earlier, { qualifier: e.qualifier, claim }]);
    });
  }
  return conflicts;
}
