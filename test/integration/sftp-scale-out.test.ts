import { createHash, randomBytes } from 'node:crypto';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MailboxServer } from '../../src/transports/sftp/mailbox-server.service.js';
import { signingKeyFile, startTestGateway } from '../support/gateway.js';
import {
  sftpBatch,
  spawnSftp,
  sshKeygen,
  startSshd,
  waitFor,
  type SftpClientOptions,
  type Sshd,
} from '../support/openssh.js';
import { createTestDatabase, queryOnce, type TestDatabase } from '../support/postgres.js';
import { redisPrefix, TEST_REDIS_URL } from '../support/redis.js';

type Gateway = Awaited<ReturnType<typeof startTestGateway>>;
const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

describe('SFTP across two gateway processes sharing PostgreSQL, Redis and the blob store', () => {
  let db: TestDatabase;
  let sshd: Sshd;
  let work: string;
  let one: Gateway;
  let two: Gateway;
  let viaOne: SftpClientOptions;
  let viaTwo: SftpClientOptions;
  const redis = redisPrefix('sftp');

  const receipts = (partnerId: string, channel: string) =>
    queryOnce<{ filename: string; sha256: string; duplicate_of: string | null }>(
      db.url,
      `SELECT filename, sha256, duplicate_of::text AS duplicate_of FROM interchange
        WHERE partner_id = $1 AND channel = $2 AND direction = 'inbound' ORDER BY id`,
      [partnerId, channel],
    );

  beforeAll(async () => {
    db = await createTestDatabase('sftpscale');
    sshd = await startSshd();
    work = mkdtempSync(join(tmpdir(), 'sg-sftp-scale-'));
    const hostKey = sshKeygen(work, 'mailbox_host');
    const partnerKey = sshKeygen(work, 'partner');
    const partners = join(work, 'partners');
    const drop = join(sshd.dir, 'shared', 'drop');
    mkdirSync(partners);
    mkdirSync(drop, { recursive: true });
    mkdirSync(join(sshd.dir, 'shared', 'done'));
    writeFileSync(
      join(partners, 'shared.yaml'),
      [
        'id: shared',
        'name: Shared',
        'status: test',
        'acknowledgments: { functional: none }',
        'channels:',
        '  sftp:',
        '    enabled: true',
        '    poll:',
        '      host: 127.0.0.1',
        `      port: ${sshd.port}`,
        '      username: root',
        `      hostKey: '${sshd.hostKey.fingerprint}'`,
        `      privateKeyFile: ${sshd.clientKey.privateKeyFile}`,
        `      inboundDir: ${drop}`,
        `      archiveDir: ${join(sshd.dir, 'shared', 'done')}`,
        '      everySeconds: 1',
        '    mailbox:',
        '      enabled: true',
        '      username: shared',
        `      authorizedKeys: ['${partnerKey.publicKey}']`,
        '',
      ].join('\n'),
    );
    const env = {
      DATABASE_URL: db.url,
      REDIS_URL: TEST_REDIS_URL,
      REDIS_PREFIX: redis.prefix,
      TOKEN_SIGNING_KEY_FILE: signingKeyFile(),
      SFTP_HOST_KEY_FILE: hostKey.privateKeyFile,
      SFTP_PORT: '0',
      BLOB_DIR: join(work, 'blobs'),
      PARTNERS_DIR: partners,
      LOG_LEVEL: 'error',
    };
    one = await startTestGateway(env);
    two = await startTestGateway(env);
    const client = {
      user: 'shared',
      identityFile: partnerKey.privateKeyFile,
      hostPublicKey: hostKey.publicKey,
      cwd: work,
    };
    viaOne = { ...client, port: one.app.get(MailboxServer).port()! };
    viaTwo = { ...client, port: two.app.get(MailboxServer).port()! };
  }, 90_000);

  afterAll(async () => {
    await two?.stop();
    await one?.stop();
    await redis.cleanup();
    await sshd?.stop();
    await db?.drop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('lets an upload started on one process be resumed, renamed and read on the other', async () => {
    const payload = Buffer.concat([Buffer.from('ISA*00*'), randomBytes(1_500_000)]);
    writeFileSync(join(work, 'big.edi'), payload);
    const writer = spawnSftp({ ...viaOne, limitKbps: 1_600 }, ['put big.edi /inbound/big.edi.part']);
    await new Promise((done) => setTimeout(done, 1_500));
    writer.process.kill('SIGKILL');
    await waitFor(
      async () =>
        (
          await queryOnce(
            db.url,
            `SELECT 1 FROM sftp_mailbox_file WHERE partner_id = 'shared' AND name = 'big.edi.part' AND state = 'partial'`,
          )
        ).length === 1,
      10_000,
    );
    const resumed = await sftpBatch(viaTwo, [
      'reput big.edi /inbound/big.edi.part',
      'rename /inbound/big.edi.part /inbound/big.edi',
      'get /archive/big.edi fetched.edi',
    ]);
    expect(resumed.code, resumed.output).toBe(0);
    expect(readFileSync(join(work, 'fetched.edi')).equals(payload)).toBe(true);
    const listed = await sftpBatch(viaOne, ['ls -l /archive']);
    expect(listed.output).toMatch(new RegExp(`\\s${payload.length} .* big\\.edi$`, 'm'));
    expect(await receipts('shared', 'sftp-mailbox')).toEqual([
      { filename: 'big.edi', sha256: sha256(payload), duplicate_of: null },
    ]);
  }, 60_000);

  it('polls with one process at a time: 200 files dropped, each archived exactly once', async () => {
    const drop = join(sshd.dir, 'shared', 'drop');
    const expected = new Map<string, string>();
    for (let i = 0; i < 200; i++) {
      const name = `asn-${String(i).padStart(3, '0')}.txt`;
      const content = `ship notice ${i} ${randomBytes(6).toString('hex')}\n`;
      expected.set(name, sha256(content));
      writeFileSync(join(drop, `${name}.part`), content);
      renameSync(join(drop, `${name}.part`), join(drop, name));
    }
    await waitFor(
      async () => readdirSync(drop).length === 0,
      60_000,
      () => `${readdirSync(drop).length} left`,
    );
    await new Promise((done) => setTimeout(done, 1_500));
    const rows = await receipts('shared', 'sftp');
    expect(rows).toHaveLength(200);
    expect(rows.every((r) => r.duplicate_of === null)).toBe(true);
    expect(new Map(rows.map((r) => [r.filename, r.sha256]))).toEqual(expected);
    const pickups = await queryOnce<{ n: string }>(
      db.url,
      `SELECT count(*)::text AS n FROM sftp_poll_pickup WHERE partner_id = 'shared'`,
    );
    expect(pickups[0]!.n).toBe('200');
    // Both processes schedule the partner; one lease row says which one polls.
    const leases = await queryOnce<{ holder: string }>(
      db.url,
      `SELECT holder FROM lease WHERE name = 'sftp-poll:shared'`,
    );
    expect(leases).toHaveLength(1);
  }, 90_000);
});
