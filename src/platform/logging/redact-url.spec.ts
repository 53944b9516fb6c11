import { describe, expect, it } from 'vitest';
import { redactUrl } from './redact-url.js';

describe('redactUrl', () => {
  it('masks the token segment of invitation and password-reset links, with or without a query', () => {
    expect(redactUrl('/portal/password-reset/AbC-12_xyz')).toBe('/portal/password-reset/[redacted]');
    expect(redactUrl('/portal/invitations/AbC-12_xyz?x=1')).toBe('/portal/invitations/[redacted]?x=1');
    // The page that asks for a link carries no secret.
    expect(redactUrl('/portal/password-reset')).toBe('/portal/password-reset');
  });

  it('masks secret query parameters (an OAuth2 callback’s code and state) and keeps the rest byte for byte', () => {
    expect(redactUrl('/portal/sso/callback?code=s3cr3t&state=abc')).toBe(
      '/portal/sso/callback?code=[redacted]&state=[redacted]',
    );
    expect(redactUrl('/x?Token=a&page=2&q=a%20b&access_token=z')).toBe(
      '/x?Token=[redacted]&page=2&q=a%20b&access_token=[redacted]',
    );
    expect(redactUrl('/x?%63ode=a')).toBe('/x?%63ode=[redacted]');
    expect(redactUrl('/x?flag&next=%2Fportal')).toBe('/x?flag&next=%2Fportal');
  });

  it('drops a fragment, and answers an empty string for no URL', () => {
    expect(redactUrl('/portal/invitations/t#frag')).toBe('/portal/invitations/[redacted]');
    expect(redactUrl(undefined)).toBe('');
  });
});
