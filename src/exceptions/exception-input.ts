import type { CaseFacts } from './exception-case.repository.js';
import { ExceptionCaseError, ExceptionCaseErrorCode } from './exception-case.exception.js';
import { exceptionType, SEVERITIES } from './exception-types.js';
import type { Differences, ExceptionCase, JsonValue, RaiseExceptionInput } from './exception.types.js';

// Plain decimal notation, no sign, no leading zeros, no exponent: what numeric gives back unchanged.
const DECIMAL = /^(0|[1-9]\d{0,27})(\.\d{1,10})?$/;
const CURRENCY = /^[A-Z]{3}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const INTERCHANGE_ID = /^[1-9]\d{0,17}$/;
const MAX_TEXT = 500;

export interface ValidRaise {
  readonly type: string;
  readonly dedupeKey: string;
  readonly partnerId: string | null;
  readonly facts: CaseFacts;
}

/** Checks a raise and fills in the type's defaults; every problem is an InvalidInput or UnknownType error. */
export function validateRaise(input: RaiseExceptionInput): ValidRaise {
  const definition = exceptionType(input.type);
  if (!definition) {
    throw new ExceptionCaseError(
      ExceptionCaseErrorCode.UnknownType,
      `exception type ${JSON.stringify(input.type)} is not registered (src/exceptions/exception-types.ts)`,
    );
  }
  const refs = input.references ?? {};
  const impact = input.impact ?? {};
  const valueAtRisk = impact.valueAtRisk ?? null;
  if (valueAtRisk !== null && (typeof valueAtRisk !== 'string' || !DECIMAL.test(valueAtRisk))) {
    invalid(
      `impact.valueAtRisk must be a non-negative decimal string such as '1250.50', not ${show(valueAtRisk)}`,
    );
  }
  const currency = impact.currency ?? null;
  if ((valueAtRisk === null) !== (currency === null)) {
    invalid('impact.valueAtRisk and impact.currency go together');
  }
  if (currency !== null && !CURRENCY.test(currency))
    invalid(`impact.currency must be ISO 4217, not ${show(currency)}`);
  const daysLate = impact.daysLate ?? null;
  if (daysLate !== null && (!Number.isSafeInteger(daysLate) || daysLate < 0 || daysLate > 100_000)) {
    invalid(`impact.daysLate must be a whole number of days ≥ 0, not ${show(daysLate)}`);
  }
  if (input.severity !== undefined && !SEVERITIES.includes(input.severity)) {
    invalid(`severity must be one of ${SEVERITIES.join(', ')}`);
  }
  const interchangeId = text(refs.interchangeId, 'references.interchangeId');
  if (interchangeId !== null && !INTERCHANGE_ID.test(interchangeId)) {
    invalid(`references.interchangeId must be an interchange archive id, not ${show(interchangeId)}`);
  }
  const dedupeKey = text(input.dedupeKey, 'dedupeKey');
  if (dedupeKey === null) invalid('dedupeKey is required');
  const poRevision = refs.poRevision ?? null;
  if (
    poRevision !== null &&
    (!Number.isSafeInteger(poRevision) || poRevision < 0 || poRevision > 2 ** 31 - 1)
  ) {
    invalid(`references.poRevision must be a whole number ≥ 0, not ${show(poRevision)}`);
  }
  return {
    type: definition.type,
    dedupeKey,
    partnerId: text(refs.partnerId, 'references.partnerId'),
    facts: {
      severity: input.severity ?? definition.severity,
      summary: text(input.summary, 'summary'),
      poNumber: text(refs.poNumber, 'references.poNumber'),
      poLine: text(refs.poLine, 'references.poLine'),
      material: text(refs.material, 'references.material'),
      plant: text(refs.plant, 'references.plant'),
      interchangeId,
      postingRef: text(refs.postingRef, 'references.postingRef'),
      poRevision,
      differences: validateDifferences(input.differences ?? {}),
      valueAtRisk,
      currency,
      daysLate,
      occurrence: text(input.occurrence, 'occurrence'),
    },
  };
}

function validateDifferences(differences: Differences): Differences {
  if (typeof differences !== 'object' || differences === null || Array.isArray(differences)) {
    invalid('differences must be an object of { expected, actual } per field');
  }
  for (const [field, entry] of Object.entries(differences)) {
    if (typeof entry !== 'object' || entry === null || !('expected' in entry) || !('actual' in entry)) {
      invalid(`differences.${field} must be { expected, actual }`);
    }
    checkJson(entry.expected, `differences.${field}.expected`);
    checkJson(entry.actual, `differences.${field}.actual`);
  }
  return differences;
}

/** JSON only, and no fractional numbers: quantities and money travel as decimal strings (DESIGN.md). */
function checkJson(value: JsonValue, path: string): void {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return;
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value))
      invalid(`${path}: ${value} is not an integer; pass decimals as strings`);
    return;
  }
  if (Array.isArray(value)) return value.forEach((item, i) => checkJson(item, `${path}[${i}]`));
  if (typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) checkJson(item, `${path}.${key}`);
    return;
  }
  invalid(`${path} is not JSON`);
}

function text(value: string | null | undefined, name: string): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || value.trim() === '' || value.length > MAX_TEXT) {
    invalid(`${name} must be a non-empty string of at most ${MAX_TEXT} characters`);
  }
  return value;
}

export function checkUuid(id: string, what: string, code = ExceptionCaseErrorCode.InvalidInput): void {
  if (typeof id !== 'string' || !UUID.test(id)) {
    throw new ExceptionCaseError(code, `${what} ${show(id)} is not a uuid`);
  }
}

/** The facts of a stored case, to compare with a new raise. */
export function factsOf(c: ExceptionCase): CaseFacts {
  return {
    severity: c.severity,
    summary: c.summary,
    poNumber: c.references.poNumber,
    poLine: c.references.poLine,
    material: c.references.material,
    plant: c.references.plant,
    interchangeId: c.references.interchangeId,
    postingRef: c.references.postingRef,
    poRevision: c.references.poRevision,
    differences: c.differences,
    valueAtRisk: c.impact.valueAtRisk,
    currency: c.impact.currency,
    daysLate: c.impact.daysLate,
    occurrence: c.occurrence,
  };
}

/** The facts that differ, as { field: { from, to } }; empty when a raise repeats what is stored. */
export function changedFacts(
  before: CaseFacts,
  after: CaseFacts,
): Record<string, { from: unknown; to: unknown }> {
  const changes: Record<string, { from: unknown; to: unknown }> = {};
  for (const key of Object.keys(after) as (keyof CaseFacts)[]) {
    if (stableJson(before[key]) !== stableJson(after[key]))
      changes[key] = { from: before[key], to: after[key] };
  }
  return changes;
}

/** JSON with sorted keys: jsonb gives keys back in its own order, which must not read as a change. */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  );
}

function invalid(message: string): never {
  throw new ExceptionCaseError(ExceptionCaseErrorCode.InvalidInput, `exception: ${message}`);
}

function show(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}
