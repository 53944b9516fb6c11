import { Module } from '@nestjs/common';
import { ExceptionsModule } from '../exceptions/exceptions.module.js';
import { PartnersModule } from '../partners/partners.module.js';
import { JobsModule } from '../platform/jobs/jobs.module.js';
import { EdifactIntakeJob, EdifactIntakeJobHandler } from './edifact-intake.job.js';
import { EdifactIntakeService } from './edifact-intake.service.js';
import { EdifactIntakeContrlService } from './edifact-intake-contrl.service.js';
import { EdifactReferencesRepository } from './edifact-references.repository.js';
import { EdifactMapRegistry } from './edifact-map-registry.js';
import { EdifactOutboundService } from './edifact-outbound.service.js';
import { EdifactTranslationJob, EdifactTranslationJobHandler } from './edifact-translation.job.js';
import { EdifactTranslationService } from './edifact-translation.service.js';
import { X12ControlNumbersRepository } from './x12-control-numbers.repository.js';
import { X12IntakeJob, X12IntakeJobHandler } from './x12-intake.job.js';
import { X12IntakeService } from './x12-intake.service.js';
import { X12IntakeAckService } from './x12-intake-ack.service.js';
import { IntakeRecordService } from './intake-record.service.js';
import { CanonicalEventStore } from './canonical-event.store.js';
import { X12MapRegistry } from './x12-map-registry.js';
import { X12OutboundService } from './x12-outbound.service.js';
import { X12TranslationJob, X12TranslationJobHandler } from './x12-translation.job.js';
import { X12TranslationService } from './x12-translation.service.js';
import { PartnerRegistry } from '../partners/partner-registry.js';

/** The X12 maps, compiled at boot with every partner's overrides: a broken map stops the start. */
const mapRegistryProvider = {
  provide: X12MapRegistry,
  inject: [PartnerRegistry],
  useFactory: (partners: PartnerRegistry) => {
    const maps = new X12MapRegistry();
    for (const profile of partners.all()) maps.checkPartner(profile);
    return maps;
  },
};

/** The EDIFACT maps, compiled at boot with every partner's overrides: a broken map stops the start. */
const edifactMapRegistryProvider = {
  provide: EdifactMapRegistry,
  inject: [PartnerRegistry],
  useFactory: (partners: PartnerRegistry) => {
    const maps = new EdifactMapRegistry();
    for (const profile of partners.all()) maps.checkPartner(profile);
    return maps;
  },
};

/** Translation of archived receipts; for now the X12 and EDIFACT intakes (envelopes, sender binding, duplicates, acks). */
@Module({
  imports: [
    JobsModule.forFeature([X12IntakeJob, EdifactIntakeJob, X12TranslationJob, EdifactTranslationJob]),
    PartnersModule,
    ExceptionsModule,
  ],
  providers: [
    X12ControlNumbersRepository,
    IntakeRecordService,
    X12IntakeAckService,
    X12IntakeService,
    X12IntakeJobHandler,
    EdifactReferencesRepository,
    EdifactIntakeContrlService,
    EdifactIntakeService,
    EdifactIntakeJobHandler,
    mapRegistryProvider,
    CanonicalEventStore,
    X12TranslationService,
    X12TranslationJobHandler,
    X12OutboundService,
    edifactMapRegistryProvider,
    EdifactTranslationService,
    EdifactTranslationJobHandler,
    EdifactOutboundService,
  ],
  exports: [
    X12IntakeService,
    EdifactIntakeService,
    CanonicalEventStore,
    X12TranslationService,
    X12OutboundService,
    EdifactTranslationService,
    EdifactOutboundService,
  ],
})
export class TranslationModule {}
