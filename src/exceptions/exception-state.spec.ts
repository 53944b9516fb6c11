import { describe, expect, it } from 'vitest';
import {
  availableActions,
  checkTransition,
  EXCEPTION_ACTIONS,
  EXCEPTION_STATES,
  type ExceptionAction,
  type ExceptionState,
} from './exception-state.js';

// The whole table, written out independently of TRANSITIONS: a change to the machine must change this too.
const ALLOWED: Record<ExceptionState, Partial<Record<ExceptionAction, ExceptionState>>> = {
  open: { accept: 'accepted', counter: 'countered', escalate: 'escalated', resolve: 'resolved' },
  accepted: { resolve: 'resolved', reopen: 'open' },
  countered: { accept: 'accepted', escalate: 'escalated', resolve: 'resolved' },
  escalated: { accept: 'accepted', counter: 'countered', resolve: 'resolved' },
  resolved: { reopen: 'open' },
};

describe('the exception state machine', () => {
  for (const from of EXCEPTION_STATES) {
    for (const action of EXCEPTION_ACTIONS) {
      const to = ALLOWED[from][action];
      it(`${to ? 'allows' : 'refuses'} ${action} from ${from}`, () => {
        const check = checkTransition(from, action, 'because');
        if (to) expect(check).toMatchObject({ ok: true, to });
        else expect(check).toMatchObject({ ok: false, reason: 'invalid-transition' });
      });
    }
  }

  it('records the past tense the audit log uses', () => {
    expect(checkTransition('resolved', 'reopen', 'came back')).toEqual({
      ok: true,
      to: 'open',
      past: 'reopened',
    });
    expect(checkTransition('open', 'accept')).toEqual({ ok: true, to: 'accepted', past: 'accepted' });
  });

  it('wants a reason for a counter, an escalation and a reopening, not for accepting or resolving', () => {
    for (const [from, action] of [
      ['open', 'counter'],
      ['open', 'escalate'],
      ['resolved', 'reopen'],
    ] as const) {
      expect(checkTransition(from, action)).toMatchObject({ ok: false, reason: 'note-required' });
      expect(checkTransition(from, action, '   ')).toMatchObject({ ok: false, reason: 'note-required' });
    }
    expect(checkTransition('open', 'accept')).toMatchObject({ ok: true });
    expect(checkTransition('open', 'resolve', null)).toMatchObject({ ok: true });
  });

  it('reports an invalid move before a missing note', () => {
    expect(checkTransition('resolved', 'counter')).toMatchObject({ ok: false, reason: 'invalid-transition' });
  });

  it('lists the actions a state offers', () => {
    expect(availableActions('open')).toEqual(['accept', 'counter', 'escalate', 'resolve']);
    expect(availableActions('resolved')).toEqual(['reopen']);
  });

  it('refuses an unknown action', () => {
    expect(checkTransition('open', 'approve' as ExceptionAction)).toMatchObject({
      ok: false,
      reason: 'invalid-transition',
    });
  });
});
