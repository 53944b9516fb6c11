import { defineJob } from '../platform/jobs/job-definition.js';

export interface X12TranslationPayload {
  /** The inbound archive row the intake accepted. */
  readonly interchangeId: string;
}

/**
 * Translates an accepted X12 receipt into canonical events. The intake enqueues it in its own
 * transaction when it leaves the row `processing`, keyed by the archive id, so it runs once per row.
 * (Defined apart from its handler so that the intake can enqueue it without importing the handler.)
 */
export const X12TranslationJob = defineJob<X12TranslationPayload>('translation.x12-translate');
