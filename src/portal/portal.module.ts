import { Module } from '@nestjs/common';
import type { GatewayConfig } from '../config/config.js';
import { GATEWAY_CONFIG } from '../config/config.module.js';
import { AuditModule } from '../audit/audit.module.js';
import { ExceptionsModule } from '../exceptions/exceptions.module.js';
import { GatewayModule } from '../gateway/gateway.module.js';
import { MailSender } from '../notifications/mail-sender.js';
import { loadNotificationSettings, NOTIFICATION_SETTINGS } from '../notifications/notification-settings.js';
import { OutboundModule } from '../outbound/outbound.module.js';
import { JobsModule } from '../platform/jobs/jobs.module.js';
import { PartnersModule } from '../partners/partners.module.js';
import { ProcurementModule } from '../procurement/procurement.module.js';
import { TranslationModule } from '../translation/translation.module.js';
import { PartnerApiModule } from '../transports/api/partner-api.module.js';
import { As2Module } from '../transports/as2/as2.module.js';
import { PortalGuard } from './portal-access.js';
import { PortalAccountsService } from './portal-accounts.service.js';
import { PortalLinksService } from './portal-links.service.js';
import { PortalLoginService } from './portal-login.service.js';
import { PortalAuthController } from './portal-auth.controller.js';
import { PortalErrorFilter } from './portal-error.filter.js';
import { PortalLinkMailer } from './portal-link-mail.js';
import { PortalResetMailJobHandler } from './portal-reset-mail.job.js';
import { PORTAL_JOBS } from './portal.jobs.js';
import { PortalUsersController } from './portal-users.controller.js';
import { PortalCredentialsController } from './portal-credentials.controller.js';
import { PortalDocumentsController } from './portal-documents.controller.js';
import { PortalOrdersController } from './portal-orders.controller.js';
import { PortalOrdersRepository } from './portal-orders.repository.js';
import { PortalSso } from './portal-sso.js';
import { PortalThrottle } from './portal-throttle.js';
import { PortalSubmissions } from './portal-submissions.js';
import { PortalShipmentsController } from './portal-shipments.controller.js';
import { PortalShipmentsRepository } from './portal-shipments.repository.js';
import { PortalTrackingController } from './portal-tracking.controller.js';
import { PortalPartnersController } from './portal-partners.controller.js';
import { PartnerScorecardsService } from './scorecards/partner-scorecards.service.js';
import { ScorecardRepository } from './scorecards/scorecard.repository.js';
import { WorkbenchController } from './workbench/workbench.controller.js';
import { WorkbenchExceptionService } from './workbench/workbench-exception.service.js';
import { WorkbenchQueueRepository } from './workbench/workbench-queue.repository.js';
import { ShippingModule } from '../shipping/shipping.module.js';
import { TrackingModule } from '../tracking/tracking.module.js';
import { ReplenishmentModule } from '../replenishment/replenishment.module.js';

/**
 * The supplier portal (docs/portal.md): server-rendered pages under /portal over the same services
 * the partner API uses. Templates live in the repo's portal/ folder; setupPortal() (portal-setup.ts)
 * installs the view engine and the database-backed sessions. Mail goes through the notifications
 * module's SMTP settings (NOTIFY_SMTP_URL, NOTIFY_FROM); answers and uploads through the partner
 * API's submission service (PartnerApiModule), so they are archived and applied exactly like API
 * submissions.
 */
@Module({
  imports: [
    JobsModule.forFeature(PORTAL_JOBS),
    AuditModule,
    GatewayModule,
    PartnersModule,
    ExceptionsModule,
    TranslationModule,
    ProcurementModule,
    PartnerApiModule,
    As2Module,
    ShippingModule,
    TrackingModule,
    ReplenishmentModule,
    OutboundModule,
  ],
  controllers: [
    PortalAuthController,
    PortalUsersController,
    PortalOrdersController,
    PortalDocumentsController,
    PortalCredentialsController,
    PortalShipmentsController,
    WorkbenchController,
    PortalTrackingController,
    PortalPartnersController,
  ],
  providers: [
    {
      provide: NOTIFICATION_SETTINGS,
      inject: [GATEWAY_CONFIG],
      useFactory: (config: GatewayConfig) => loadNotificationSettings(config),
    },
    MailSender,
    PortalLinkMailer,
    PortalResetMailJobHandler,
    PortalAccountsService,
    PortalLoginService,
    PortalLinksService,
    PortalGuard,
    PortalErrorFilter,
    PortalSubmissions,
    PortalOrdersRepository,
    PartnerScorecardsService,
    ScorecardRepository,
    PortalSso,
    PortalThrottle,
    WorkbenchQueueRepository,
    WorkbenchExceptionService,
    PortalShipmentsRepository,
  ],
})
export class PortalModule {}
