/**
 * The life of an exception case. A case starts `open`; a person accepts the deviation, counters it
 * (proposes something else to the supplier), escalates it, or resolves it; a decided case can be
 * reopened. Every move not in the table is refused, so the history always reads as a valid story.
 */
export const EXCEPTION_STATES = ['open', 'accepted', 'countered', 'escalated', 'resolved'] as const;
export type ExceptionState = (typeof EXCEPTION_STATES)[number];

export const EXCEPTION_ACTIONS = ['accept', 'counter', 'escalate', 'resolve', 'reopen'] as const;
export type ExceptionAction = (typeof EXCEPTION_ACTIONS)[number];

interface TransitionRule {
  readonly from: readonly ExceptionState[];
  readonly to: ExceptionState;
  /** The past tense recorded in the history and the audit log (`exception.<past>`). */
  readonly past: string;
  /** Actions whose reason the next person needs: refused without a note. */
  readonly needsNote: boolean;
}

export const TRANSITIONS: Readonly<Record<ExceptionAction, TransitionRule>> = {
  // Accepting takes the supplier's deviation as it is, also after a counter or an escalation.
  accept: { from: ['open', 'countered', 'escalated'], to: 'accepted', past: 'accepted', needsNote: false },
  // A counter answers the supplier; it is pointless once the deviation was accepted.
  counter: { from: ['open', 'escalated'], to: 'countered', past: 'countered', needsNote: true },
  escalate: { from: ['open', 'countered'], to: 'escalated', past: 'escalated', needsNote: true },
  // Any case still in play can be closed, e.g. when the supplier sends a corrected acknowledgment.
  resolve: {
    from: ['open', 'accepted', 'countered', 'escalated'],
    to: 'resolved',
    past: 'resolved',
    needsNote: false,
  },
  // A decision turned out wrong (or the problem came back): the case is open again, with the reason.
  reopen: { from: ['accepted', 'resolved'], to: 'open', past: 'reopened', needsNote: true },
};

export type TransitionCheck =
  | { readonly ok: true; readonly to: ExceptionState; readonly past: string }
  | { readonly ok: false; readonly reason: 'invalid-transition' | 'note-required'; readonly message: string };

export function checkTransition(
  from: ExceptionState,
  action: ExceptionAction,
  note?: string | null,
): TransitionCheck {
  const rule = TRANSITIONS[action];
  if (!rule) return { ok: false, reason: 'invalid-transition', message: `unknown action ${action}` };
  if (!rule.from.includes(from)) {
    return {
      ok: false,
      reason: 'invalid-transition',
      message: `cannot ${action} a case that is ${from} (only from ${rule.from.join(', ')})`,
    };
  }
  if (rule.needsNote && !note?.trim()) {
    return { ok: false, reason: 'note-required', message: `${action} needs a note saying why` };
  }
  return { ok: true, to: rule.to, past: rule.past };
}

/** The actions a person can take on a case in this state, for a UI's buttons. */
export function availableActions(state: ExceptionState): ExceptionAction[] {
  return EXCEPTION_ACTIONS.filter((action) => TRANSITIONS[action].from.includes(state));
}

export function isClosed(state: ExceptionState): boolean {
  return state === 'resolved';
}
