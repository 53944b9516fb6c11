import { Module } from '@nestjs/common';
import { APP_GUARD, DiscoveryModule } from '@nestjs/core';
import { PartnersModule } from '../partners/partners.module.js';
import { AccessGuard } from './access.guard.js';
import { IdentityService } from './identity.service.js';
import { MeController } from './me.controller.js';
import { RouteRulesCheck } from './route-rules.check.js';

/** Identity and access: principals, tokens, the guard on every route and the boot check of rules. */
@Module({
  imports: [DiscoveryModule, PartnersModule],
  controllers: [MeController],
  providers: [IdentityService, RouteRulesCheck, { provide: APP_GUARD, useClass: AccessGuard }],
  exports: [IdentityService],
})
export class GatewayModule {}
