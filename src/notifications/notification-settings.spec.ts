import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config/config.js';
import { addressDomain, loadNotificationSettings } from './notification-settings.js';

const files: Record<string, string> = {
  '/run/secrets/smtp': 'p@ss word\n',
  '/run/secrets/hook': 'a-webhook-secret-of-32-bytes-xxx\n',
  '/run/secrets/short': 'short',
};
const readFile = (path: string) => {
  if (path in files) return files[path]!;
  throw Object.assign(new Error('no such file'), { code: 'ENOENT' });
};
const settings = (env: Record<string, string>) => loadNotificationSettings(loadConfig(env), readFile);

describe('notification settings', () => {
  it('are off without an SMTP URL and a webhook', () => {
    expect(settings({})).toMatchObject({
      email: undefined,
      webhook: undefined,
      digestAfter: 5,
      digestWindowMs: 600_000,
    });
  });

  it('read SMTP from the URL and the password file, with STARTTLS required by default', () => {
    const s = settings({
      NOTIFY_SMTP_URL: 'smtp://mailer%40example.com@mail.example.com',
      NOTIFY_SMTP_PASSWORD_FILE: '/run/secrets/smtp',
      NOTIFY_FROM: 'Supplier Gateway <gateway@Example.com>',
      PUBLIC_URL: 'https://gw.example.com/',
    });
    expect(s.email).toMatchObject({
      host: 'mail.example.com',
      port: 587,
      implicitTls: false,
      starttls: 'required',
      user: 'mailer@example.com',
      password: 'p@ss word',
      messageIdDomain: 'example.com',
    });
    expect(s.workbenchUrl).toBe('https://gw.example.com');
    expect(
      settings({ NOTIFY_SMTP_URL: 'smtps://mail.example.com', NOTIFY_FROM: 'g@example.com' }).email,
    ).toMatchObject({ port: 465, implicitTls: true });
  });

  it('refuse a partial configuration, naming the variable', () => {
    expect(() => settings({ NOTIFY_SMTP_URL: 'smtp://mail.example.com' })).toThrow(
      'configuration error: NOTIFY_FROM is missing: it is required with NOTIFY_SMTP_URL',
    );
    expect(() => settings({ NOTIFY_SMTP_URL: 'smtp://m.example.com', NOTIFY_FROM: 'nobody' })).toThrow(
      /NOTIFY_FROM ="nobody" is invalid/,
    );
    expect(() =>
      settings({
        NOTIFY_SMTP_URL: 'smtp://m.example.com',
        NOTIFY_FROM: 'g@example.com',
        NOTIFY_SMTP_PASSWORD_FILE: '/run/secrets/missing',
      }),
    ).toThrow('configuration error: NOTIFY_SMTP_PASSWORD_FILE cannot be read (/run/secrets/missing: ENOENT)');
    expect(() => settings({ NOTIFY_WEBHOOK_URL: 'https://hooks.example.com/x' })).toThrow(
      /^configuration error: NOTIFY_WEBHOOK_SECRET_FILE is missing/,
    );
    expect(() =>
      settings({
        NOTIFY_WEBHOOK_URL: 'https://hooks.example.com/x',
        NOTIFY_WEBHOOK_SECRET_FILE: '/run/secrets/short',
      }),
    ).toThrow(/fewer than 16 bytes/);
  });

  it('read the webhook key without its trailing newline', () => {
    const s = settings({
      NOTIFY_WEBHOOK_URL: 'https://hooks.example.com/x',
      NOTIFY_WEBHOOK_SECRET_FILE: '/run/secrets/hook',
    });
    expect(s.webhook?.secret.toString()).toBe('a-webhook-secret-of-32-bytes-xxx');
    expect(s.webhook?.timeoutMs).toBe(10_000);
  });

  it('find the domain of a sender address', () => {
    expect(addressDomain('gw@example.com')).toBe('example.com');
    expect(addressDomain('"Gateway, EU" <gw@mail.example.com>')).toBe('mail.example.com');
    expect(addressDomain('not an address')).toBeUndefined();
  });
});
