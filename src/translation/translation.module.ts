import { Module } from '@nestjs/common';
import { ExceptionsModule } from '../exceptions/exceptions.module.js';
import { PartnersModule } from '../partners/partners.module.js';
import { JobsModule } from '../platform/jobs/jobs.module.js';
import { EdifactIntakeJob, EdifactIntakeJobHandler } from './edifact-intake.job.js';
import { EdifactIntakeService } from './edifact-intake.service.js';
import { EdifactReferencesRepository } from './edifact-references.repository.js';
import { X12ControlNumbersRepository } from './x12-control-numbers.repository.js';
import { X12IntakeJob, X12IntakeJobHandler } from './x12-intake.job.js';
import { X12IntakeService } from './x12-intake.service.js';

/** Translation of archived receipts; for now the X12 and EDIFACT intakes (envelopes, sender binding, duplicates, acks). */
@Module({
  imports: [JobsModule.forFeature([X12IntakeJob, EdifactIntakeJob]), PartnersModule, ExceptionsModule],
  providers: [
    X12ControlNumbersRepository,
    X12IntakeService,
    X12IntakeJobHandler,
    EdifactReferencesRepository,
    EdifactIntakeService,
    EdifactIntakeJobHandler,
  ],
  exports: [X12IntakeService, EdifactIntakeService],
})
export class TranslationModule {}
