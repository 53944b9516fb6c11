/** Key of the REST answer inside the archive row's `answer` (the intakes keep theirs beside it). */
export const API_ANSWER_KEY = 'api';

export type DocumentFormat = 'x12' | 'edifact' | 'json';

const MEDIA_TYPES: Readonly<Record<string, DocumentFormat>> = {
  'application/edi-x12': 'x12',
  'application/edifact': 'edifact',
  'application/json': 'json',
};

/** The format a Content-Type names (RFC 1767 EDI media types, JSON), parameters and case ignored. */
export function formatOf(contentType: string | undefined): DocumentFormat | undefined {
  const media = contentType?.split(';')[0]?.trim().toLowerCase();
  return media === undefined ? undefined : MEDIA_TYPES[media];
}

/** What a submission is answered: the interchange, its processing state and what it produced. */
export interface SubmissionResult {
  readonly interchangeId: string;
  /** received (queued for the intake), processed, rejected, … as GET /partner/v1/documents/{id} reports. */
  readonly status: string;
  readonly format: DocumentFormat | null;
  readonly documentType: string | null;
  /** Canonical events stored from a JSON document (EDI: see the status endpoint once processed). */
  readonly events: readonly { readonly id: string; readonly type: string; readonly stored: boolean }[];
  readonly links: { readonly self: string; readonly acknowledgment: string | null };
}

/** The answer recorded on the archive row: a success body, or the problem the caller was told. */
export type RecordedAnswer =
  | { readonly httpStatus: number; readonly body: SubmissionResult }
  | {
      readonly httpStatus: number;
      readonly problem: { readonly code: string; readonly message: string; readonly details: string[] };
    };
