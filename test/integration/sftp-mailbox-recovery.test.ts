import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BLOB_STORE, type BlobStore } from '../../src/platform/blobs/blob-store.js';
import { MailboxFilesRepository } from '../../src/transports/sftp/mailbox-files.repository.js';
import { MailboxServer } from '../../src/transports/sftp/mailbox-server.service.js';
import { startTestGateway } from '../support/gateway.js';
import { sftpBatch, sshKeygen, type SftpClientOptions } from '../support/openssh.js';
import { createTestDatabase, queryOnce, type TestDatabase } from '../support/postgres.js';

const ACME = 'recovery-acme';

/** An 855 from ACMEFAST (ISA13 varies so each upload is its own interchange). */
const x12 = (isa13: string) =>
  `ISA*00*          *00*          *ZZ*ACMEFAST       *ZZ*BUYERCO        *261127*0800*U*00401*${isa13}*0*P*>~` +
  `GS*PR*ACMEFAST*BUYERCO*20261127*0800*1*X*004010~ST*855*0001~BAK*00*AC*4500012345*20261127~SE*3*0001~GE*1*1~IEA*1*${isa13}~`;

/**
 * Nothing the mailbox accepts is lost when archiving fails: the archive step runs in the transaction
 * that renames or completes the upload, so a failure (a real PostgreSQL error raised by a trigger on
 * the archive row) leaves the client free to retry, and a file an earlier version left complete in
 * /inbound is archived when the partner logs in.
 */
describe('the hosted SFTP mailbox when archiving fails', () => {
  let db: TestDatabase;
  let work: string;
  let gateway: Awaited<ReturnType<typeof startTestGateway>>;
  let client: SftpClientOptions;

  const archived = (filename: string) =>
    queryOnce<{ id: string }>(
      db.url,
      `SELECT id::text AS id FROM interchange WHERE partner_id = $1 AND channel = 'sftp-mailbox' AND filename = $2`,
      [ACME, filename],
    );
  const inbound = (name: string) =>
    queryOnce<{ name: string; state: string }>(
      db.url,
      `SELECT name, state FROM sftp_mailbox_file WHERE partner_id = $1 AND folder = 'inbound' AND name LIKE $2 ORDER BY name`,
      [ACME, `${name}%`],
    );
  /** Every archive row named boom* fails inside the archive's transaction. */
  const failArchiving = () =>
    queryOnce(
      db.url,
      `CREATE OR REPLACE FUNCTION test_fail_archive() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN RAISE EXCEPTION 'injected failure archiving %', NEW.name; END $$;
       CREATE TRIGGER test_fail_archive BEFORE INSERT OR UPDATE ON sftp_mailbox_file FOR EACH ROW
         WHEN (NEW.folder = 'archive' AND NEW.name LIKE 'boom%') EXECUTE FUNCTION test_fail_archive();`,
    );

  beforeAll(async () => {
    db = await createTestDatabase('sftprecovery');
    work = mkdtempSync(join(tmpdir(), 'sg-mailbox-recovery-'));
    const hostKey = sshKeygen(work, 'host');
    const acmeKey = sshKeygen(work, 'acme');
    const partnersDir = join(work, 'partners');
    mkdirSync(partnersDir);
    writeFileSync(
      join(partnersDir, `${ACME}.yaml`),
      [
        `id: ${ACME}`,
        'name: Acme over the mailbox',
        'status: test',
        'identities:',
        '  x12: [{ qualifier: ZZ, id: ACMEFAST }]',
        'acknowledgments: { functional: none }',
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
    gateway = await startTestGateway({
      DATABASE_URL: db.url,
      PARTNERS_DIR: partnersDir,
      SFTP_PORT: '0',
      SFTP_HOST_KEY_FILE: hostKey.privateKeyFile,
      LOG_LEVEL: 'fatal',
    });
    client = {
      port: gateway.app.get(MailboxServer).port()!,
      user: 'acme',
      identityFile: acmeKey.privateKeyFile,
      hostPublicKey: hostKey.publicKey,
      cwd: work,
    };
  }, 60_000);

  afterEach(async () => {
    await queryOnce(db.url, `DROP TRIGGER IF EXISTS test_fail_archive ON sftp_mailbox_file`);
  });

  afterAll(async () => {
    await gateway?.stop();
    await db?.drop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('leaves a renamed upload under its temporary name when archiving fails, and takes the retried rename', async () => {
    writeFileSync(join(work, 'boom.edi'), x12('000000401'));
    const put = await sftpBatch(client, ['put boom.edi /inbound/boom.edi.part']);
    expect(put.code, put.output).toBe(0);
    await failArchiving();

    const failed = await sftpBatch(client, ['rename /inbound/boom.edi.part /inbound/boom.edi']);
    expect(failed.code, failed.output).not.toBe(0);
    expect(await inbound('boom.edi')).toEqual([{ name: 'boom.edi.part', state: 'complete' }]);
    expect(await archived('boom.edi')).toEqual([]);

    await queryOnce(db.url, `DROP TRIGGER test_fail_archive ON sftp_mailbox_file`);
    const retried = await sftpBatch(client, ['rename /inbound/boom.edi.part /inbound/boom.edi']);
    expect(retried.code, retried.output).toBe(0);
    expect(await inbound('boom.edi')).toEqual([]);
    expect(await archived('boom.edi')).toHaveLength(1);
  }, 60_000);

  it('answers a failed close under a final name with a failure and keeps nothing that looks complete', async () => {
    writeFileSync(join(work, 'boom-direct.edi'), x12('000000402'));
    await failArchiving();
    const failed = await sftpBatch(client, ['put boom-direct.edi /inbound/boom-direct.edi']);
    expect(failed.code, failed.output).not.toBe(0);
    expect(await inbound('boom-direct.edi')).toEqual([]);
    expect(await archived('boom-direct.edi')).toEqual([]);

    await queryOnce(db.url, `DROP TRIGGER test_fail_archive ON sftp_mailbox_file`);
    const retried = await sftpBatch(client, ['put boom-direct.edi /inbound/boom-direct.edi']);
    expect(retried.code, retried.output).toBe(0);
    expect(await archived('boom-direct.edi')).toHaveLength(1);
  }, 60_000);

  it('archives a complete file left in /inbound when the partner logs in', async () => {
    // What a failed second step of an earlier version left: accepted, complete, never archived.
    const blob = await gateway.app.get<BlobStore>(BLOB_STORE).put(Buffer.from(x12('000000403')));
    await gateway.app.get(MailboxFilesRepository).upsert(ACME, 'inbound', 'left.edi', {
      state: 'complete',
      blobKey: blob.key,
      size: blob.size,
      sha256: blob.sha256,
    });
    const run = await sftpBatch(client, ['ls /inbound', 'ls /archive']);
    expect(run.code, run.output).toBe(0);
    expect(run.output).toMatch(/\/archive\/left\.edi\b/);
    expect(await inbound('left.edi')).toEqual([]);
    expect(await archived('left.edi')).toHaveLength(1);
  }, 60_000);
});
