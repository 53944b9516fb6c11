import { describe, expect, it } from 'vitest';
import { hashSecret, mintToken, parseToken, sameSecret, secretMatches } from './access-token.js';

describe('access tokens', () => {
  it('carry their kind, a lookup id and a secret stored only as a hash', () => {
    const minted = mintToken('partner');
    expect(minted.token).toMatch(/^sgp_[a-z2-7]{12}_[A-Za-z0-9]{32}[0-9a-f]{8}$/);
    const parsed = parseToken(minted.token)!;
    expect(parsed).toMatchObject({ kind: 'partner', lookup: minted.lookup });
    expect(minted.secretHash).toBe(hashSecret(parsed.secret));
    expect(minted.token).not.toContain(minted.secretHash);
    expect(secretMatches(parsed.secret, minted.secretHash)).toBe(true);
    expect(secretMatches(`${parsed.secret.slice(1)}x`, minted.secretHash)).toBe(false);
  });

  it('rejects a mistyped or truncated token by its checksum, before any lookup', () => {
    const { token } = mintToken('user');
    const flipped = token.slice(0, 30) + (token[30] === 'a' ? 'b' : 'a') + token.slice(31);
    expect(parseToken(flipped)).toBeUndefined();
    expect(parseToken(token.slice(0, -1))).toBeUndefined();
    expect(parseToken(token.replace(/^sgu/, 'sgs'))).toBeUndefined();
    expect(parseToken('Bearer nonsense')).toBeUndefined();
  });

  it('are unique', () => {
    const seen = new Set(Array.from({ length: 200 }, () => mintToken('system').token));
    expect(seen.size).toBe(200);
  });

  it('compares configured secrets without early exit on length', () => {
    expect(sameSecret('a'.repeat(40), 'a'.repeat(40))).toBe(true);
    expect(sameSecret('a'.repeat(40), 'a'.repeat(41))).toBe(false);
  });
});
