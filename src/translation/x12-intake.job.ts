import { Injectable } from '@nestjs/common';
import { InterchangeNotFoundError } from '../interchanges/interchange.types.js';
import { defineJob, PermanentJobError, type JobHandler } from '../platform/jobs/job-definition.js';
import { HandlesJob } from '../platform/jobs/job-handler.decorator.js';
import { X12IntakeError, X12IntakeService } from './x12-intake.service.js';

export interface X12IntakePayload {
  /** The inbound archive row to check. */
  readonly interchangeId: string;
}

/**
 * Checks an archived X12 receipt (sender binding, duplicate window, acknowledgments). Channels enqueue
 * it in the transaction that archives the receipt, keyed by the archive id, so it runs once per row.
 */
export const X12IntakeJob = defineJob<X12IntakePayload>('translation.x12-intake');

@Injectable()
@HandlesJob(X12IntakeJob)
export class X12IntakeJobHandler implements JobHandler<X12IntakePayload> {
  constructor(private readonly intake: X12IntakeService) {}

  async handle(payload: X12IntakePayload): Promise<void> {
    try {
      await this.intake.check(payload.interchangeId);
    } catch (error) {
      // A missing row or one in another state will not change by retrying.
      if (error instanceof InterchangeNotFoundError || error instanceof X12IntakeError) {
        throw new PermanentJobError(error.message, { cause: error });
      }
      throw error;
    }
  }
}
