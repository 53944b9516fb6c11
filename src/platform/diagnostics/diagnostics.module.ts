import { Module } from '@nestjs/common';
import { JobsModule } from '../jobs/jobs.module.js';
import { DiagnosticsService } from './diagnostics.service.js';
import { ProbeJob, ProbeJobHandler } from './probe.job.js';

@Module({
  imports: [JobsModule.forFeature([ProbeJob])],
  providers: [ProbeJobHandler, DiagnosticsService],
  exports: [DiagnosticsService],
})
export class DiagnosticsModule {}
