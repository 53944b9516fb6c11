import { Injectable } from '@nestjs/common';
import { InterchangeNotFoundError } from '../interchanges/interchange.types.js';
import { defineJob, PermanentJobError, type JobHandler } from '../platform/jobs/job-definition.js';
import { HandlesJob } from '../platform/jobs/job-handler.decorator.js';
import { EdifactIntakeError, EdifactIntakeService } from './edifact-intake.service.js';

export interface EdifactIntakePayload {
  /** The inbound archive row to check. */
  readonly interchangeId: string;
}

/**
 * Checks an archived EDIFACT receipt (sender binding, duplicate window, CONTRL). Channels enqueue it in
 * the transaction that archives the receipt, keyed by the archive id, so it runs once per row.
 */
export const EdifactIntakeJob = defineJob<EdifactIntakePayload>('translation.edifact-intake');

@Injectable()
@HandlesJob(EdifactIntakeJob)
export class EdifactIntakeJobHandler implements JobHandler<EdifactIntakePayload> {
  constructor(private readonly intake: EdifactIntakeService) {}

  async handle(payload: EdifactIntakePayload): Promise<void> {
    try {
      await this.intake.check(payload.interchangeId);
    } catch (error) {
      // A missing row or one in another state will not change by retrying.
      if (error instanceof InterchangeNotFoundError || error instanceof EdifactIntakeError) {
        throw new PermanentJobError(error.message, { cause: error });
      }
      throw error;
    }
  }
}
