import type { ExceptionState } from './exception-state.js';
import type { Severity } from './exception-types.js';
import type { RoutingRule } from './exception-routing.js';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** What differs, per field: what the order (or the rule) expected and what arrived. Decimals as strings. */
export type Differences = Record<string, { readonly expected: JsonValue; readonly actual: JsonValue }>;

/** What the case is about. Every field is optional; those a type has are the ones a buyer searches by. */
export interface ExceptionReferences {
  readonly partnerId?: string | null;
  readonly poNumber?: string | null;
  readonly poLine?: string | null;
  readonly material?: string | null;
  readonly plant?: string | null;
  /** The interchange archive's id. */
  readonly interchangeId?: string | null;
  /** The ERP posting's reference. */
  readonly postingRef?: string | null;
  /**
   * The order revision a supplier's answer was matched against (cases raised from an answer): a
   * buyer's accept is refused once the order has moved on to a revision the supplier has not
   * answered (BuyerDecisionService).
   */
  readonly poRevision?: number | null;
}

export interface ExceptionImpact {
  /**
   * Exact decimal string, never a float (e.g. '12345678901234.5678'), in the buyer's reporting
   * currency: the workbench sorts by it across partners, and amounts are not converted.
   */
  readonly valueAtRisk?: string | null;
  /** ISO 4217; required with valueAtRisk. */
  readonly currency?: string | null;
  readonly daysLate?: number | null;
}

export interface RaiseExceptionInput {
  readonly type: string;
  /**
   * What makes two raises the same problem, within the type: include the business document and its
   * revision (e.g. `PO-4500012345:10:ack-rev-2`), so a retried job finds its case and a new
   * revision makes a new one.
   */
  readonly dedupeKey: string;
  /** One line for the workbench; the type's description stands in when absent. */
  readonly summary?: string | null;
  /** The type's default when absent. */
  readonly severity?: Severity;
  readonly references?: ExceptionReferences;
  readonly differences?: Differences;
  readonly impact?: ExceptionImpact;
  /** Defaults to the correlation id of the work in progress (the purchase order's chain). */
  readonly correlationId?: string;
  /**
   * Which occurrence of the problem this raise is, where the dedupe key names the subject and the
   * problem can come back under it (a delivery round of one document, a replay of one posting, one
   * message of a failing subscription). Deterministic, so a retried job names the same one. A raise
   * naming another occurrence than the case's latest reopens a decided (accepted or resolved) case;
   * the same occurrence, or none, leaves it as the person left it. Omit it where the key names the
   * occurrence itself (a document revision, an hour) or a standing condition a sweep finds again.
   */
  readonly occurrence?: string;
}

export interface ExceptionCase {
  readonly id: string;
  readonly type: string;
  readonly severity: Severity;
  readonly dedupeKey: string;
  readonly summary: string | null;
  readonly references: {
    readonly partnerId: string | null;
    readonly poNumber: string | null;
    readonly poLine: string | null;
    readonly material: string | null;
    readonly plant: string | null;
    readonly interchangeId: string | null;
    readonly postingRef: string | null;
    readonly poRevision: number | null;
  };
  readonly differences: Differences;
  readonly impact: {
    readonly valueAtRisk: string | null;
    readonly currency: string | null;
    readonly daysLate: number | null;
  };
  readonly ownerUserId: string | null;
  /** The occurrence of the latest raise that named one (RaiseExceptionInput.occurrence). */
  readonly occurrence: string | null;
  readonly state: ExceptionState;
  readonly stateChangedBy: string;
  readonly stateChangedAt: string;
  readonly correlationId: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface ExceptionEvent {
  readonly id: string;
  readonly caseId: string;
  readonly at: string;
  readonly actor: { readonly kind: string; readonly id: string | null; readonly display: string };
  readonly action: string;
  readonly fromState: ExceptionState | null;
  readonly toState: ExceptionState;
  readonly note: string | null;
  readonly changes: Record<string, unknown>;
  readonly correlationId: string;
}

/**
 * Whose cases a read may see. Required on every read, so a supplier-facing query cannot forget its
 * partner (DESIGN.md invariant 3).
 */
export type CaseScope =
  { readonly kind: 'all-partners' } | { readonly kind: 'partner'; readonly partnerId: string };

export const ALL_PARTNERS: CaseScope = { kind: 'all-partners' };

export function partnerScope(partnerId: string): CaseScope {
  return { kind: 'partner', partnerId };
}

export interface ExceptionListFilters {
  readonly scope: CaseScope;
  readonly state?: ExceptionState | readonly ExceptionState[];
  /** A type or whole leading segments of one (`acknowledgment`). */
  readonly type?: string;
  /** A user id, or null for unassigned cases. */
  readonly ownerUserId?: string | null;
  readonly plant?: string;
  readonly poNumber?: string;
  readonly material?: string;
  readonly cursor?: string;
  /** 1–500; 50 when absent. */
  readonly limit?: number;
}

export interface ExceptionPage {
  /** Highest value at risk first, then most days late, then oldest. */
  readonly items: ExceptionCase[];
  readonly nextCursor: string | null;
}

export interface RaiseResult {
  readonly case: ExceptionCase;
  /** False when the dedupe key found an existing case (updated if it was not resolved). */
  readonly created: boolean;
  /** True when the raise named a new occurrence of a decided case's problem, and the case is open again. */
  readonly reopened: boolean;
}

export interface NewRoutingRule {
  readonly partnerId?: string | null;
  readonly plant?: string | null;
  readonly typePrefix?: string | null;
  readonly ownerUserId: string;
  readonly priority?: number;
}

export type { RoutingRule };
