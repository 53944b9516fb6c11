import { describe, expect, it } from 'vitest';
import { admits, Allow } from './access-rules.js';

describe('admits', () => {
  const rule = {
    partner: ['profile:read'] as const,
    system: ['partners:read'] as const,
    roles: ['buyer'] as const,
  };

  it('needs every listed scope of a partner or system principal', () => {
    expect(admits(rule, { kind: 'partner', scopes: ['profile:read', 'documents:write'] })).toBe(true);
    expect(admits(rule, { kind: 'partner', scopes: ['documents:write'] })).toBe(false);
    expect(
      admits({ partner: ['profile:read', 'orders:read'] }, { kind: 'partner', scopes: ['profile:read'] }),
    ).toBe(false);
    expect(admits(rule, { kind: 'system', scopes: ['partners:read'] })).toBe(true);
    expect(admits(rule, { kind: 'system', scopes: [] })).toBe(false);
  });

  it('needs one of the listed roles of a user', () => {
    expect(admits(rule, { kind: 'user', role: 'buyer' })).toBe(true);
    expect(admits(rule, { kind: 'user', role: 'admin' })).toBe(false);
  });

  it('refuses a kind the rule leaves out', () => {
    expect(admits({ roles: ['admin'] }, { kind: 'partner', scopes: ['profile:read'] })).toBe(false);
    expect(admits({ partner: [] }, { kind: 'system', scopes: ['partners:read'] })).toBe(false);
  });

  it('admits everybody on a public route', () => {
    expect(admits({ public: true }, { kind: 'partner', scopes: [] })).toBe(true);
  });

  it('refuses a rule that admits nobody', () => {
    expect(() => Allow({})).toThrow('@Allow() must admit at least one kind of principal');
  });
});
