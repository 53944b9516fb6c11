import {
  Injectable,
  UnauthorizedException,
  ForbiddenException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import type { GatewayConfig } from '../config/config.js';
import { InjectConfig } from '../config/config.module.js';
import { PartnerRegistry } from '../partners/partner-registry.js';
import { sameSecret } from './access-token.js';
import { ACCESS_RULE, admits, type AccessRule } from './access-rules.js';
import { IdentityService } from './identity.service.js';
import type { Principal } from './principal.js';

export interface AuthenticatedRequest extends Request {
  principal?: Principal;
}

/** The principal of the configured bootstrap admin token (for first setup and automation). */
export const BOOTSTRAP_ADMIN: Principal = {
  kind: 'user',
  userId: 'bootstrap-admin',
  email: 'admin@localhost',
  role: 'admin',
  partnerId: null,
};

/**
 * One guard for every route: authenticates the bearer token, then applies the route's access rule.
 * Routes without a rule never get here: the application refuses to start (route-rules.check.ts).
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly identity: IdentityService,
    private readonly partners: PartnerRegistry,
    @InjectConfig() private readonly config: GatewayConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const rule = this.reflector.getAllAndOverride<AccessRule | undefined>(ACCESS_RULE, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (!rule) throw new ForbiddenException('this route has no access rule');
    if (rule.public) return true;

    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const principal = await this.authenticate(request);
    if (!principal) {
      throw new UnauthorizedException('a valid bearer token is required (Authorization: Bearer <token>)');
    }
    request.principal = principal;
    if (!admits(rule, principal)) {
      throw new ForbiddenException(`this route does not admit ${describeKind(principal)}`);
    }
    return true;
  }

  private async authenticate(request: Request): Promise<Principal | undefined> {
    const header = request.header('authorization');
    const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    if (!match) return undefined;
    const token = match[1]!;
    if (this.config.BOOTSTRAP_ADMIN_TOKEN && sameSecret(token, this.config.BOOTSTRAP_ADMIN_TOKEN))
      return BOOTSTRAP_ADMIN;
    const principal = await this.identity.authenticate(token);
    // A credential of a partner no longer in the registry authenticates nobody.
    if (principal?.kind === 'partner' && !this.partners.get(principal.partnerId)) return undefined;
    if (principal?.kind === 'user' && principal.partnerId && !this.partners.get(principal.partnerId))
      return undefined;
    return principal;
  }
}

function describeKind(principal: Principal): string {
  switch (principal.kind) {
    case 'partner':
      return `this partner credential (scopes: ${principal.scopes.join(', ') || 'none'})`;
    case 'system':
      return `this system client (scopes: ${principal.scopes.join(', ') || 'none'})`;
    case 'user':
      return `the role ${principal.role}`;
  }
}
