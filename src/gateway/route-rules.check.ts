import { Injectable, RequestMethod, type OnModuleInit } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { ACCESS_RULE, type AccessRule } from './access-rules.js';
import { GatewayError, GatewayErrorCode } from './gateway.exception.js';

/**
 * Refuses to start when any route lacks an access rule (`@Allow` or `@Public`): a route that
 * forgot its rule must not go live open or closed by accident.
 */
@Injectable()
export class RouteRulesCheck implements OnModuleInit {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
  ) {}

  onModuleInit(): void {
    const missing: string[] = [];
    for (const wrapper of this.discovery.getControllers()) {
      const controller = wrapper.metatype as (new (...args: unknown[]) => object) | null;
      if (!controller) continue;
      const prototype = controller.prototype as Record<string, unknown>;
      const classRule = this.reflector.get<AccessRule | undefined>(ACCESS_RULE, controller);
      for (const name of this.scanner.getAllMethodNames(prototype)) {
        const handler = prototype[name] as (...args: unknown[]) => unknown;
        if (this.reflector.get<string | undefined>(PATH_METADATA, handler) === undefined) continue;
        if (classRule || this.reflector.get<AccessRule | undefined>(ACCESS_RULE, handler)) continue;
        const method = RequestMethod[this.reflector.get<RequestMethod>(METHOD_METADATA, handler)] ?? 'GET';
        missing.push(`${controller.name}.${name} (${method})`);
      }
    }
    if (missing.length > 0) {
      throw new GatewayError(
        GatewayErrorCode.RouteWithoutRule,
        `routes without an access rule (@Allow or @Public): ${missing.join(', ')}`,
      );
    }
  }
}
