import { describe, expect, it } from 'vitest';
import { CLIENT_ID_FORMAT, isClientSecret, parseToken } from './access-token.js';
import {
  CLIENT_EXAMPLE,
  CLIENT_SECRET_EXAMPLE,
  KEY_EXAMPLE,
  KEY_TOKEN_EXAMPLE,
  ROTATED_CLIENT_EXAMPLE,
  ROTATED_KEY_EXAMPLE,
  ROTATED_KEY_TOKEN_EXAMPLE,
  ROTATED_SECRET_EXAMPLE,
} from './credentials-examples.js';

describe('the OpenAPI examples of the credential endpoints', () => {
  it('show client ids and secrets that pass the checks real ones pass', () => {
    for (const client of [CLIENT_EXAMPLE, ROTATED_CLIENT_EXAMPLE])
      expect(client.clientId).toMatch(CLIENT_ID_FORMAT);
    expect(isClientSecret(CLIENT_SECRET_EXAMPLE)).toBe(true);
    expect(isClientSecret(ROTATED_SECRET_EXAMPLE)).toBe(true);
    expect(CLIENT_SECRET_EXAMPLE).not.toBe(ROTATED_SECRET_EXAMPLE);
  });

  it('show API keys that parse as partner keys of the records they come with', () => {
    for (const [token, record] of [
      [KEY_TOKEN_EXAMPLE, KEY_EXAMPLE],
      [ROTATED_KEY_TOKEN_EXAMPLE, ROTATED_KEY_EXAMPLE],
    ] as const) {
      expect(parseToken(token)).toMatchObject({ kind: 'partner', lookup: record.lookup });
      expect(token.startsWith(`${record.prefix}_`)).toBe(true);
    }
  });
});
