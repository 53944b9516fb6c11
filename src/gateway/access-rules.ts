import { SetMetadata } from '@nestjs/common';
import type { PartnerScope, SystemScope, UserRole } from './principal.js';

export const ACCESS_RULE = 'supplier-gateway:access-rule';

/**
 * Which principals a route admits. A kind left out is refused. A partner credential needs every
 * listed partner scope, a system client every listed system scope, a user one of the roles.
 */
export interface AccessRule {
  readonly public?: true;
  readonly partner?: readonly PartnerScope[];
  readonly system?: readonly SystemScope[];
  readonly roles?: readonly UserRole[];
}

/** Open to anyone, authenticated or not (health, metrics, the token endpoint). */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(ACCESS_RULE, { public: true });

/** Admits the named principals; every route needs this or `@Public()`, or the application does not start. */
export const Allow = (rule: Omit<AccessRule, 'public'>): MethodDecorator & ClassDecorator => {
  if (!rule.partner && !rule.system && !rule.roles?.length) {
    throw new Error('@Allow() must admit at least one kind of principal');
  }
  return SetMetadata(ACCESS_RULE, rule);
};

/** Does the rule admit this principal? Pure, so it is tested on its own. */
export function admits(
  rule: AccessRule,
  principal:
    | { kind: 'partner'; scopes: readonly string[] }
    | { kind: 'system'; scopes: readonly string[] }
    | { kind: 'user'; role: UserRole },
): boolean {
  if (rule.public) return true;
  switch (principal.kind) {
    case 'partner':
      return rule.partner !== undefined && rule.partner.every((scope) => principal.scopes.includes(scope));
    case 'system':
      return rule.system !== undefined && rule.system.every((scope) => principal.scopes.includes(scope));
    case 'user':
      return rule.roles !== undefined && rule.roles.includes(principal.role);
  }
}
