import { Module, type DynamicModule } from '@nestjs/common';
import type { Logger } from 'pino';
import type { GatewayConfig } from './config/config.js';
import { AuditModule } from './audit/audit.module.js';
import { ConfigModule } from './config/config.module.js';
import { DatabaseModule } from './platform/database/database.module.js';
import { ErpModule } from './erp/erp.module.js';
import type { DatabaseEndpoint } from './platform/database/database-endpoint.js';
import { GatewayModule } from './gateway/gateway.module.js';
import { ExceptionsModule } from './exceptions/exceptions.module.js';
import { InterchangesModule } from './interchanges/interchanges.module.js';
import { DiagnosticsModule } from './platform/diagnostics/diagnostics.module.js';
import { HttpModule } from './platform/http/http.module.js';
import { HealthModule } from './platform/health/health.module.js';
import { JobsModule } from './platform/jobs/jobs.module.js';
import { LoggingModule } from './platform/logging/logging.module.js';
import { MetricsModule } from './platform/metrics/metrics.module.js';
import { NotificationsModule } from './notifications/notifications.module.js';
import { OutboundModule } from './outbound/outbound.module.js';
import { PartnersModule } from './partners/partners.module.js';
import { PortalModule } from './portal/portal.module.js';
import { ProcurementModule } from './procurement/procurement.module.js';
import { ReplenishmentModule } from './replenishment/replenishment.module.js';
import { TranslationModule } from './translation/translation.module.js';
import { PartnerApiModule } from './transports/api/partner-api.module.js';
import { As2Module } from './transports/as2/as2.module.js';
import { SftpModule } from './transports/sftp/sftp.module.js';
import { ShippingModule } from './shipping/shipping.module.js';
import { TrackingModule } from './tracking/tracking.module.js';

export interface AppRuntime {
  readonly config: GatewayConfig;
  readonly endpoint: DatabaseEndpoint;
  readonly logger: Logger;
}

/** The whole gateway. Roles decide what runs (HTTP, jobs), not which modules load. */
@Module({})
export class AppModule {
  static forRoot(runtime: AppRuntime): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(runtime.config),
        LoggingModule.forRoot(runtime.logger),
        DatabaseModule.forRoot(runtime.endpoint),
        HttpModule,
        MetricsModule,
        JobsModule.forRoot(runtime.config),
        HealthModule,
        DiagnosticsModule,
        InterchangesModule,
        PartnersModule,
        AuditModule,
        ExceptionsModule,
        GatewayModule,
        TranslationModule,
        ErpModule,
        NotificationsModule,
        ProcurementModule,
        OutboundModule,
        ReplenishmentModule,
        PartnerApiModule,
        SftpModule,
        As2Module,
        ShippingModule,
        TrackingModule,
        PortalModule,
      ],
    };
  }
}
