import { defineJob } from '../platform/jobs/job-definition.js';

export interface EdifactTranslationPayload {
  /** The inbound archive row the EDIFACT intake accepted. */
  readonly interchangeId: string;
}

/**
 * Translates an accepted EDIFACT receipt into canonical events. The intake enqueues it in its own
 * transaction when it leaves the row `processing`, keyed by the archive id, so it runs once per row.
 */
export const EdifactTranslationJob = defineJob<EdifactTranslationPayload>('translation.edifact-translate');
