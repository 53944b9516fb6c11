import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/config.js';
import { MissingSecretError } from '../../platform/secrets/secret-files.js';
import { loadMailboxHostKey } from './sftp-host-key.js';
import { partnerProfileSchema } from '../../partners/partner-profile.schema.js';
import {
  hashMailboxPassword,
  verifyMailboxPassword,
  fingerprintOf,
  sameFingerprint,
} from './sftp-credentials.js';
import { longName, resolveMailboxPath } from './mailbox-paths.js';
import { claimName, isPlainName, isTemporaryName, parseClaim, withSuffix } from './sftp-names.js';

const base = {
  id: 'acme',
  name: 'Acme',
  status: 'test',
  acknowledgments: { functional: 'none' },
};
const poll = {
  host: 'sftp.acme.example',
  username: 'gw',
  hostKey: 'SHA256:nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8',
  passwordFile: '/run/secrets/pw',
  inboundDir: '/out',
  archiveDir: '/out/done',
};
const sftp = (settings: Record<string, unknown>) =>
  partnerProfileSchema.safeParse({ ...base, channels: { sftp: { enabled: true, ...settings } } });
const messages = (result: ReturnType<typeof sftp>) =>
  result.success ? [] : result.error.issues.map((i) => i.message);

describe('the channels.sftp profile schema', () => {
  it('accepts polling settings and fills the defaults', () => {
    const result = sftp({ poll });
    expect(result.success).toBe(true);
    expect(result.data!.channels.sftp!.poll).toMatchObject({
      port: 22,
      everySeconds: 60,
      stableSizeSeconds: 0,
      deleteAfterPickup: false,
    });
  });

  it('is strict: a misspelt setting is reported', () => {
    expect(messages(sftp({ poll: { ...poll, inboundDirectory: '/x' } })).join()).toMatch(/inboundDirectory/);
    expect(sftp({ host: 'x' }).success).toBe(false);
  });

  it('wants exactly one credential file and exactly one of archiveDir or deleteAfterPickup', () => {
    expect(messages(sftp({ poll: { ...poll, privateKeyFile: '/k' } }))).toContain(
      'expected exactly one of passwordFile or privateKeyFile',
    );
    expect(messages(sftp({ poll: { ...poll, deleteAfterPickup: true } }))).toContain(
      'expected archiveDir (move picked-up files there) or deleteAfterPickup: true, not both',
    );
  });

  it('wants a pinned SHA256 host key and absolute folders', () => {
    expect(messages(sftp({ poll: { ...poll, hostKey: 'MD5:aa:bb' } })).join()).toMatch(/SHA256 fingerprint/);
    expect(messages(sftp({ poll: { ...poll, inboundDir: 'out' } })).join()).toMatch(/absolute path/);
  });

  it('wants a password hash or a key for an enabled mailbox', () => {
    expect(messages(sftp({ mailbox: { enabled: true, username: 'acme' } }))).toContain(
      'the mailbox is enabled, so a passwordHash or at least one authorized key is required',
    );
    expect(
      sftp({ mailbox: { enabled: true, username: 'acme', authorizedKeys: ['ssh-ed25519 AAAAC3Nza acme'] } })
        .success,
    ).toBe(true);
  });
});

describe('temporary and plain names', () => {
  it('treats .part, .filepart, .tmp and dot files as incomplete', () => {
    for (const name of ['a.edi.part', 'a.FILEPART', 'a.tmp', '.a.edi'])
      expect(isTemporaryName(name)).toBe(true);
    for (const name of ['a.edi', 'part', 'a.partial']) expect(isTemporaryName(name)).toBe(false);
  });

  it("names a claim uniquely beside the partner's file and reads the partner's name back", () => {
    const claim = claimName('ORDERS 4711.edi');
    expect(claim).toEqual({
      name: expect.stringMatching(/^ORDERS 4711\.edi\.sg-[0-9a-f]{8}$/),
      tag: expect.stringMatching(/^sg-[0-9a-f]{8}$/),
      kept: 'ORDERS 4711.edi',
      shortened: false,
    });
    expect(claim.name).toBe(`ORDERS 4711.edi.${claim.tag}`);
    expect(claimName('ORDERS 4711.edi').name).not.toBe(claim.name);
    expect(parseClaim(claim.name)).toEqual(claim);
    expect(isTemporaryName(claim.name)).toBe(false);
    for (const name of ['a.edi', 'a.edi.sg-1234567', 'a.edi.sg-0123ABCD', '.sg-0123abcd', 'a.sgx-0123abcd'])
      expect(parseClaim(name)).toBeUndefined();
  });

  it('shortens the claim of a name that would not fit in 255 bytes, never splitting a character', () => {
    const fits = `${'f'.repeat(239)}.edi`; // 243 bytes: with ".sg-" and 8 hex digits, exactly 255
    expect(claimName(fits)).toMatchObject({ kept: fits, shortened: false });
    expect(Buffer.byteLength(claimName(fits).name)).toBe(255);
    for (const name of [`${'x'.repeat(240)}.edi`, `${'x'.repeat(251)}.edi`, `${'ä'.repeat(125)}.edi`]) {
      const claim = claimName(name);
      expect(claim.shortened).toBe(true);
      expect(claim.tag).toMatch(/^sgl-[0-9a-f]{8}$/);
      expect(Buffer.byteLength(claim.name)).toBeLessThanOrEqual(255);
      expect(name.startsWith(claim.kept)).toBe(true);
      expect(claim.name).toBe(`${claim.kept}.${claim.tag}`);
      expect(parseClaim(claim.name)).toEqual(claim);
    }
    // Two-byte characters: 242 bytes hold 121 of them, and never half of one.
    expect(claimName(`${'ä'.repeat(125)}.edi`).kept).toBe('ä'.repeat(121));
  });

  it('adds a suffix to a name, cutting the name short when both would not fit in 255 bytes', () => {
    expect(withSuffix('orders.edi', '.20261127T120000000Z')).toBe('orders.edi.20261127T120000000Z');
    const long = withSuffix('x'.repeat(250), '.20261127T120000000Z');
    expect(long).toBe(`${'x'.repeat(235)}.20261127T120000000Z`);
    expect(Buffer.byteLength(long)).toBe(255);
  });

  it('refuses separators, control characters, . and ..', () => {
    for (const name of ['a/b', 'a\\b', '..', '.', '', 'a\nb', 'x'.repeat(256)])
      expect(isPlainName(name)).toBe(false);
    expect(isPlainName('ORDERS 4711.edi')).toBe(true);
  });
});

describe('paths inside the mailbox jail', () => {
  it('resolves relative and absolute paths from /', () => {
    expect(resolveMailboxPath('.')).toEqual({ ok: true, path: { kind: 'root' }, text: '/' });
    expect(resolveMailboxPath('inbound/./a.edi')).toMatchObject({
      ok: true,
      path: { kind: 'file', folder: 'inbound', name: 'a.edi' },
      text: '/inbound/a.edi',
    });
    expect(resolveMailboxPath('/outbound/../archive//')).toMatchObject({ ok: true, text: '/archive' });
  });

  it('refuses to climb above / and knows nothing outside the three folders', () => {
    for (const path of ['..', '/..', '/inbound/../..', '../etc/passwd', '/archive/../../x'])
      expect(resolveMailboxPath(path)).toEqual({ ok: false, reason: 'escape' });
    for (const path of ['/etc', '/etc/passwd', '/inbound/a/b', '/home'])
      expect(resolveMailboxPath(path)).toEqual({ ok: false, reason: 'missing' });
  });

  it('writes ls -l lines', () => {
    expect(longName(0o100644, 'acme', 233, new Date('2026-11-27T13:43:00Z'), 'po.edi')).toBe(
      '-rw-r--r--    1 acme     acme          233 Nov 27 13:43 po.edi',
    );
  });
});

describe('mailbox passwords and fingerprints', () => {
  it('verifies an scrypt hash and refuses another password', async () => {
    const hash = await hashMailboxPassword('s3cret');
    expect(hash).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(await verifyMailboxPassword('s3cret', hash)).toBe(true);
    expect(await verifyMailboxPassword('s3cret ', hash)).toBe(false);
    expect(await verifyMailboxPassword('s3cret', 'plain')).toBe(false);
  });

  it('prints fingerprints like ssh-keygen -lf and compares them without padding', () => {
    const fp = fingerprintOf(Buffer.from('key'));
    expect(fp).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
    expect(sameFingerprint(fp, `${fp}=`)).toBe(true);
    expect(sameFingerprint(fp, fingerprintOf(Buffer.from('other')))).toBe(false);
  });
});

describe('the mailbox host key', () => {
  it('is generated once into DATA_DIR/secrets on a single process and reused', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sg-hostkey-'));
    try {
      const first = loadMailboxHostKey(loadConfig({ DATA_DIR: dir }));
      expect(first.fingerprint).toMatch(/^SHA256:/);
      expect(loadMailboxHostKey(loadConfig({ DATA_DIR: dir })).fingerprint).toBe(first.fingerprint);
      expect(statSync(join(dir, 'secrets', 'sftp-host-key')).mode & 0o777).toBe(0o600);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is never generated per process when several processes must share it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sg-hostkey-'));
    try {
      expect(() =>
        loadMailboxHostKey(loadConfig({ DATA_DIR: dir, REDIS_URL: 'redis://127.0.0.1:6379' })),
      ).toThrow(MissingSecretError);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
