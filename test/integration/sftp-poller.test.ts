import { randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
  appendFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SftpPoller } from '../../src/transports/sftp/sftp-poller.service.js';
import { SftpUploader } from '../../src/transports/sftp/sftp-upload.service.js';
import { SftpError, SftpErrorCode } from '../../src/transports/sftp/sftp.exception.js';
import { startTestGateway } from '../support/gateway.js';
import {
  sftpBatch,
  spawnSftp,
  startCuttingProxy,
  startSshd,
  waitFor,
  type CuttingProxy,
  type Sshd,
} from '../support/openssh.js';
import { createTestDatabase, queryOnce, type TestDatabase } from '../support/postgres.js';
import {
  archived as archivedRows,
  passWhileThePartnerUploadsAgain,
  profile,
  sha256,
  type PollProfile,
} from './sftp-poller.support.js';

describe('the SFTP poller against a real OpenSSH server', () => {
  let db: TestDatabase;
  let sshd: Sshd;
  let otherSshd: Sshd;
  let lockedSshd: Sshd;
  let proxy: CuttingProxy;
  let gateway: Awaited<ReturnType<typeof startTestGateway>>;
  let poller: SftpPoller;
  let partnersDir: string;
  const root = (id: string) => join(sshd.dir, id);

  const archived = (partnerId: string) => archivedRows(db.url, partnerId);

  beforeAll(async () => {
    db = await createTestDatabase('sftppoll');
    [sshd, otherSshd, lockedSshd] = await Promise.all([
      startSshd(),
      startSshd(),
      // A partner server that lets us read and delete files but not rename them.
      startSshd({ deniedSftpRequests: ['rename', 'posix-rename'] }),
    ]);
    proxy = await startCuttingProxy(sshd.port);
    partnersDir = mkdtempSync(join(tmpdir(), 'sg-sftp-partners-'));
    const key = sshd.clientKey.privateKeyFile;
    const pin = sshd.hostKey.fingerprint;
    const profiles: PollProfile[] = [
      { id: 'poll-acme', port: sshd.port, hostKey: pin, root: join(sshd.dir, 'poll-acme') },
      {
        id: 'poll-stable',
        port: sshd.port,
        hostKey: pin,
        root: join(sshd.dir, 'poll-stable'),
        stableSizeSeconds: 1,
      },
      { id: 'poll-proxy', port: proxy.port, hostKey: pin, root: join(sshd.dir, 'poll-proxy') },
      {
        id: 'poll-bulk',
        port: sshd.port,
        hostKey: pin,
        root: join(sshd.dir, 'poll-bulk'),
        everySeconds: 1,
        deleteAfterPickup: true,
      },
      { id: 'poll-reuse', port: sshd.port, hostKey: pin, root: join(sshd.dir, 'poll-reuse') },
      {
        id: 'poll-limit',
        port: sshd.port,
        hostKey: pin,
        root: join(sshd.dir, 'poll-limit'),
        maxFileBytes: 1000,
      },
      // otherSshd has its own host key: the pin below belongs to sshd, so this partner must be refused.
      { id: 'poll-wrongkey', port: otherSshd.port, hostKey: pin, root: join(otherSshd.dir, 'poll-wrongkey') },
    ];
    for (const p of profiles) writeFileSync(join(partnersDir, `${p.id}.yaml`), profile(p, key));
    const locked: PollProfile = {
      id: 'poll-norename',
      port: lockedSshd.port,
      hostKey: lockedSshd.hostKey.fingerprint,
      root: join(lockedSshd.dir, 'poll-norename'),
      deleteAfterPickup: true,
    };
    writeFileSync(
      join(partnersDir, `${locked.id}.yaml`),
      profile(locked, lockedSshd.clientKey.privateKeyFile),
    );
    gateway = await startTestGateway({ DATABASE_URL: db.url, PARTNERS_DIR: partnersDir, LOG_LEVEL: 'error' });
    poller = gateway.app.get(SftpPoller);
  }, 60_000);

  afterAll(async () => {
    await gateway?.stop();
    await proxy?.close();
    await Promise.all([sshd?.stop(), otherSshd?.stop(), lockedSshd?.stop()]);
    await db?.drop();
    if (partnersDir) rmSync(partnersDir, { recursive: true, force: true });
  });

  it('refuses a server whose host key is not the pinned one before sending any credentials', async () => {
    const before = otherSshd.log().length;
    const error = await poller.poll('poll-wrongkey').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SftpError);
    expect((error as SftpError).code).toBe(SftpErrorCode.HostKeyMismatch);
    expect((error as SftpError).message).toContain(otherSshd.hostKey.fingerprint);
    await sleep(300); // let sshd write what it saw of the connection
    const seen = otherSshd.log().slice(before);
    expect(seen).toContain('Connection from 127.0.0.1');
    expect(seen).not.toMatch(/userauth-request|Accepted |Failed |Postponed /);
    // The same log does show authentication when a client that trusts the key logs in.
    const work = mkdtempSync(join(tmpdir(), 'sg-sftp-cli-'));
    const run = await sftpBatch(
      {
        port: otherSshd.port,
        user: 'root',
        identityFile: otherSshd.clientKey.privateKeyFile,
        hostPublicKey: otherSshd.hostKey.publicKey,
        cwd: work,
      },
      ['pwd'],
    );
    expect(run.code).toBe(0);
    await waitFor(() => /userauth-request/.test(otherSshd.log().slice(before)), 5_000);
  });

  it('ignores a file whose writer was killed mid-upload and takes it once complete, exactly once', async () => {
    const drop = join(root('poll-acme'), 'drop');
    const work = mkdtempSync(join(tmpdir(), 'sg-sftp-writer-'));
    const payload = Buffer.concat([Buffer.from('ISA*00*'), randomBytes(2_000_000)]);
    writeFileSync(join(work, 'big.edi'), payload);
    const client = {
      port: sshd.port,
      user: 'root',
      identityFile: sshd.clientKey.privateKeyFile,
      hostPublicKey: sshd.hostKey.publicKey,
      cwd: work,
    };
    const writer = spawnSftp({ ...client, limitKbps: 800 }, [
      `put big.edi ${drop}/big.edi.part`,
      `rename ${drop}/big.edi.part ${drop}/big.edi`,
    ]);
    await waitFor(
      () => existsSync(join(drop, 'big.edi.part')) && statSync(join(drop, 'big.edi.part')).size > 50_000,
      15_000,
    );
    writer.process.kill('SIGKILL');
    await new Promise((done) => writer.process.once('exit', done));
    const partial = statSync(join(drop, 'big.edi.part')).size;
    expect(partial).toBeLessThan(payload.length);

    expect(await poller.poll('poll-acme')).toMatchObject({ archived: 0, duplicates: 0 });
    expect(await archived('poll-acme')).toEqual([]);

    // The writer runs again and finishes: temporary name, then rename.
    const again = await sftpBatch(client, [
      `put big.edi ${drop}/big.edi.part`,
      `rename ${drop}/big.edi.part ${drop}/big.edi`,
    ]);
    expect(again.code).toBe(0);
    expect(await poller.poll('poll-acme')).toMatchObject({ archived: 1, duplicates: 0 });
    expect(await poller.poll('poll-acme')).toMatchObject({ archived: 0, duplicates: 0 });
    const rows = await archived('poll-acme');
    expect(rows).toEqual([
      { filename: 'big.edi', sha256: sha256(payload), status: expect.any(String), duplicate_of: null },
    ]);
    expect(readdirSync(drop)).toEqual([]);
    expect(readFileSync(join(root('poll-acme'), 'done', 'big.edi')).equals(payload)).toBe(true);
  }, 60_000);

  it('treats a file read again after a crash between archiving and moving it as a duplicate', async () => {
    const drop = join(root('poll-acme'), 'drop');
    const payload = Buffer.from(`ISA*00*crash-window-${randomBytes(8).toString('hex')}`);
    writeFileSync(join(drop, 'crash.edi'), payload);
    utimesSync(join(drop, 'crash.edi'), 1_700_000_000, 1_700_000_000);
    expect(await poller.poll('poll-acme')).toMatchObject({ archived: 1 });
    // The intake rejects it (not a real ISA); the archive no longer treats a repeat as a duplicate.
    await waitFor(
      async () =>
        (await archived('poll-acme')).some((r) => r.filename === 'crash.edi' && r.status === 'rejected'),
      15_000,
    );
    // As if the process died after the archive committed and before the move: the claim it read (its
    // tag ends the receipt's caller key) is still in the inbound folder.
    const [{ caller_key: key }] = await queryOnce<{ caller_key: string }>(
      db.url,
      `SELECT caller_key FROM interchange WHERE partner_id = 'poll-acme' AND filename = 'crash.edi'`,
    );
    const claim = `crash.edi.${/:(sg-[0-9a-f]{8})$/.exec(key)![1]}`;
    writeFileSync(join(drop, claim), payload);
    utimesSync(join(drop, claim), 1_700_000_000, 1_700_000_000);
    expect(await poller.poll('poll-acme')).toMatchObject({ archived: 0, duplicates: 1 });
    // Still one receipt: the pickup row recognised the file.
    const rows = (await archived('poll-acme')).filter((r) => r.filename === 'crash.edi');
    expect(rows).toHaveLength(1);
    expect(readdirSync(drop)).toEqual([]);
    const jobs = await queryOnce<{ n: string }>(
      db.url,
      `SELECT count(*)::text AS n FROM outbox WHERE job_name = 'translation.x12-intake'
          AND payload->>'interchangeId' IN (SELECT id::text FROM interchange WHERE filename = 'crash.edi')`,
    );
    expect(jobs[0]!.n).toBe('1');
  });

  it('leaves a file over the size limit on the server and raises one case for it, however many passes', async () => {
    const drop = join(root('poll-limit'), 'drop');
    const big = Buffer.concat([Buffer.from('ISA*00*'), randomBytes(5_000)]);
    const small = Buffer.from(`ISA*00*small ${randomBytes(8).toString('hex')}`);
    writeFileSync(join(drop, 'big.edi'), big);
    writeFileSync(join(drop, 'small.edi'), small);
    expect(await poller.poll('poll-limit')).toMatchObject({ archived: 1, tooLarge: 1 });
    expect(await poller.poll('poll-limit')).toMatchObject({ archived: 0, tooLarge: 1 });
    // Not claimed, not read, not moved: it stays under the partner's name for the operator to sort out.
    expect(readdirSync(drop)).toEqual(['big.edi']);
    expect((await archived('poll-limit')).map((r) => r.sha256)).toEqual([sha256(small)]);
    const cases = await queryOnce<{ summary: string; events: number }>(
      db.url,
      `SELECT c.summary, (SELECT count(*)::int FROM exception_event e WHERE e.case_id = c.id) AS events
         FROM exception_case c WHERE c.type = 'sftp.file-too-large' AND c.partner_id = 'poll-limit'`,
    );
    expect(cases).toEqual([
      {
        summary: expect.stringMatching(/^5007 bytes, over the SFTP limit of 1000: .*\/drop\/big\.edi$/),
        events: 1,
      },
    ]);
  });

  it('takes a file only once its size stopped changing (stableSizeSeconds)', async () => {
    const drop = join(root('poll-stable'), 'drop');
    writeFileSync(join(drop, 'growing.edi'), 'ISA*00*first half ');
    expect(await poller.poll('poll-stable')).toMatchObject({ archived: 0, deferred: 1 });
    appendFileSync(join(drop, 'growing.edi'), 'second half');
    expect(await poller.poll('poll-stable')).toMatchObject({ archived: 0, deferred: 1 });
    await sleep(1_100);
    expect(await poller.poll('poll-stable')).toMatchObject({ archived: 1, deferred: 0 });
    expect((await archived('poll-stable')).map((r) => r.sha256)).toEqual([
      sha256('ISA*00*first half second half'),
    ]);
  });

  it('archives a file exactly once, with the source sha256, when its download connection is cut', async () => {
    const drop = join(root('poll-proxy'), 'drop');
    const payload = Buffer.concat([Buffer.from('ISA*00*'), randomBytes(3_000_000)]);
    writeFileSync(join(drop, 'cut.edi'), payload);
    proxy.cutNextAfter(500_000);
    const first = await poller.poll('poll-proxy').then(
      (report) => report,
      (error: unknown) => error,
    );
    expect(proxy.cuts()).toBe(1);
    expect(first).not.toMatchObject({ archived: 1 });
    expect(await archived('poll-proxy')).toEqual([]);
    // Still on the partner's server, under the claim the cut pass made; a later pass takes it.
    expect(readdirSync(drop)).toEqual([expect.stringMatching(/^cut\.edi\.sg-[0-9a-f]{8}$/)]);

    expect(await poller.poll('poll-proxy')).toMatchObject({ archived: 1 });
    const rows = await archived('poll-proxy');
    expect(rows).toHaveLength(1);
    expect(rows[0]!.sha256).toBe(sha256(readFileSync(join(root('poll-proxy'), 'done', 'cut.edi'))));
    expect(rows[0]!.sha256).toBe(sha256(payload));
    expect(rows[0]!.filename).toBe('cut.edi');
    expect(readdirSync(drop)).toEqual([]);
  }, 60_000);

  it('never moves away a file the partner uploaded under the same name while the first was archived', async () => {
    const drop = join(root('poll-reuse'), 'drop');
    const { first, second, before } = await passWhileThePartnerUploadsAgain(gateway.app, 'poll-reuse', drop);
    // The first was read from a claim, which the partner's next upload cannot touch, and archived.
    expect(before).toEqual([expect.stringMatching(/^orders\.edi\.sg-[0-9a-f]{8}$/)]);
    expect(readFileSync(join(root('poll-reuse'), 'done', 'orders.edi')).equals(first)).toBe(true);
    expect((await archived('poll-reuse')).map((r) => [r.filename, r.sha256])).toEqual([
      ['orders.edi', sha256(first)],
    ]);
    // The next pass takes the new upload as its own receipt.
    expect(await poller.poll('poll-reuse')).toMatchObject({ archived: 1, duplicates: 0 });
    expect(readdirSync(drop)).toEqual([]);
    const rows = await archived('poll-reuse');
    expect(rows.map((r) => [r.filename, r.sha256, r.duplicate_of])).toEqual([
      ['orders.edi', sha256(first), null],
      ['orders.edi', sha256(second), null],
    ]);
  });

  it('takes a claim a pass left behind under the partner name, and only once', async () => {
    const drop = join(root('poll-reuse'), 'drop');
    const done = join(root('poll-reuse'), 'done');
    const payload = Buffer.from(`ISA*00*left behind ${randomBytes(8).toString('hex')}`);
    // A pass claimed it and died before reading it.
    writeFileSync(join(drop, 'left.edi.sg-0123abcd'), payload);
    utimesSync(join(drop, 'left.edi.sg-0123abcd'), 1_700_000_100, 1_700_000_100);
    expect(await poller.poll('poll-reuse')).toMatchObject({ archived: 1, duplicates: 0 });
    expect(readdirSync(drop)).toEqual([]);
    expect(readFileSync(join(done, 'left.edi')).equals(payload)).toBe(true);
    // As if that pass had archived it and died before moving it: the claim is back, no second receipt.
    writeFileSync(join(drop, 'left.edi.sg-0123abcd'), payload);
    utimesSync(join(drop, 'left.edi.sg-0123abcd'), 1_700_000_100, 1_700_000_100);
    expect(await poller.poll('poll-reuse')).toMatchObject({ archived: 0, duplicates: 1 });
    expect(readdirSync(drop)).toEqual([]);
    const rows = (await archived('poll-reuse')).filter((r) => r.sha256 === sha256(payload));
    expect(rows).toEqual([
      { filename: 'left.edi', sha256: sha256(payload), status: expect.any(String), duplicate_of: null },
    ]);
  });

  it('on a server that refuses renames, reads in place and leaves a file that changed meanwhile', async () => {
    const drop = join(lockedSshd.dir, 'poll-norename', 'drop');
    const { first, second, before } = await passWhileThePartnerUploadsAgain(
      gateway.app,
      'poll-norename',
      drop,
    );
    // The claim was refused, so it was read in place; the stat before the delete saw the new upload.
    expect(before).toEqual(['orders.edi']);
    // Unchanged since it was read: taken and deleted.
    expect(await poller.poll('poll-norename')).toMatchObject({ archived: 1, duplicates: 0 });
    expect(readdirSync(drop)).toEqual([]);
    expect((await archived('poll-norename')).map((r) => [r.filename, r.sha256])).toEqual([
      ['orders.edi', sha256(first)],
      ['orders.edi', sha256(second)],
    ]);
  });

  it('archives each of 500 files dropped while the scheduled poller runs exactly once', async () => {
    const drop = join(root('poll-bulk'), 'drop');
    const expected = new Map<string, string>();
    for (let i = 0; i < 500; i++) {
      const name = `order-${String(i).padStart(3, '0')}.txt`;
      const content = `order ${i} ${randomBytes(6).toString('hex')}\n`;
      expected.set(name, sha256(content));
      // A well-behaved writer: temporary name, then rename.
      writeFileSync(join(drop, `${name}.tmp`), content);
      renameSync(join(drop, `${name}.tmp`), join(drop, name));
      if (i % 25 === 24) await sleep(100);
    }
    await waitFor(
      async () => readdirSync(drop).length === 0 && (await archived('poll-bulk')).length >= 500,
      60_000,
      () => `drop still holds ${readdirSync(drop).length} files`,
    );
    await sleep(1_500); // one more scheduled pass must not add anything
    const rows = await archived('poll-bulk');
    expect(rows).toHaveLength(500);
    expect(rows.every((r) => r.duplicate_of === null)).toBe(true);
    expect(new Map(rows.map((r) => [r.filename, r.sha256]))).toEqual(expected);
    const lease = await queryOnce<{ n: string }>(
      db.url,
      `SELECT count(*)::text AS n FROM lease WHERE name = 'sftp-poll:poll-bulk'`,
    );
    expect(lease[0]!.n).toBe('1');
  }, 90_000);

  it('uploads to a temporary name, checks the size, then renames into place', async () => {
    const payload = Buffer.from(`ISA*00*outbound ${randomBytes(20_000).toString('hex')}`);
    const result = await gateway.app.get(SftpUploader).upload('poll-acme', 'po-4711.edi', payload);
    const up = join(root('poll-acme'), 'up');
    expect(result).toEqual({
      remotePath: join(up, 'po-4711.edi'),
      size: payload.length,
      sha256: sha256(payload),
    });
    expect(readdirSync(up)).toEqual(['po-4711.edi']);
    expect(readFileSync(join(up, 'po-4711.edi')).equals(payload)).toBe(true);
    // A retry after a rename that was not recorded: the same bytes are there, so that is the delivery
    // (not written again: the partner would read it twice).
    const inode = statSync(join(up, 'po-4711.edi')).ino;
    expect(await gateway.app.get(SftpUploader).upload('poll-acme', 'po-4711.edi', payload)).toEqual(result);
    expect(statSync(join(up, 'po-4711.edi')).ino).toBe(inode);
    expect(readdirSync(up)).toEqual(['po-4711.edi']);
    // Other bytes under that name are a file the partner has not fetched: never overwritten.
    await expect(
      gateway.app.get(SftpUploader).upload('poll-acme', 'po-4711.edi', Buffer.from('ISA*00*second')),
    ).rejects.toThrow(/po-4711\.edi already exists on the partner's server with other content/);
    expect(readFileSync(join(up, 'po-4711.edi')).equals(payload)).toBe(true);
    expect(readdirSync(up)).toEqual(['po-4711.edi']);
  });
});
