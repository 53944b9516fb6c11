import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { PartnerScorecardsService } from '../../src/portal/scorecards/partner-scorecards.service.js';
import { SftpPoller } from '../../src/transports/sftp/sftp-poller.service.js';
import { SftpReceiptService } from '../../src/transports/sftp/sftp-receipt.service.js';
import { signingKeyFile, startTestGateway } from '../support/gateway.js';
import { startSshd, type Sshd } from '../support/openssh.js';
import { createTestDatabase, queryOnce, type TestDatabase } from '../support/postgres.js';
import { redisPrefix, TEST_REDIS_URL } from '../support/redis.js';
import {
  archived as archivedRows,
  passWhileThePartnerUploadsAgain,
  profile,
  sha256,
} from './sftp-poller.support.js';

/**
 * The poller's claims (docs/sftp.md) at their edges, against real OpenSSH servers: the claim's tag in
 * the caller key, names too long to take a tag, and a server that refuses renames.
 */
describe('SFTP poller claims', () => {
  let db: TestDatabase;
  let sshd: Sshd;
  let lockedSshd: Sshd;
  let partnersDir: string;
  let keyFile: string;
  let gateway: Awaited<ReturnType<typeof startTestGateway>>;
  let poller: SftpPoller;
  const logs: string[] = [];
  const redis = redisPrefix('sftpclaims');
  const drop = (partnerId: string) =>
    join(partnerId === 'claims-locked' ? lockedSshd.dir : sshd.dir, partnerId, 'drop');
  const done = (partnerId: string) => join(sshd.dir, partnerId, 'done');
  const archived = (partnerId: string) => archivedRows(db.url, partnerId);
  /** A payload of exactly `size` bytes, different every time. */
  const payloadOf = (size: number) =>
    Buffer.from(`ISA*00*${randomBytes(size).toString('hex')}`.slice(0, size));
  const logged = (message: string, from: number) =>
    logs.slice(from).filter((line) => (JSON.parse(line) as { msg?: string }).msg?.includes(message));
  /** The partner's health reasons about its SFTP server (its rejected test files count otherwise). */
  const sftpReasons = async (partnerId: string) =>
    (await gateway.app.get(PartnerScorecardsService).health([partnerId]))[0]!.reasons
      .map((r) => r.text)
      .filter((text) => text.startsWith('SFTP server'));

  beforeAll(async () => {
    db = await createTestDatabase('sftpclaims');
    [sshd, lockedSshd] = await Promise.all([
      startSshd(),
      startSshd({ deniedSftpRequests: ['rename', 'posix-rename'] }),
    ]);
    partnersDir = mkdtempSync(join(tmpdir(), 'sg-sftp-claims-'));
    keyFile = signingKeyFile();
    for (const id of ['claims-acme', 'claims-fixed'])
      writeFileSync(
        join(partnersDir, `${id}.yaml`),
        profile(
          { id, port: sshd.port, hostKey: sshd.hostKey.fingerprint, root: join(sshd.dir, id) },
          sshd.clientKey.privateKeyFile,
        ),
      );
    writeFileSync(
      join(partnersDir, 'claims-locked.yaml'),
      profile(
        {
          id: 'claims-locked',
          port: lockedSshd.port,
          hostKey: lockedSshd.hostKey.fingerprint,
          root: join(lockedSshd.dir, 'claims-locked'),
          deleteAfterPickup: true,
        },
        lockedSshd.clientKey.privateKeyFile,
      ),
    );
    // An api process runs no jobs: receipts stay `received`, as an accepted interchange's would (the
    // intake would reject these made-up ones), and only the tests poll.
    gateway = await startTestGateway(
      {
        DATABASE_URL: db.url,
        REDIS_URL: TEST_REDIS_URL,
        REDIS_PREFIX: redis.prefix,
        TOKEN_SIGNING_KEY_FILE: keyFile,
        PARTNERS_DIR: partnersDir,
        GATEWAY_ROLE: 'api',
        LOG_LEVEL: 'info',
      },
      { onLog: (line) => logs.push(line) },
    );
    poller = gateway.app.get(SftpPoller);
  }, 60_000);

  afterAll(async () => {
    await gateway?.stop();
    await Promise.all([sshd?.stop(), lockedSshd?.stop()]);
    await db?.drop();
    await redis.cleanup();
    if (partnersDir) rmSync(partnersDir, { recursive: true, force: true });
    if (keyFile) rmSync(dirname(keyFile), { recursive: true, force: true });
  });

  it('takes a different file uploaded under the same name, size and mtime second as a receipt of its own', async () => {
    const first = payloadOf(64);
    const second = payloadOf(64);
    const orders = join(drop('claims-acme'), 'orders.edi');
    writeFileSync(orders, first);
    utimesSync(orders, 1_700_000_200, 1_700_000_200);
    expect(await poller.poll('claims-acme')).toMatchObject({ archived: 1, duplicates: 0 });
    // The partner sends its next orders.edi: as long as the first, stamped with the same second.
    writeFileSync(orders, second);
    utimesSync(orders, 1_700_000_200, 1_700_000_200);
    expect(await poller.poll('claims-acme')).toMatchObject({ archived: 1, duplicates: 0 });
    expect((await archived('claims-acme')).map((r) => [r.filename, r.sha256, r.duplicate_of])).toEqual([
      ['orders.edi', sha256(first), null],
      ['orders.edi', sha256(second), null],
    ]);
    expect((await archived('claims-acme')).map((r) => r.status)).toEqual(['received', 'received']);
    expect(readdirSync(drop('claims-acme'))).toEqual([]);
    expect(readFileSync(join(done('claims-acme'), 'orders.edi')).equals(second)).toBe(true);
  });

  it('recognises a claim read again after an upgrade, archived when caller keys had no claim tag', async () => {
    // Neither X12 nor EDIFACT: rejected on receipt, so the archive would take the same bytes as new.
    const payload = Buffer.from(`not an interchange ${randomBytes(8).toString('hex')}`);
    const claim = join(drop('claims-acme'), 'again.edi.sg-0badc0de');
    writeFileSync(claim, payload);
    utimesSync(claim, 1_700_000_300, 1_700_000_300);
    expect(await poller.poll('claims-acme')).toMatchObject({ archived: 1 });
    expect(await archived('claims-acme')).toContainEqual(
      expect.objectContaining({ filename: 'again.edi', status: 'rejected' }),
    );
    // The version before recorded its pickup under the file's own key, without the claim's tag; it
    // died before moving the claim.
    await queryOnce(
      db.url,
      `UPDATE sftp_poll_pickup SET caller_key = regexp_replace(caller_key, ':sg-0badc0de$', '')
        WHERE partner_id = 'claims-acme' AND caller_key LIKE '%/again.edi:%'`,
    );
    writeFileSync(claim, payload);
    utimesSync(claim, 1_700_000_300, 1_700_000_300);
    expect(await poller.poll('claims-acme')).toMatchObject({ archived: 0, duplicates: 1 });
    expect((await archived('claims-acme')).filter((r) => r.sha256 === sha256(payload))).toHaveLength(1);
    expect(readdirSync(drop('claims-acme'))).toEqual([]);
  });

  it('claims a file whose name leaves no room for a claim tag and archives it under its exact name', async () => {
    // 255 bytes, with a two-byte character where a byte-wise cut would split it.
    const name = `${'L'.repeat(241)}ä${'x'.repeat(8)}.edi`;
    expect(Buffer.byteLength(name)).toBe(255);
    const { first, second, before } = await passWhileThePartnerUploadsAgain(
      gateway.app,
      'claims-acme',
      drop('claims-acme'),
      name,
    );
    // Read from a shortened claim, not in place: the partner's next upload stayed untouched.
    expect(before).toEqual([expect.stringMatching(new RegExp(`^L{241}\\.sgl-[0-9a-f]{8}$`))]);
    expect(readFileSync(join(done('claims-acme'), name)).equals(first)).toBe(true);
    expect(await poller.poll('claims-acme')).toMatchObject({ archived: 1 });
    const rows = (await archived('claims-acme')).filter((r) => r.filename === name);
    expect(rows.map((r) => r.sha256)).toEqual([sha256(first), sha256(second)]);
    const stored = await queryOnce(db.url, `SELECT 1 FROM sftp_poll_claim WHERE partner_id = 'claims-acme'`);
    expect(stored).toEqual([]);
  });

  it("takes a shortened claim a pass left behind under the partner's exact name", async () => {
    const name = `${'R'.repeat(250)}.edi`;
    const payload = payloadOf(100);
    writeFileSync(join(drop('claims-acme'), name), payload);
    const receipts = gateway.app.get(SftpReceiptService);
    // The process dies after the claim, before the archive took the file.
    const spy = vi.spyOn(receipts, 'receive').mockRejectedValueOnce(new Error('the process died'));
    try {
      await expect(poller.poll('claims-acme')).rejects.toThrow('the process died');
    } finally {
      spy.mockRestore();
    }
    expect(readdirSync(drop('claims-acme'))).toEqual([expect.stringMatching(/^R{242}\.sgl-[0-9a-f]{8}$/)]);
    expect(await archived('claims-acme')).not.toContainEqual(expect.objectContaining({ filename: name }));

    expect(await poller.poll('claims-acme')).toMatchObject({ archived: 1, duplicates: 0 });
    expect(readdirSync(drop('claims-acme'))).toEqual([]);
    expect(readFileSync(join(done('claims-acme'), name)).equals(payload)).toBe(true);
    expect((await archived('claims-acme')).filter((r) => r.filename === name).map((r) => r.sha256)).toEqual([
      sha256(payload),
    ]);
  });

  it("says once that a server refuses renames, and shows it in the partner's health", async () => {
    const from = logs.length;
    for (const n of [1, 2, 3]) {
      writeFileSync(join(drop('claims-locked'), `in-place-${n}.edi`), payloadOf(40));
      expect(await poller.poll('claims-locked')).toMatchObject({ archived: 1 });
    }
    expect(readdirSync(drop('claims-locked'))).toEqual([]);
    expect(logged('sftp server refused to rename a file to claim it', from)).toHaveLength(1);
    expect(await sftpReasons('claims-locked')).toEqual([
      expect.stringMatching(
        new RegExp(
          `^SFTP server 127\\.0\\.0\\.1:${lockedSshd.port} refuses renames since \\d{4}-\\d{2}-\\d{2}: files are read in place`,
        ),
      ),
    ]);
  });

  it('clears the refusal once a claim succeeds on the server again', async () => {
    const from = logs.length;
    // As if this partner's server had refused renames until its permissions were fixed.
    await queryOnce(
      db.url,
      `INSERT INTO sftp_poll_server (partner_id, server, renames_refused_since, renames_refused_detail)
       VALUES ('claims-fixed', $1, now() - interval '2 days', 'Permission denied')`,
      [`127.0.0.1:${sshd.port}`],
    );
    expect(await sftpReasons('claims-fixed')).toEqual([expect.stringContaining('refuses renames')]);
    writeFileSync(join(drop('claims-fixed'), 'fixed.edi'), payloadOf(40));
    expect(await poller.poll('claims-fixed')).toMatchObject({ archived: 1 });
    expect(await sftpReasons('claims-fixed')).toEqual([]);
    expect(logged('sftp server accepts renames again', from)).toHaveLength(1);
  });
  it('quarantines a file read in place that comes back under its name, size and mtime second with other content, and raises a case', async () => {
    const first = payloadOf(48);
    const second = payloadOf(48);
    const reused = join(drop('claims-locked'), 'reused.edi');
    writeFileSync(reused, first);
    utimesSync(reused, 1_700_000_300, 1_700_000_300);
    expect(await poller.poll('claims-locked')).toMatchObject({ archived: 1, duplicates: 0, quarantined: 0 });
    // No claim tag in the key on a server that refuses renames: the same key, other bytes.
    writeFileSync(reused, second);
    utimesSync(reused, 1_700_000_300, 1_700_000_300);
    expect(await poller.poll('claims-locked')).toMatchObject({ archived: 0, duplicates: 0, quarantined: 1 });
    const rows = (await archived('claims-locked')).filter((r) => r.filename === 'reused.edi');
    expect(rows.map((r) => [r.sha256, r.status])).toEqual([
      [sha256(first), 'received'],
      [sha256(second), 'quarantined'],
    ]);
    // The archive holds it, so it leaves the partner's server; a person is told why it was not processed.
    expect(readdirSync(drop('claims-locked'))).toEqual([]);
    const ids = await queryOnce<{ id: string }>(
      db.url,
      `SELECT id::text AS id FROM interchange WHERE partner_id = 'claims-locked' AND filename = 'reused.edi' ORDER BY id`,
    );
    const cases = await queryOnce<{ severity: string; summary: string; interchange_id: string }>(
      db.url,
      `SELECT severity, summary, interchange_id::text AS interchange_id FROM exception_case
        WHERE type = 'sftp.file-reused' AND partner_id = 'claims-locked'`,
    );
    expect(cases).toEqual([
      {
        severity: 'high',
        summary:
          `reused.edi on claims-locked's SFTP server came back with the same name, size and mtime second ` +
          `but other content (first: interchange ${ids[0]!.id}, this one: ${ids[1]!.id}, quarantined): ` +
          `${reused}`,
        interchange_id: ids[1]!.id,
      },
    ]);
  });
});
