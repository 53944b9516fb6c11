import { SetMetadata } from '@nestjs/common';
import type { JobDefinition } from './job-definition.js';

export const JOB_HANDLER_METADATA = 'supplier-gateway:job-handler';

/** Marks a provider as the handler of one job. The provider must implement `JobHandler`. */
export const HandlesJob = (definition: JobDefinition<any>): ClassDecorator =>
  SetMetadata(JOB_HANDLER_METADATA, definition);
