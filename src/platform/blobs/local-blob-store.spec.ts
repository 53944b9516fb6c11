import { randomBytes, createHash } from 'node:crypto';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { BlobNotFoundError } from './blob-store.js';
import { LocalBlobStore } from './local-blob-store.js';

const store = () => new LocalBlobStore(mkdtempSync(join(tmpdir(), 'sg-blobs-')));

describe('LocalBlobStore', () => {
  it('reads back exactly the bytes it stored, under their SHA-256', async () => {
    const blobs = store();
    const bytes = randomBytes(3 * 1024 * 1024 + 7);
    const stored = await blobs.put(bytes);
    expect(stored.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(stored.size).toBe(bytes.length);
    expect((await blobs.read(stored.key)).equals(bytes)).toBe(true);
    expect(await blobs.has(stored.key)).toBe(true);
  });

  it('stores a stream, chunk boundaries and all, and gives the same key for the same bytes', async () => {
    const blobs = store();
    const bytes = Buffer.from('ISA*00*          *00*          *ZZ*ACME~'.repeat(5000));
    const chunks = [bytes.subarray(0, 1), bytes.subarray(1, 4097), bytes.subarray(4097)];
    const fromStream = await blobs.put(Readable.from(chunks));
    const fromBuffer = await blobs.put(bytes);
    expect(fromStream).toEqual(fromBuffer);
    const streamed: Buffer[] = [];
    for await (const chunk of blobs.open(fromStream.key)) streamed.push(chunk as Buffer);
    expect(Buffer.concat(streamed).equals(bytes)).toBe(true);
  });

  it('leaves no temporary files behind', async () => {
    const root = mkdtempSync(join(tmpdir(), 'sg-blobs-'));
    await new LocalBlobStore(root).put(Buffer.from('x'));
    expect(readdirSync(join(root, 'tmp'))).toEqual([]);
  });

  it('refuses keys that are not its own (no path traversal)', async () => {
    const blobs = store();
    await expect(blobs.read('../../etc/passwd')).rejects.toBeInstanceOf(BlobNotFoundError);
    await expect(blobs.read(`sha256/aa/bb/${'a'.repeat(64)}`)).rejects.toBeInstanceOf(BlobNotFoundError);
  });
});
