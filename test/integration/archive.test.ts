import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InterchangeArchive } from '../../src/interchanges/interchange-archive.service.js';
import { startTestGateway } from '../support/gateway.js';
import { createTestDatabase, queryOnce, type TestDatabase } from '../support/postgres.js';

const x12 = (isa13: string, body = 'BAK*00*AC*4500012345*20261127') =>
  Buffer.from(
    `ISA*00*          *00*          *ZZ*ACMEFAST       *ZZ*BUYERCO        *261127*0800*U*00401*${isa13}*0*P*>~${body}~`,
  );

describe('the interchange archive', () => {
  let db: TestDatabase;
  let gateway: Awaited<ReturnType<typeof startTestGateway>>;
  let archive: InterchangeArchive;

  beforeAll(async () => {
    db = await createTestDatabase('archive');
    gateway = await startTestGateway({ DATABASE_URL: db.url, ARCHIVE_INLINE_MAX_BYTES: '1024' });
    archive = gateway.app.get(InterchangeArchive);
  });
  afterAll(async () => {
    await gateway?.stop();
    await db?.drop();
  });

  it('stores a receipt byte for byte before it returns', async () => {
    const payload = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), x12('000000101'), Buffer.from('\r\n')]);
    const stored = await archive.receive({
      partnerId: 'acme-fasteners',
      channel: 'sftp',
      payload,
      filename: 'in.edi',
    });
    expect(stored.disposition).toBe('new');
    expect((await archive.payload(stored.id)).equals(payload)).toBe(true);
    const [row] = await queryOnce<{ status: string; size_bytes: string }>(
      db.url,
      `SELECT status, size_bytes FROM interchange WHERE id = $1`,
      [stored.id],
    );
    expect(row).toEqual({ status: 'received', size_bytes: String(payload.length) });
  });

  it('gives a duplicate its own row, linked to the original, with the original answer', async () => {
    const payload = x12('000000102');
    const first = await archive.receive({
      partnerId: 'acme-fasteners',
      channel: 'as2',
      payload,
      callerKey: 'as2:<m1@acme>',
    });
    await archive.recordAnswer(first.id, { mdn: 'processed', mic: 'abc=, sha-256' });
    const again = await archive.receive({
      partnerId: 'acme-fasteners',
      channel: 'as2',
      payload,
      callerKey: 'as2:<m1@acme>',
    });
    expect(again.disposition).toBe('duplicate');
    expect(again.id).not.toBe(first.id);
    expect(again.original).toEqual({
      id: first.id,
      status: 'received',
      answer: { mdn: 'processed', mic: 'abc=, sha-256' },
      byCallerKey: true,
    });
    // Same content under another channel and key is a duplicate too: it is the same interchange, but
    // sent again as a new message (owed an answer of its own), not a retry of the first.
    const bySftp = await archive.receive({ partnerId: 'acme-fasteners', channel: 'sftp', payload });
    expect(bySftp).toMatchObject({
      disposition: 'duplicate',
      original: { id: first.id, byCallerKey: false },
    });
    const receipts = await archive.receiptsOf(first.id);
    expect(receipts.map((r) => [r.id, r.status, r.duplicateOf])).toEqual([
      [first.id, 'received', null],
      [again.id, 'duplicate', first.id],
      [bySftp.id, 'duplicate', first.id],
    ]);
  });

  it('processes a resend of a rejected receipt as new', async () => {
    const payload = x12('000000103');
    const first = await archive.receive({
      partnerId: 'acme-fasteners',
      channel: 'as2',
      payload,
      callerKey: 'as2:<m2@acme>',
    });
    await archive.setStatus(first.id, 'rejected', 'signature did not verify');
    const resend = await archive.receive({
      partnerId: 'acme-fasteners',
      channel: 'as2',
      payload,
      callerKey: 'as2:<m2@acme>',
    });
    expect(resend.disposition).toBe('new');
    expect(resend.original).toBeUndefined();
  });

  it('keeps a receipt archived as rejected rejected, even when its bytes equal an accepted payload', async () => {
    const payload = x12('000000108');
    const accepted = await archive.receive({ partnerId: 'acme-fasteners', channel: 'as2', payload });
    // A channel that refused the message on its own grounds (an AS2 body that failed a check).
    const refused = await archive.receive({
      partnerId: 'acme-fasteners',
      channel: 'as2',
      payload,
      status: 'rejected',
    });
    expect([accepted.disposition, refused.disposition]).toEqual(['new', 'new']);
    expect(await archive.get(refused.id)).toMatchObject({ status: 'rejected', duplicateOf: null });
  });

  it('quarantines the same caller key with different content', async () => {
    const first = await archive.receive({
      partnerId: 'acme-fasteners',
      channel: 'api',
      payload: Buffer.from('{"po":"4500012345","qty":"10"}'),
      callerKey: 'idempotency:k-77',
    });
    const changed = await archive.receive({
      partnerId: 'acme-fasteners',
      channel: 'api',
      payload: Buffer.from('{"po":"4500012345","qty":"12"}'),
      callerKey: 'idempotency:k-77',
    });
    expect(changed.disposition).toBe('quarantined');
    const row = await archive.get(changed.id);
    expect(row).toMatchObject({ status: 'quarantined', duplicateOf: first.id });
    expect(row.statusDetail).toContain('idempotency:k-77');
  });

  it('never confuses two partners sending the same bytes', async () => {
    const payload = x12('000000104');
    const a = await archive.receive({ partnerId: 'acme-fasteners', channel: 'sftp', payload });
    const b = await archive.receive({ partnerId: 'nordic-castings', channel: 'sftp', payload });
    expect([a.disposition, b.disposition]).toEqual(['new', 'new']);
  });

  it('classifies copies arriving at the same moment as one original and duplicates', async () => {
    const payload = x12('000000105');
    const results = await Promise.all(
      Array.from({ length: 8 }, () =>
        archive.receive({ partnerId: 'acme-fasteners', channel: 'sftp', payload }),
      ),
    );
    expect(results.filter((r) => r.disposition === 'new')).toHaveLength(1);
    expect(results.filter((r) => r.disposition === 'duplicate')).toHaveLength(7);
  });

  it('puts a large payload in the blob store and reads it back byte-identical', async () => {
    const payload = randomBytes(5 * 1024 * 1024 + 3);
    const stored = await archive.receive({ partnerId: 'acme-fasteners', channel: 'sftp', payload });
    const row = await archive.get(stored.id);
    expect(row.storage).toBe('blob');
    expect((await archive.payload(stored.id)).equals(payload)).toBe(true);
    const [{ inline }] = await queryOnce<{ inline: boolean }>(
      db.url,
      `SELECT content IS NOT NULL AS inline FROM interchange WHERE id = $1`,
      [stored.id],
    );
    expect(inline).toBe(false);
    expect(
      readdirSync(join(gateway.dataDir, 'blobs', 'sha256', row.sha256.slice(0, 2), row.sha256.slice(2, 4))),
    ).toEqual([row.sha256]);
  });

  it('stores a streamed payload in the blob store', async () => {
    const parts = [x12('000000106'), Buffer.alloc(4000, 0x41)];
    const stored = await archive.receive({
      partnerId: 'acme-fasteners',
      channel: 'sftp',
      payload: Readable.from(parts),
    });
    expect((await archive.payload(stored.id)).equals(Buffer.concat(parts))).toBe(true);
    expect((await archive.get(stored.id)).storage).toBe('blob');
  });

  it('enqueues follow-up work in the same transaction as the row, or neither', async () => {
    const payload = x12('000000107');
    await expect(
      archive.receive({ partnerId: 'acme-fasteners', channel: 'sftp', payload }, async () => {
        throw new Error('enqueue failed');
      }),
    ).rejects.toThrow('enqueue failed');
    const rows = await queryOnce(
      db.url,
      `SELECT id FROM interchange WHERE filename IS NULL AND size_bytes = $1 AND sha256 = $2`,
      [payload.length, (await import('node:crypto')).createHash('sha256').update(payload).digest('hex')],
    );
    expect(rows).toEqual([]);
  });
});
