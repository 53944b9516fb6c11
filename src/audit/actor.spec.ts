import { describe, expect, it } from 'vitest';
import { actorId, actorProblem, describeActor, type Actor } from './actor.js';

describe('actors', () => {
  const cases: [Actor, string, string | null][] = [
    [{ kind: 'user', userId: 'u-1', email: 'buyer@example.com' }, 'user buyer@example.com', 'u-1'],
    [{ kind: 'system', clientId: 'c-1', name: 'erp-main' }, 'system client erp-main', 'c-1'],
    [{ kind: 'partner', partnerId: 'acme', credentialId: 'k-1' }, 'partner acme (credential k-1)', 'k-1'],
    [{ kind: 'cli', name: 'ops' }, 'cli ops', 'ops'],
    [{ kind: 'gateway' }, 'gateway', null],
  ];
  it.each(cases)('describes %o', (actor, description, id) => {
    expect(describeActor(actor)).toBe(description);
    expect(actorId(actor)).toBe(id);
    expect(actorProblem(actor)).toBeNull();
  });

  it('finds malformed actors from untyped input', () => {
    expect(actorProblem({ kind: 'user', userId: '', email: 'x@y' })).toMatch(/userId/);
    expect(actorProblem({ kind: 'robot' } as unknown as Actor)).toMatch(/unknown actor kind/);
    expect(actorProblem(undefined as unknown as Actor)).toMatch(/unknown actor kind/);
  });
});
