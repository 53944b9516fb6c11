import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SftpClient from 'ssh2-sftp-client';
import { Client, type SFTPWrapper } from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashMailboxPassword } from '../../src/transports/sftp/sftp-credentials.js';
import { MailboxPlacement } from '../../src/transports/sftp/mailbox-placement.service.js';
import { MailboxServer } from '../../src/transports/sftp/mailbox-server.service.js';
import { startTestGateway } from '../support/gateway.js';
import {
  sftpBatch,
  spawnSftp,
  sshKeygen,
  waitFor,
  type SftpClientOptions,
  type SshKey,
} from '../support/openssh.js';
import { createTestDatabase, queryOnce, type TestDatabase } from '../support/postgres.js';

const ACME = 'mailbox-acme';
const NORDIC = 'mailbox-nordic';
const NORDIC_PASSWORD = 'correct horse battery staple';

const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

/** An 855 from ACMEFAST (ISA13 varies so each upload is its own interchange). */
function x12(isa13: string): string {
  const gs06 = String(Number(isa13) % 1000 || 1);
  return (
    `ISA*00*          *00*          *ZZ*ACMEFAST       *ZZ*BUYERCO        *261127*0800*U*00401*${isa13}*0*P*>~` +
    `GS*PR*ACMEFAST*BUYERCO*20261127*0800*${gs06}*X*004010~` +
    `ST*855*0001~BAK*00*AC*4500012345*20261127~SE*3*0001~GE*1*${gs06}~IEA*1*${isa13}~`
  );
}

function profiles(dir: string, acmeKey: SshKey, nordicHash: string): void {
  writeFileSync(
    join(dir, `${ACME}.yaml`),
    [
      `id: ${ACME}`,
      'name: Acme over the mailbox',
      'status: test',
      'identities:',
      '  x12: [{ qualifier: ZZ, id: ACMEFAST }]',
      '  gs: [ACMEFAST]',
      'documents:',
      '  inbound: [{ standard: x12, version: "004010", type: "855" }]',
      'acknowledgments: { functional: 997 }',
      'channels:',
      '  sftp:',
      '    enabled: true',
      '    mailbox:',
      '      enabled: true',
      '      username: acme',
      `      authorizedKeys: ['${acmeKey.publicKey}']`,
      '',
    ].join('\n'),
  );
  writeFileSync(
    join(dir, `${NORDIC}.yaml`),
    [
      `id: ${NORDIC}`,
      'name: Nordic over the mailbox',
      'status: test',
      'acknowledgments: { functional: none }',
      'channels:',
      '  sftp:',
      '    enabled: true',
      '    maxFileBytes: 4096',
      '    mailbox:',
      '      enabled: true',
      '      username: nordic',
      `      passwordHash: '${nordicHash}'`,
      '',
    ].join('\n'),
  );
}

describe('the hosted SFTP mailbox, driven by OpenSSH sftp', () => {
  let db: TestDatabase;
  let work: string;
  let gateway: Awaited<ReturnType<typeof startTestGateway>>;
  let client: SftpClientOptions;
  let port: number;
  let hostKey: SshKey;

  const archiveRows = (filename: string) =>
    queryOnce<{ id: string; sha256: string; status: string; direction: string }>(
      db.url,
      `SELECT id::text AS id, sha256, status, direction FROM interchange
        WHERE partner_id = $1 AND channel = 'sftp-mailbox' AND filename = $2 ORDER BY id`,
      [ACME, filename],
    );
  const mailboxRow = async (folder: string, name: string) =>
    (
      await queryOnce<{ state: string; size_bytes: string }>(
        db.url,
        `SELECT state, size_bytes::text AS size_bytes FROM sftp_mailbox_file WHERE partner_id = $1 AND folder = $2 AND name = $3`,
        [ACME, folder, name],
      )
    )[0];

  beforeAll(async () => {
    db = await createTestDatabase('sftpmailbox');
    work = mkdtempSync(join(tmpdir(), 'sg-mailbox-'));
    hostKey = sshKeygen(work, 'mailbox_host');
    const acmeKey = sshKeygen(work, 'acme_client');
    const partnersDir = join(work, 'partners');
    (await import('node:fs')).mkdirSync(partnersDir);
    profiles(partnersDir, acmeKey, await hashMailboxPassword(NORDIC_PASSWORD));
    gateway = await startTestGateway({
      DATABASE_URL: db.url,
      PARTNERS_DIR: partnersDir,
      SFTP_PORT: '0',
      SFTP_HOST_KEY_FILE: hostKey.privateKeyFile,
      SFTP_MAX_FILE_BYTES: '2000000',
      LOG_LEVEL: 'error',
    });
    const server = gateway.app.get(MailboxServer);
    port = server.port()!;
    expect(server.fingerprint()).toBe(hostKey.fingerprint);
    client = {
      port,
      user: 'acme',
      identityFile: acmeKey.privateKeyFile,
      hostPublicKey: hostKey.publicKey,
      cwd: work,
    };
  }, 60_000);

  afterAll(async () => {
    await gateway?.stop();
    await db?.drop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('lists the jail with ls -l and archives a file only when renamed from .part', async () => {
    const payload = x12('000000301');
    writeFileSync(join(work, 'po.edi'), payload);
    const first = await sftpBatch(client, ['ls -l /', 'put po.edi /inbound/po.edi.part', 'ls -l /inbound']);
    expect(first.code, first.output).toBe(0);
    expect(first.output).toMatch(/^d\S+\s+1 acme\s+acme\s+0 .* inbound$/m);
    expect(first.output).toMatch(/outbound$/m);
    expect(first.output).toMatch(
      new RegExp(`^-rw-r--r--\\s+1 acme\\s+acme\\s+${payload.length} .* po\\.edi\\.part$`, 'm'),
    );
    expect(await archiveRows('po.edi.part')).toEqual([]);
    expect(await archiveRows('po.edi')).toEqual([]);

    const second = await sftpBatch(client, [
      'rename /inbound/po.edi.part /inbound/po.edi',
      'ls -l /inbound',
      'ls -l /archive',
    ]);
    expect(second.code, second.output).toBe(0);
    expect(second.output).not.toMatch(/^-.* po\.edi\.part$/m);
    expect(second.output).toMatch(/^-r--r--r--.* po\.edi$/m);
    const rows = await archiveRows('po.edi');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ sha256: sha256(payload), direction: 'inbound' });
  });

  it('keeps an upload cut off by a killed client as partial, archives nothing, and archives it once after reput', async () => {
    const payload = Buffer.concat([Buffer.from('ISA*00*'), randomBytes(1_500_000)]);
    writeFileSync(join(work, 'big.edi'), payload);
    const writer = spawnSftp({ ...client, limitKbps: 1_600 }, ['put big.edi /inbound/big.edi']);
    await new Promise((done) => setTimeout(done, 1_500));
    writer.process.kill('SIGKILL');
    await waitFor(async () => (await mailboxRow('inbound', 'big.edi'))?.state === 'partial', 10_000);
    const partial = Number((await mailboxRow('inbound', 'big.edi'))!.size_bytes);
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(payload.length);
    expect(await archiveRows('big.edi')).toEqual([]);

    // A partial file cannot be made to look complete by renaming it.
    const rename = await sftpBatch(client, ['rename /inbound/big.edi /inbound/big-done.edi']);
    expect(rename.code).not.toBe(0);
    expect(await archiveRows('big-done.edi')).toEqual([]);

    const resumed = await sftpBatch(client, ['ls -l /inbound', 'reput big.edi /inbound/big.edi']);
    expect(resumed.code, resumed.output).toBe(0);
    expect(resumed.output).toMatch(new RegExp(`\\s${partial} .* big\\.edi$`, 'm'));
    const rows = await archiveRows('big.edi');
    expect(rows).toHaveLength(1);
    expect(rows[0]!.sha256).toBe(sha256(payload));
    expect(await mailboxRow('inbound', 'big.edi')).toBeUndefined();

    const fetched = await sftpBatch(client, ['get /archive/big.edi fetched-big.edi']);
    expect(fetched.code, fetched.output).toBe(0);
    expect(readFileSync(join(work, 'fetched-big.edi')).equals(payload)).toBe(true);
  }, 60_000);

  it('refuses every way out of the jail: cd .., .. paths, absolute paths, symlinks, directories', async () => {
    const run = await sftpBatch(client, [
      'cd /inbound',
      'cd ..',
      'pwd',
      '-cd ..',
      '-cd /inbound/../..',
      '-cd /etc',
      '-get ../../etc/passwd stolen',
      '-get /etc/passwd stolen',
      '-ln -s /etc/passwd /inbound/pw',
      '-symlink /etc/passwd /inbound/pw2',
      '-mkdir /inbound/sub',
      '-put po.edi /outbound/sneaky.edi',
      '-rm /archive/po.edi',
      'pwd',
    ]);
    expect(run.code, run.output).toBe(0);
    const pwds = run.output.match(/Remote working directory: \S+/g);
    expect(pwds).toEqual(['Remote working directory: /', 'Remote working directory: /']);
    expect(run.output).toContain('realpath /..: outside your mailbox');
    expect(run.output).toContain('realpath /inbound/../..: outside your mailbox');
    expect(run.output).toContain('realpath /etc: No such file or directory');
    expect(run.output).toMatch(/File "\/\.\.\/\.\.\/etc\/passwd" not found/);
    expect(run.output).toMatch(/File "\/etc\/passwd" not found/);
    // ln -s, symlink, mkdir, put to /outbound, rm in /archive:
    expect(run.output.match(/: Permission denied$/gm)).toHaveLength(5);
    expect(existsSync(join(work, 'stolen'))).toBe(false);
    const rows = await queryOnce<{ name: string }>(
      db.url,
      `SELECT name FROM sftp_mailbox_file WHERE name IN ('pw', 'pw2', 'sub', 'sneaky.edi')`,
    );
    expect(rows).toEqual([]);
    expect(await mailboxRow('archive', 'po.edi')).toBeDefined();
  });

  it('keeps each partner in its own tree, refuses wrong passwords, and offers no shell, exec or forwarding', async () => {
    const nordic = new SftpClient('nordic');
    const options = {
      host: '127.0.0.1',
      port,
      username: 'nordic',
      hostVerifier: (key: Buffer) =>
        `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}` ===
        hostKey.fingerprint,
    };
    await expect(new SftpClient('wrong').connect({ ...options, password: 'wrong' })).rejects.toThrow(
      /authentication/i,
    );
    await nordic.connect({ ...options, password: NORDIC_PASSWORD });
    try {
      expect(await nordic.list('/archive')).toEqual([]);
      expect(await nordic.exists('/archive/po.edi')).toBe(false);
      await expect(nordic.get('/archive/po.edi')).rejects.toThrow();
    } finally {
      await nordic.end();
    }

    // A client guessing passwords is cut off after six tries (ssh2 sets no limit of its own).
    let tries = 0;
    const guesser = new Client();
    const cutOff = new Promise<void>((resolve) => guesser.once('close', () => resolve()));
    guesser.on('error', () => undefined);
    guesser.connect({
      ...options,
      username: 'nordic',
      authHandler: (_methods, _partial, next) =>
        next({ type: 'password', username: 'nordic', password: `guess ${++tries}` }),
    });
    await cutOff;
    expect(tries).toBe(6);

    const ssh = new Client();
    await new Promise<void>((resolve, reject) => {
      ssh
        .once('ready', resolve)
        .once('error', reject)
        .connect({ ...options, password: NORDIC_PASSWORD });
    });
    try {
      await expect(
        new Promise((resolve, reject) =>
          ssh.exec('cat /etc/passwd', (err, stream) => (err ? reject(err) : resolve(stream))),
        ),
      ).rejects.toThrow();
      await expect(
        new Promise((resolve, reject) => ssh.shell((err, stream) => (err ? reject(err) : resolve(stream)))),
      ).rejects.toThrow();
      await expect(
        new Promise((resolve, reject) =>
          ssh.forwardOut('127.0.0.1', 0, '127.0.0.1', 5432, (err, stream) =>
            err ? reject(err) : resolve(stream),
          ),
        ),
      ).rejects.toThrow();
    } finally {
      ssh.end();
    }
  });

  it("places the 997 for an interchange received over the mailbox in that partner's /outbound", async () => {
    writeFileSync(join(work, '855.edi'), x12('000000302'));
    const put = await sftpBatch(client, ['put 855.edi /inbound/855.edi']);
    expect(put.code, put.output).toBe(0);
    // The delivery job places the file, then records the delivery (the archive row turns 'sent').
    await waitFor(
      async () =>
        (await mailboxRow('outbound', '855.edi.997')) !== undefined &&
        (await archiveRows('855.edi.997'))[0]?.status === 'sent',
      30_000,
      () => 'no 997 placed and recorded as sent',
    );

    const fetched = await sftpBatch(client, [
      'ls -l /outbound',
      'get /outbound/855.edi.997 got.997',
      'rm /outbound/855.edi.997',
      'ls /outbound',
    ]);
    expect(fetched.code, fetched.output).toBe(0);
    expect(fetched.output).toMatch(/855\.edi\.997$/m);
    const ack = readFileSync(join(work, 'got.997'), 'latin1');
    expect(ack).toMatch(/^ISA\*/);
    expect(ack).toContain('ST*997*');
    expect(ack).toContain('AK1*PR*302');
    expect(await mailboxRow('outbound', '855.edi.997')).toBeUndefined();
    const outbound = await archiveRows('855.edi.997');
    expect(outbound).toMatchObject([
      { direction: 'outbound', status: 'sent', sha256: sha256(Buffer.from(ack, 'latin1')) },
    ]);
  }, 60_000);

  it('writes the 997 in the encoding the interchange was read in: a UTF-8 terminator comes back as its bytes', async () => {
    // Segments ended by U+2026 (E2 80 A6): written as Latin-1, the answer's terminator would be one byte 0x26.
    writeFileSync(join(work, 'utf8.edi'), Buffer.from(x12('000000304').replaceAll('~', '\u2026'), 'utf8'));
    const put = await sftpBatch(client, ['put utf8.edi /inbound/utf8.edi']);
    expect(put.code, put.output).toBe(0);
    await waitFor(
      async () => (await archiveRows('utf8.edi.997'))[0]?.status === 'sent',
      30_000,
      () => 'no 997 placed and recorded as sent',
    );
    const fetched = await sftpBatch(client, ['get /outbound/utf8.edi.997 utf8.997']);
    expect(fetched.code, fetched.output).toBe(0);
    const bytes = readFileSync(join(work, 'utf8.997'));
    expect([...bytes.subarray(105, 108)]).toEqual([0xe2, 0x80, 0xa6]);
    const ack = bytes.toString('utf8');
    expect(ack).toContain('\u2026GS*FA*BUYERCO*ACMEFAST*');
    expect(ack).toContain('AK1*PR*304\u2026');
    expect(ack.endsWith('\u2026')).toBe(true);
    expect(await archiveRows('utf8.edi.997')).toMatchObject([{ sha256: sha256(bytes) }]);
  }, 60_000);

  it('writes the CONTRL in the charset its UNB declares: UNOW is UTF-8', async () => {
    // A sender id the partner's profile does not hold: answered CONTRL 23, naming it in the UNB.
    const unb = "UNB+UNOW:4+M\u00d6LNDAL:ZZZ+BUYERCO:ZZZ+20261127:0800+W1++++1'";
    const body = "UNH+1+DESADV:D:96A:UN'BGM+351+ASN-1+9'UNT+3+1'UNZ+1+W1'";
    writeFileSync(join(work, 'unow.edi'), Buffer.from(unb + body, 'utf8'));
    const put = await sftpBatch(client, ['put unow.edi /inbound/unow.edi']);
    expect(put.code, put.output).toBe(0);
    await waitFor(
      async () => (await archiveRows('unow.edi.contrl'))[0]?.status === 'sent',
      30_000,
      () => 'no CONTRL placed and recorded as sent',
    );
    const fetched = await sftpBatch(client, ['get /outbound/unow.edi.contrl unow.contrl']);
    expect(fetched.code, fetched.output).toBe(0);
    const bytes = readFileSync(join(work, 'unow.contrl'));
    // Ö as UTF-8 (C3 96), where ISO 8859-1 would have written the one byte D6.
    expect(bytes.includes(Buffer.from('+M\u00d6LNDAL:ZZZ+', 'utf8'))).toBe(true);
    expect(bytes.includes(0xd6)).toBe(false);
    expect(bytes.toString('utf8')).toMatch(/^UNB\+UNOW:4\+BUYERCO:ZZZ\+M\u00d6LNDAL:ZZZ\+/);
    expect(await archiveRows('unow.edi.contrl')).toMatchObject([{ sha256: sha256(bytes) }]);
  }, 60_000);

  it('answers the same file uploaded again under another name with the 997 again, not processing it again', async () => {
    writeFileSync(join(work, 'po-1.edi'), x12('000000303'));
    // Right after the first: the repeat's answer waits for the first one's intake if need be.
    const put = await sftpBatch(client, [
      'put po-1.edi /inbound/po-1.edi',
      'put po-1.edi /inbound/po-1-again.edi',
    ]);
    expect(put.code, put.output).toBe(0);
    await waitFor(
      async () =>
        (await mailboxRow('outbound', 'po-1.edi.997')) !== undefined &&
        (await mailboxRow('outbound', 'po-1-again.edi.997')) !== undefined,
      30_000,
      () => 'no 997 placed for both uploads',
    );
    const [original] = await archiveRows('po-1.edi');
    expect(await archiveRows('po-1-again.edi')).toMatchObject([{ status: 'duplicate' }]);
    const fetched = await sftpBatch(client, [
      'get /outbound/po-1.edi.997 first.997',
      'get /outbound/po-1-again.edi.997 again.997',
    ]);
    expect(fetched.code, fetched.output).toBe(0);
    const ack = readFileSync(join(work, 'first.997'), 'latin1');
    expect(ack).toContain('AK1*PR*303');
    expect(readFileSync(join(work, 'again.997'), 'latin1')).toBe(ack);
    // One intake, the original's: the repeat was answered, not processed.
    const intakes = await queryOnce<{ interchange: string }>(
      db.url,
      `SELECT payload->>'interchangeId' AS interchange FROM outbox WHERE job_name = 'translation.x12-intake'
        AND payload->>'interchangeId' IN (SELECT id::text FROM interchange WHERE filename LIKE 'po-1%')`,
    );
    expect(intakes).toEqual([{ interchange: original!.id }]);
  }, 60_000);

  it('refuses a write past the size limit and discards the upload: one byte at offset 2^40, a put over the limit', async () => {
    // nordic's profile sets maxFileBytes 4096: a write far past it is refused before it touches the spool.
    const nordic = new SftpClient('nordic-big');
    const sftp: SFTPWrapper = await nordic.connect({
      host: '127.0.0.1',
      port,
      username: 'nordic',
      password: NORDIC_PASSWORD,
      hostVerifier: (key: Buffer) =>
        `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}` ===
        hostKey.fingerprint,
    });
    try {
      const handle = await new Promise<Buffer>((resolve, reject) =>
        sftp.open('/inbound/sparse.edi', 'w', (err, h) => (err ? reject(err) : resolve(h))),
      );
      const write = (data: Buffer, position: number) =>
        new Promise<void>((resolve, reject) =>
          sftp.write(handle, data, 0, data.length, position, (err) => (err ? reject(err) : resolve())),
        );
      await write(Buffer.from('ISA*00*'), 0);
      await expect(write(Buffer.from('x'), 2 ** 40)).rejects.toThrow(
        /file too large: the limit is 4096 bytes/,
      );
      await expect(
        new Promise<void>((resolve, reject) => sftp.close(handle, (err) => (err ? reject(err) : resolve()))),
      ).rejects.toThrow(/discarded/);
    } finally {
      await nordic.end();
    }
    const kept = await queryOnce<{ name: string }>(
      db.url,
      `SELECT name FROM sftp_mailbox_file WHERE partner_id = $1 AND name = 'sparse.edi'`,
      [NORDIC],
    );
    expect(kept).toEqual([]);

    // acme has the global SFTP_MAX_FILE_BYTES (2000000): OpenSSH's put of a larger file fails.
    writeFileSync(join(work, 'huge.edi'), Buffer.concat([Buffer.from('ISA*00*'), randomBytes(2_500_000)]));
    const put = await sftpBatch(client, ['put huge.edi /inbound/huge.edi']);
    expect(put.code, put.output).not.toBe(0);
    expect(await mailboxRow('inbound', 'huge.edi')).toBeUndefined();
    expect(await archiveRows('huge.edi')).toEqual([]);
    // Nothing of either upload is left in the spool.
    expect(readdirSync(join(gateway.dataDir, 'sftp-spool'))).toEqual([]);
  }, 60_000);

  it('places files for outbound delivery once per key, never over a file not yet fetched', async () => {
    const placement = gateway.app.get(MailboxPlacement);
    const first = await placement.placeOutbound(ACME, 'PO-4711.850', Buffer.from('ISA*first'), {
      key: 'po:4711:1',
    });
    const again = await placement.placeOutbound(ACME, 'PO-4711.850', Buffer.from('ISA*first'), {
      key: 'po:4711:1',
    });
    const other = await placement.placeOutbound(ACME, 'PO-4711.850', Buffer.from('ISA*second'), {
      key: 'po:4711:2',
    });
    expect([first.path, first.placed]).toEqual(['/outbound/PO-4711.850', true]);
    expect([again.path, again.placed]).toEqual(['/outbound/PO-4711.850', false]);
    expect(other.path).toBe('/outbound/PO-4711.850.1');
    const run = await sftpBatch(client, [
      'get /outbound/PO-4711.850 a.850',
      'get /outbound/PO-4711.850.1 b.850',
    ]);
    expect(run.code, run.output).toBe(0);
    expect(readFileSync(join(work, 'a.850'), 'utf8')).toBe('ISA*first');
    expect(readFileSync(join(work, 'b.850'), 'utf8')).toBe('ISA*second');
    await expect(placement.placeOutbound(ACME, '../escape', Buffer.from('x'))).rejects.toThrow(
      /plain file name/,
    );
  });
});
