import { Logger, Module, type LoggerService } from '@nestjs/common';
import { isEmbedded, type GatewayConfig } from '../config/config.js';
import { GATEWAY_CONFIG } from '../config/config.module.js';
import { formatProblem, loadPartnerProfiles } from './partner-loader.js';
import type { PartnerProfile } from './partner-profile.schema.js';
import { PartnerProfileController } from './partner-profile.controller.js';
import { PARTNER_PROFILES, PartnerRegistry } from './partner-registry.js';
import { PartnersAdminController } from './partners-admin.controller.js';
import { PartnerError, PartnerErrorCode } from './partner.exception.js';

/** Live partners that would run on the embedded database; empty on a PostgreSQL server. */
export function livePartnersOnEmbedded(
  config: GatewayConfig,
  profiles: readonly PartnerProfile[],
): PartnerProfile[] {
  return isEmbedded(config) ? profiles.filter((p) => p.status === 'live') : [];
}

/**
 * Loads PARTNERS_DIR for the application and refuses to boot on any invalid profile (listing every
 * problem) or on a live partner over the embedded database without the operator accepting the risk.
 */
export function loadPartnersForBoot(
  config: GatewayConfig,
  logger: Pick<LoggerService, 'warn' | 'log'> = new Logger('PartnersModule'),
): PartnerProfile[] {
  const { profiles, problems } = loadPartnerProfiles(config.PARTNERS_DIR);
  if (problems.length > 0) {
    throw new PartnerError(
      PartnerErrorCode.InvalidProfiles,
      problems.map(formatProblem),
      `${problems.length} problem${problems.length === 1 ? '' : 's'} in the partner profiles in ` +
        `${config.PARTNERS_DIR} (\`gateway partners check\` lists the same):`,
    );
  }

  const live = livePartnersOnEmbedded(config, profiles);
  if (live.length > 0) {
    const ids = live.map((p) => p.id).join(', ');
    // Documents are acknowledged to partners once committed; PGlite does not fsync, so an OS crash
    // or power loss can lose commits a live partner was already told about (DESIGN.md invariant 1).
    const risk =
      `partner${live.length === 1 ? '' : 's'} ${ids} ${live.length === 1 ? 'has' : 'have'} status live, ` +
      'but the gateway runs on the embedded database, which does not fsync: an operating-system crash ' +
      'or power loss can lose the last commits, including documents already acknowledged to the partner.';
    if (!config.EMBEDDED_ALLOW_LIVE_PARTNERS) {
      throw new PartnerError(PartnerErrorCode.LiveOnEmbedded, [
        `${risk} Set DATABASE_URL to a PostgreSQL server, set the partner's status to test, ` +
          'or set EMBEDDED_ALLOW_LIVE_PARTNERS=true to accept the risk.',
      ]);
    }
    logger.warn(`${risk} Accepted by EMBEDDED_ALLOW_LIVE_PARTNERS=true.`);
  }
  logger.log(`${profiles.length} partner profiles loaded from ${config.PARTNERS_DIR}`);
  return profiles;
}

/** The partner registry, loaded and validated at boot from PARTNERS_DIR. */
@Module({
  controllers: [PartnerProfileController, PartnersAdminController],
  providers: [
    {
      provide: PARTNER_PROFILES,
      // Same token as @InjectConfig(); a factory provider takes its dependencies through `inject`.
      inject: [GATEWAY_CONFIG],
      useFactory: (config: GatewayConfig) => loadPartnersForBoot(config),
    },
    PartnerRegistry,
  ],
  exports: [PartnerRegistry],
})
export class PartnersModule {}
