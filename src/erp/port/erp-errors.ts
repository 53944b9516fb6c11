/**
 * How an ERP call failed, in the one distinction posting depends on: whether the effect may have
 * happened. `unavailable` means it did not (refused before processing, connection refused), so a
 * retry is safe. `outcome-unknown` means it may have (timeout, connection dropped after sending,
 * a gateway error after the ERP received the call): before retrying, an ERP that ignores
 * idempotency keys must be asked by external reference. `rejected` is the ERP's business answer
 * (validation, stale revision); retrying cannot change it.
 */
export const ERP_FAILURES = ['unavailable', 'outcome-unknown', 'rejected', 'conflict'] as const;
export type ErpFailure = (typeof ERP_FAILURES)[number];

export class ErpCallError extends Error {
  constructor(
    readonly failure: ErpFailure,
    message: string,
    readonly details: readonly string[] = [],
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ErpCallError';
  }

  /** True when the ERP may hold the effect although the call failed. */
  get mayHaveCommitted(): boolean {
    return this.failure === 'outcome-unknown';
  }

  get retryable(): boolean {
    return this.failure === 'unavailable' || this.failure === 'outcome-unknown';
  }
}

export function erpUnavailable(message: string, cause?: unknown): ErpCallError {
  return new ErpCallError('unavailable', message, [], { cause });
}

export function erpOutcomeUnknown(message: string, cause?: unknown): ErpCallError {
  return new ErpCallError('outcome-unknown', message, [], { cause });
}

export function erpRejected(message: string, details: readonly string[] = []): ErpCallError {
  return new ErpCallError('rejected', message, details);
}

/** The same idempotency key came with a different request; the ERP kept the first. */
export function erpConflict(message: string, details: readonly string[] = []): ErpCallError {
  return new ErpCallError('conflict', message, details);
}
