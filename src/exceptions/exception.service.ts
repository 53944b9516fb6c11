import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { describeActor, type Actor } from '../audit/actor.js';
import { AuditService } from '../audit/audit.service.js';
import { currentCorrelationId } from '../platform/logging/correlation.js';
import { ExceptionCaseError, ExceptionCaseErrorCode } from './exception-case.exception.js';
import {
  ExceptionCaseRepository,
  storableCaseFacts,
  type DirectoryUser,
} from './exception-case.repository.js';
import { decodeCursor, encodeCursor } from './exception-cursor.js';
import { changedFacts, checkUuid, factsOf, validateRaise } from './exception-input.js';
import { pickRoutingRule, type RoutingRule } from './exception-routing.js';
import { ExceptionRoutingRepository } from './exception-routing.repository.js';
import {
  checkTransition,
  EXCEPTION_ACTIONS,
  EXCEPTION_STATES,
  type ExceptionAction,
} from './exception-state.js';
import { EXCEPTION_TYPE_PREFIX_PATTERN, EXCEPTION_TYPES, typeMatchesPrefix } from './exception-types.js';
import {
  ALL_PARTNERS,
  partnerScope,
  type CaseScope,
  type ExceptionCase,
  type ExceptionEvent,
  type ExceptionListFilters,
  type ExceptionPage,
  type NewRoutingRule,
  type RaiseExceptionInput,
  type RaiseResult,
} from './exception.types.js';

const CASE_TARGET = 'exception-case';
const RULE_TARGET = 'exception-routing-rule';
const MAX_LIMIT = 500;

/** One change to a case, as a listener sees it: the case after the change and the history row it wrote. */
export interface ExceptionCaseChange {
  readonly case: ExceptionCase;
  /** The `exception_event` row of the change. */
  readonly eventId: string;
  /** The history action: raised, updated, assigned, or a transition's past tense (escalated, …). */
  readonly action: string;
  /** What changed, as the history row records it (`{ field: { from, to } }` for updates and assignments). */
  readonly changes: Readonly<Record<string, unknown>>;
  readonly actor: Actor;
}

/**
 * Told about every change inside the change's transaction, after its history and audit rows, so what
 * it writes (an outbox job) commits or rolls back with the change. A listener that throws rolls the
 * change back.
 */
export interface ExceptionCaseListener {
  caseChanged(tx: EntityManager, change: ExceptionCaseChange): Promise<void>;
}

/**
 * The one store of everything a person must decide. Every change writes a history row
 * (exception_event) and an audit entry in the same transaction as the change itself.
 *
 * Methods that open their own transaction also take the caller's, so that code already inside one
 * never waits for a second connection (docs/architecture.md, embedded database).
 */
@Injectable()
export class ExceptionService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly cases: ExceptionCaseRepository,
    private readonly routing: ExceptionRoutingRepository,
  ) {}

  private readonly listeners: ExceptionCaseListener[] = [];

  /** Registers a listener (another module, at its init); changes call it in their transaction. */
  listen(listener: ExceptionCaseListener): void {
    this.listeners.push(listener);
  }

  /**
   * Raises a case in the caller's transaction (the one that noticed the problem). The same type and
   * dedupe key finds the existing case. Another occurrence of its problem (`occurrence`: a resend, a
   * replay) reopens a decided case, since the decision was about the earlier one; otherwise a case
   * still in play gets the new facts and a resolved one stays as the person left it (a retried job
   * raising the same occurrence again changes nothing). A new case gets its owner from the routing
   * rules; a reopened one keeps its owner.
   */
  async raise(tx: EntityManager, input: RaiseExceptionInput, actor: Actor): Promise<RaiseResult> {
    if (!tx.queryRunner?.isTransactionActive) {
      throw new ExceptionCaseError(
        ExceptionCaseErrorCode.OutsideTransaction,
        `raise ${input.type}: call inside the transaction that found the problem (pass its EntityManager)`,
      );
    }
    const checked = validateRaise(input);
    // Compared and recorded as stored: a repeated raise quoting a NUL is no change.
    const valid = { ...checked, facts: storableCaseFacts(checked.facts) };
    if (actor.kind === 'partner' && valid.partnerId !== actor.partnerId) {
      throw new ExceptionCaseError(
        ExceptionCaseErrorCode.InvalidInput,
        `partner ${actor.partnerId} cannot raise a case for ${valid.partnerId ?? 'no partner'}`,
      );
    }
    const correlationId = input.correlationId ?? currentCorrelationId();
    const rules = await this.routing.candidates(tx, valid.partnerId, valid.facts.plant);
    const rule = pickRoutingRule(rules, {
      type: valid.type,
      partnerId: valid.partnerId,
      plant: valid.facts.plant,
    });
    const inserted = await this.cases.insertIfNew(tx, {
      ...valid.facts,
      type: valid.type,
      dedupeKey: valid.dedupeKey,
      partnerId: valid.partnerId,
      ownerUserId: rule?.ownerUserId ?? null,
      stateChangedBy: describeActor(actor),
      correlationId,
    });
    if (inserted) {
      const eventId = await this.cases.addEvent(tx, {
        caseId: inserted.id,
        actor,
        action: 'raised',
        fromState: null,
        toState: inserted.state,
        note: rule ? `routed by rule ${rule.id}` : null,
        changes: { ...snapshot(inserted), routingRuleId: rule?.id ?? null },
        correlationId,
      });
      await this.audit.record(tx, {
        actor,
        action: 'exception.raised',
        target: { type: CASE_TARGET, id: inserted.id },
        partnerId: inserted.references.partnerId,
        after: { ...snapshot(inserted), routingRuleId: rule?.id ?? null },
        correlationId,
      });
      await this.changed(tx, { case: inserted, eventId, action: 'raised', changes: {}, actor });
      return { case: inserted, created: true, reopened: false };
    }

    const existing = await this.cases.lockByDedupe(tx, valid.type, valid.dedupeKey);
    if (!existing) {
      // The conflicting row was deleted between the insert and the lock; cases are never deleted.
      throw new Error(`exception ${valid.type}/${valid.dedupeKey} vanished while it was raised`);
    }
    if (existing.references.partnerId !== valid.partnerId) {
      throw new ExceptionCaseError(
        ExceptionCaseErrorCode.DedupeConflict,
        `dedupe key ${valid.dedupeKey} of ${valid.type} already names a case of another partner`,
      );
    }
    // A raise naming no occurrence keeps the case's own: its key alone names the problem.
    const facts = { ...valid.facts, occurrence: valid.facts.occurrence ?? existing.occurrence };
    const changes = changedFacts(factsOf(existing), facts);
    if (facts.occurrence !== existing.occurrence) {
      const note = `the problem came back (${facts.occurrence}) after the case was ${existing.state}`;
      const reopen = checkTransition(existing.state, 'reopen', note);
      if (reopen.ok) {
        await this.cases.updateFacts(tx, existing.id, facts);
        const reopened = await this.cases.setState(tx, existing.id, reopen.to, describeActor(actor));
        const change = { before: existing, after: reopened, action: reopen.past, changes, note };
        await this.recordRaise(tx, change, actor, correlationId);
        return { case: reopened, created: false, reopened: true };
      }
    }
    const unchanged = { case: existing, created: false, reopened: false };
    if (existing.state === 'resolved' || Object.keys(changes).length === 0) return unchanged;
    const updated = await this.cases.updateFacts(tx, existing.id, facts);
    const change = { before: existing, after: updated, action: 'updated', changes, note: null };
    await this.recordRaise(tx, change, actor, correlationId);
    return { case: updated, created: false, reopened: false };
  }

  /** History, audit entry and listeners of a raise that changed an existing case (updated or reopened). */
  private async recordRaise(
    tx: EntityManager,
    change: {
      readonly before: ExceptionCase;
      readonly after: ExceptionCase;
      readonly action: string;
      readonly changes: Record<string, { from: unknown; to: unknown }>;
      readonly note: string | null;
    },
    actor: Actor,
    correlationId: string,
  ): Promise<void> {
    const { before, after, action, note } = change;
    const changes =
      before.state === after.state
        ? change.changes
        : { ...change.changes, state: { from: before.state, to: after.state } };
    const eventId = await this.cases.addEvent(tx, {
      caseId: after.id,
      actor,
      action,
      fromState: before.state,
      toState: after.state,
      note,
      changes,
      correlationId,
    });
    await this.audit.record(tx, {
      actor,
      action: `exception.${action}`,
      target: { type: CASE_TARGET, id: after.id },
      partnerId: after.references.partnerId,
      before: Object.fromEntries(Object.entries(changes).map(([k, v]) => [k, v.from])),
      after: Object.fromEntries(Object.entries(changes).map(([k, v]) => [k, v.to])),
      ...(note ? { note } : {}),
      correlationId,
    });
    await this.changed(tx, { case: after, eventId, action, changes, actor });
  }

  /**
   * Moves a case along the state machine (exception-state.ts). A supplier user or partner credential
   * can act only on its own partner's cases; any other case is reported as not found.
   */
  async transition(
    caseId: string,
    action: ExceptionAction,
    actor: Actor,
    note?: string | null,
    tx?: EntityManager,
  ): Promise<ExceptionCase> {
    checkUuid(caseId, 'exception case', ExceptionCaseErrorCode.NotFound);
    if (!EXCEPTION_ACTIONS.includes(action)) {
      throw new ExceptionCaseError(
        ExceptionCaseErrorCode.InvalidTransition,
        `unknown action ${String(action)}`,
      );
    }
    return this.inTransaction(tx, async (t) => {
      const current = await this.lockForActor(t, caseId, actor);
      const check = checkTransition(current.state, action, note);
      if (!check.ok) {
        throw new ExceptionCaseError(
          check.reason === 'note-required'
            ? ExceptionCaseErrorCode.NoteRequired
            : ExceptionCaseErrorCode.InvalidTransition,
          `exception case ${caseId}: ${check.message}`,
        );
      }
      const updated = await this.cases.setState(t, caseId, check.to, describeActor(actor));
      const correlationId = currentCorrelationId();
      const eventId = await this.cases.addEvent(t, {
        caseId,
        actor,
        action: check.past,
        fromState: current.state,
        toState: check.to,
        note: note ?? null,
        changes: { state: { from: current.state, to: check.to } },
        correlationId,
      });
      await this.audit.record(t, {
        actor,
        action: `exception.${check.past}`,
        target: { type: CASE_TARGET, id: caseId },
        partnerId: current.references.partnerId,
        before: { state: current.state },
        after: { state: check.to },
        note: note ?? null,
        correlationId,
      });
      const changes = { state: { from: current.state, to: check.to } };
      await this.changed(t, { case: updated, eventId, action: check.past, changes, actor });
      return updated;
    });
  }

  /**
   * Resolves, in the caller's transaction, the case of each type raised under `dedupeKey` that is
   * still in play, once its problem is gone (a replayed posting reached the ERP); the note says how.
   * A resolved case, or none, changes nothing. Returns the cases resolved.
   */
  async resolveRaised(
    tx: EntityManager,
    types: readonly string[],
    dedupeKey: string,
    actor: Actor,
    note: string,
  ): Promise<ExceptionCase[]> {
    const resolved: ExceptionCase[] = [];
    for (const type of types) {
      const found = await this.cases.lockByDedupe(tx, type, dedupeKey);
      if (found && checkTransition(found.state, 'resolve', note).ok)
        resolved.push(await this.transition(found.id, 'resolve', actor, note, tx));
    }
    return resolved;
  }

  /** Gives a case an owner (or none, with null). A supplier user may own only their partner's cases. */
  async assign(
    caseId: string,
    ownerUserId: string | null,
    actor: Actor,
    note?: string | null,
    tx?: EntityManager,
  ): Promise<ExceptionCase> {
    checkUuid(caseId, 'exception case', ExceptionCaseErrorCode.NotFound);
    if (ownerUserId !== null) checkUuid(ownerUserId, 'owner', ExceptionCaseErrorCode.UnknownOwner);
    return this.inTransaction(tx, async (t) => {
      const current = await this.lockForActor(t, caseId, actor);
      if (ownerUserId !== null) {
        await this.checkOwner(t, ownerUserId, current.references.partnerId);
      }
      if (current.ownerUserId === ownerUserId) return current;
      const updated = await this.cases.setOwner(t, caseId, ownerUserId);
      const correlationId = currentCorrelationId();
      const eventId = await this.cases.addEvent(t, {
        caseId,
        actor,
        action: 'assigned',
        fromState: current.state,
        toState: current.state,
        note: note ?? null,
        changes: { ownerUserId: { from: current.ownerUserId, to: ownerUserId } },
        correlationId,
      });
      await this.audit.record(t, {
        actor,
        action: 'exception.assigned',
        target: { type: CASE_TARGET, id: caseId },
        partnerId: current.references.partnerId,
        before: { ownerUserId: current.ownerUserId },
        after: { ownerUserId },
        note: note ?? null,
        correlationId,
      });
      const changes = { ownerUserId: { from: current.ownerUserId, to: ownerUserId } };
      await this.changed(t, { case: updated, eventId, action: 'assigned', changes, actor });
      return updated;
    });
  }

  /** The case, if the scope may see it; NotFound otherwise (another partner's case does not exist). */
  async get(id: string, scope: CaseScope, tx?: EntityManager): Promise<ExceptionCase> {
    checkUuid(id, 'exception case', ExceptionCaseErrorCode.NotFound);
    const found = await this.cases.find(tx ?? this.dataSource, id, scope);
    if (!found) throw notFound(id);
    return found;
  }

  /** The case's history, oldest first. */
  async history(id: string, scope: CaseScope, tx?: EntityManager): Promise<ExceptionEvent[]> {
    await this.get(id, scope, tx);
    return this.cases.events(tx ?? this.dataSource, id);
  }

  /** The workbench: highest value at risk first, then most days late, then oldest; keyset pages. */
  async list(filters: ExceptionListFilters, tx?: EntityManager): Promise<ExceptionPage> {
    if (filters.scope?.kind !== 'all-partners' && filters.scope?.kind !== 'partner') {
      throw invalid('list needs a scope: ALL_PARTNERS or partnerScope(id)');
    }
    const limit = filters.limit ?? 50;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT)
      throw invalid(`limit must be 1–${MAX_LIMIT}`);
    const states =
      filters.state === undefined ? [] : Array.isArray(filters.state) ? filters.state : [filters.state];
    for (const state of states) {
      if (!EXCEPTION_STATES.includes(state)) throw invalid(`unknown state ${JSON.stringify(state)}`);
    }
    if (filters.type !== undefined && !EXCEPTION_TYPE_PREFIX_PATTERN.test(filters.type)) {
      throw invalid(`type filter ${JSON.stringify(filters.type)}`);
    }
    if (filters.ownerUserId) checkUuid(filters.ownerUserId, 'owner');
    const after = filters.cursor === undefined ? undefined : decodeCursor(filters.cursor);
    const { cases, keys } = await this.cases.list(tx ?? this.dataSource, filters, after, limit);
    return {
      items: cases.slice(0, limit),
      nextCursor: cases.length > limit ? encodeCursor(keys[limit - 1]!) : null,
    };
  }

  async addRoutingRule(rule: NewRoutingRule, actor: Actor, tx?: EntityManager): Promise<RoutingRule> {
    checkUuid(rule.ownerUserId, 'owner', ExceptionCaseErrorCode.UnknownOwner);
    const typePrefix = rule.typePrefix ?? null;
    if (typePrefix !== null) {
      if (!EXCEPTION_TYPE_PREFIX_PATTERN.test(typePrefix))
        throw invalid(`type prefix ${JSON.stringify(typePrefix)}`);
      // A prefix no registered type has would route nothing, silently.
      if (!EXCEPTION_TYPES.some((t) => typeMatchesPrefix(t.type, typePrefix))) {
        throw new ExceptionCaseError(
          ExceptionCaseErrorCode.UnknownType,
          `no registered exception type starts with ${typePrefix}`,
        );
      }
    }
    const priority = rule.priority ?? 0;
    if (!Number.isSafeInteger(priority)) throw invalid('priority must be an integer');
    for (const [name, value] of [
      ['partnerId', rule.partnerId],
      ['plant', rule.plant],
    ] as const) {
      if (value !== undefined && value !== null && value.trim() === '')
        throw invalid(`${name} must not be blank`);
    }
    return this.inTransaction(tx, async (t) => {
      await this.checkOwner(t, rule.ownerUserId, rule.partnerId ?? null);
      const added = await this.routing.insert(t, {
        partnerId: rule.partnerId ?? null,
        plant: rule.plant ?? null,
        typePrefix,
        ownerUserId: rule.ownerUserId,
        priority,
      });
      if (!added) {
        throw new ExceptionCaseError(
          ExceptionCaseErrorCode.RoutingRuleExists,
          `a routing rule for partner ${rule.partnerId ?? 'any'}, plant ${rule.plant ?? 'any'}, ` +
            `type ${typePrefix ?? 'any'} exists; remove it first`,
        );
      }
      await this.audit.record(t, {
        actor,
        action: 'exception-routing-rule.added',
        target: { type: RULE_TARGET, id: added.id },
        partnerId: added.partnerId,
        after: added,
      });
      return added;
    });
  }

  async removeRoutingRule(id: string, actor: Actor, tx?: EntityManager): Promise<RoutingRule> {
    checkUuid(id, 'routing rule', ExceptionCaseErrorCode.RoutingRuleNotFound);
    return this.inTransaction(tx, async (t) => {
      const removed = await this.routing.delete(t, id);
      if (!removed) {
        throw new ExceptionCaseError(
          ExceptionCaseErrorCode.RoutingRuleNotFound,
          `routing rule ${id} does not exist`,
        );
      }
      await this.audit.record(t, {
        actor,
        action: 'exception-routing-rule.removed',
        target: { type: RULE_TARGET, id },
        partnerId: removed.partnerId,
        before: removed,
      });
      return removed;
    });
  }

  async routingRules(tx?: EntityManager): Promise<RoutingRule[]> {
    return this.routing.all(tx ?? this.dataSource);
  }

  private async changed(tx: EntityManager, change: ExceptionCaseChange): Promise<void> {
    for (const listener of this.listeners) await listener.caseChanged(tx, change);
  }

  private async inTransaction<T>(
    tx: EntityManager | undefined,
    fn: (tx: EntityManager) => Promise<T>,
  ): Promise<T> {
    if (tx) {
      if (!tx.queryRunner?.isTransactionActive) {
        throw new ExceptionCaseError(
          ExceptionCaseErrorCode.OutsideTransaction,
          'pass an active transaction, or none to let the service open one',
        );
      }
      return fn(tx);
    }
    return this.dataSource.transaction(fn);
  }

  /** Locks the case if the actor may act on it: partner credentials and supplier users only on their partner's. */
  private async lockForActor(tx: EntityManager, caseId: string, actor: Actor): Promise<ExceptionCase> {
    const found = await this.cases.lock(tx, caseId, await this.scopeOf(tx, actor));
    if (!found) throw notFound(caseId);
    return found;
  }

  private async scopeOf(tx: EntityManager, actor: Actor): Promise<CaseScope> {
    if (actor.kind === 'partner') return partnerScope(actor.partnerId);
    if (actor.kind !== 'user') return ALL_PARTNERS;
    checkUuid(actor.userId, 'acting user');
    const user = await this.cases.user(tx, actor.userId);
    if (!user?.active) throw invalid(`acting user ${actor.email} is not an active user`);
    return isSupplier(user) ? partnerScope(user.partnerId!) : ALL_PARTNERS;
  }

  private async checkOwner(tx: EntityManager, ownerUserId: string, partnerId: string | null): Promise<void> {
    const owner = await this.cases.user(tx, ownerUserId);
    if (!owner?.active) {
      throw new ExceptionCaseError(
        ExceptionCaseErrorCode.UnknownOwner,
        `owner ${ownerUserId} is not an active user`,
      );
    }
    if (isSupplier(owner) && owner.partnerId !== partnerId) {
      throw new ExceptionCaseError(
        ExceptionCaseErrorCode.OwnerOutsidePartner,
        `owner ${ownerUserId} works for partner ${owner.partnerId} and cannot own ${partnerId ? `partner ${partnerId}'s` : 'cross-partner'} cases`,
      );
    }
  }
}

function isSupplier(user: DirectoryUser): boolean {
  return user.role === 'supplier-user' || user.role === 'supplier-admin';
}

/** What the history and the audit log keep of a new case. */
function snapshot(c: ExceptionCase): Record<string, unknown> {
  return {
    type: c.type,
    severity: c.severity,
    dedupeKey: c.dedupeKey,
    summary: c.summary,
    references: c.references,
    differences: c.differences,
    impact: c.impact,
    ownerUserId: c.ownerUserId,
    state: c.state,
  };
}

function notFound(id: string): ExceptionCaseError {
  return new ExceptionCaseError(ExceptionCaseErrorCode.NotFound, `exception case ${id} does not exist`);
}

function invalid(message: string): ExceptionCaseError {
  return new ExceptionCaseError(ExceptionCaseErrorCode.InvalidInput, `exception: ${message}`);
}
