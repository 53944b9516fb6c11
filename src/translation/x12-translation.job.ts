import { Injectable } from '@nestjs/common';
import { InterchangeNotFoundError } from '../interchanges/interchange.types.js';
import { PermanentJobError, type JobHandler } from '../platform/jobs/job-definition.js';
import { HandlesJob } from '../platform/jobs/job-handler.decorator.js';
import { X12MapError } from '../edi/x12/maps/index.js';
import { X12TranslationJob, type X12TranslationPayload } from './x12-translation.job-definition.js';
import { X12TranslationError, X12TranslationService } from './x12-translation.service.js';

export { X12TranslationJob, type X12TranslationPayload } from './x12-translation.job-definition.js';

@Injectable()
@HandlesJob(X12TranslationJob)
export class X12TranslationJobHandler implements JobHandler<X12TranslationPayload> {
  constructor(private readonly translation: X12TranslationService) {}

  async handle(payload: X12TranslationPayload): Promise<void> {
    try {
      await this.translation.translate(payload.interchangeId);
    } catch (error) {
      // A missing row, a row in another state or a broken partner map will not change by retrying.
      if (
        error instanceof InterchangeNotFoundError ||
        error instanceof X12TranslationError ||
        error instanceof X12MapError
      )
        throw new PermanentJobError(error.message, { cause: error });
      throw error;
    }
  }
}
