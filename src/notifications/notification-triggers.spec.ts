import { describe, expect, it } from 'vitest';
import type { ExceptionCaseChange } from '../exceptions/exception.service.js';
import type { ExceptionCase } from '../exceptions/exception.types.js';
import { notificationPlan } from './notification-triggers.js';

const owner = '11111111-1111-4111-8111-111111111111';
const other = '22222222-2222-4222-8222-222222222222';

function change(
  action: string,
  extra: Partial<ExceptionCaseChange> = {},
  ownerUserId: string | null = owner,
) {
  return {
    case: { id: 'c', ownerUserId } as ExceptionCase,
    eventId: '1',
    action,
    changes: {},
    actor: { kind: 'gateway' },
    ...extra,
  } as ExceptionCaseChange;
}

describe('which changes notify', () => {
  it('a new case: its owner and the webhook; an unowned one: the webhook only', () => {
    expect(notificationPlan(change('raised'))).toEqual({
      reason: 'raised',
      emailUserId: owner,
      webhook: true,
    });
    expect(notificationPlan(change('raised', {}, null))).toEqual({
      reason: 'raised',
      emailUserId: null,
      webhook: true,
    });
  });

  it('an escalation, and a severity raised by a later raise', () => {
    expect(notificationPlan(change('escalated'))?.reason).toBe('escalated');
    const up = change('updated', { changes: { severity: { from: 'medium', to: 'critical' } } });
    expect(notificationPlan(up)?.reason).toBe('severity-raised');
    const down = change('updated', { changes: { severity: { from: 'high', to: 'low' } } });
    expect(notificationPlan(down)).toBeNull();
    expect(notificationPlan(change('updated', { changes: { summary: { from: 'a', to: 'b' } } }))).toBeNull();
  });

  it('an assignment mails the new owner, not the webhook; an unassignment nobody', () => {
    expect(notificationPlan(change('assigned'))).toEqual({
      reason: 'assigned',
      emailUserId: owner,
      webhook: false,
    });
    expect(notificationPlan(change('assigned', {}, null))).toBeNull();
  });

  it('does not mail owners about their own action', () => {
    const self = change('escalated', { actor: { kind: 'user', userId: owner, email: 'o@example.com' } });
    expect(notificationPlan(self)).toEqual({ reason: 'escalated', emailUserId: null, webhook: true });
    const byOther = change('escalated', { actor: { kind: 'user', userId: other, email: 'x@example.com' } });
    expect(notificationPlan(byOther)?.emailUserId).toBe(owner);
  });

  it("the owner's own decisions do not notify", () => {
    for (const action of ['accepted', 'countered', 'resolved']) {
      expect(notificationPlan(change(action))).toBeNull();
    }
    const byPerson = { actor: { kind: 'user', userId: other, email: 'x@example.com' } } as const;
    expect(notificationPlan(change('reopened', byPerson))).toBeNull();
  });

  it('a decided case reopened because its problem came back: its owner and the webhook', () => {
    expect(notificationPlan(change('reopened'))).toEqual({
      reason: 'reopened',
      emailUserId: owner,
      webhook: true,
    });
  });
});
