import { Injectable } from '@nestjs/common';
import { InterchangeNotFoundError } from '../interchanges/interchange.types.js';
import { PermanentJobError, type JobHandler } from '../platform/jobs/job-definition.js';
import { HandlesJob } from '../platform/jobs/job-handler.decorator.js';
import { X12MapError } from '../edi/x12/maps/index.js';
import {
  EdifactTranslationJob,
  type EdifactTranslationPayload,
} from './edifact-translation.job-definition.js';
import { EdifactTranslationError, EdifactTranslationService } from './edifact-translation.service.js';

export {
  EdifactTranslationJob,
  type EdifactTranslationPayload,
} from './edifact-translation.job-definition.js';

@Injectable()
@HandlesJob(EdifactTranslationJob)
export class EdifactTranslationJobHandler implements JobHandler<EdifactTranslationPayload> {
  constructor(private readonly translation: EdifactTranslationService) {}

  async handle(payload: EdifactTranslationPayload): Promise<void> {
    try {
      await this.translation.translate(payload.interchangeId);
    } catch (error) {
      // A missing row, a row in another state or a broken partner map will not change by retrying.
      if (
        error instanceof InterchangeNotFoundError ||
        error instanceof EdifactTranslationError ||
        error instanceof X12MapError
      )
        throw new PermanentJobError(error.message, { cause: error });
      throw error;
    }
  }
}
