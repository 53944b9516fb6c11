import type { Actor, ActorKind } from './actor.js';

/** What happened, to what: one row of the audit log, as a caller writes it. */
export interface AuditEntry {
  readonly actor: Actor;
  /** Dotted, lower-case verb phrase: `<subject>.<past tense>`, e.g. `exception.accepted`, `dead-letter.replayed`. */
  readonly action: string;
  /** `type` is a kebab-case noun (`exception-case`, `dead-letter`); `id` is absent for collection-wide actions. */
  readonly target: { readonly type: string; readonly id?: string | null };
  /** The partner whose data the action touched, so partner-scoped reads can find it. */
  readonly partnerId?: string | null;
  /** The relevant state before and after, as JSON (only the fields that matter, not whole rows). */
  readonly before?: unknown;
  readonly after?: unknown;
  /** Defaults to the correlation id of the request or job in progress. */
  readonly correlationId?: string;
  readonly note?: string | null;
}

export interface AuditRecord {
  readonly id: string;
  /** ISO 8601, UTC, microseconds: the time the action's transaction started. */
  readonly at: string;
  readonly actor: { readonly kind: ActorKind; readonly id: string | null; readonly display: string };
  readonly action: string;
  readonly target: { readonly type: string; readonly id: string | null };
  readonly partnerId: string | null;
  readonly before: unknown;
  readonly after: unknown;
  readonly correlationId: string;
  readonly note: string | null;
}

export interface AuditQuery {
  /** Entries by actors of this kind, and with `id`, by that one actor (user id, client id, credential id, CLI name). */
  readonly actor?: { readonly kind: ActorKind; readonly id?: string };
  /** A dotted prefix: `exception` finds `exception.accepted` and `exception.routing-rule.added`, not `exceptions.x`. */
  readonly action?: string;
  readonly target?: { readonly type: string; readonly id?: string };
  readonly partnerId?: string;
  readonly correlationId?: string;
  /** Inclusive. */
  readonly from?: Date;
  /** Exclusive. */
  readonly to?: Date;
  /** The `nextCursor` of the previous page. */
  readonly cursor?: string;
  /** 1–500; 100 when absent. */
  readonly limit?: number;
}

export interface AuditPage {
  /** Newest first. */
  readonly items: AuditRecord[];
  /** Pass as `cursor` for the next (older) page; null on the last page. */
  readonly nextCursor: string | null;
}
