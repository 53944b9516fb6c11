import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { access, mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { BlobNotFoundError, type BlobStore, type StoredBlob } from './blob-store.js';

const KEY = /^sha256\/[0-9a-f]{2}\/[0-9a-f]{2}\/[0-9a-f]{64}$/;

/**
 * Blobs in a local directory (or a volume every process mounts), named by their SHA-256. A blob is
 * written to a temporary file, synced, then renamed into place and the directory synced, so a crash
 * never leaves a torn blob under a real name.
 */
export class LocalBlobStore implements BlobStore {
  constructor(private readonly root: string) {}

  async put(data: Buffer | Readable): Promise<StoredBlob> {
    const tmpDir = join(this.root, 'tmp');
    await mkdir(tmpDir, { recursive: true });
    const temp = join(tmpDir, `${process.pid}-${randomBytes(8).toString('hex')}`);
    const hash = createHash('sha256');
    let size = 0;
    try {
      const counter = new Transform({
        transform(chunk: Buffer, _encoding, callback) {
          hash.update(chunk);
          size += chunk.length;
          callback(null, chunk);
        },
      });
      const source = Buffer.isBuffer(data) ? Readable.from([data]) : data;
      await pipeline(source, counter, createWriteStream(temp, { flags: 'wx', mode: 0o640 }));
      await syncFile(temp);
      const sha256 = hash.digest('hex');
      const key = `sha256/${sha256.slice(0, 2)}/${sha256.slice(2, 4)}/${sha256}`;
      const path = this.path(key);
      const dir = join(path, '..');
      await mkdir(dir, { recursive: true });
      await rename(temp, path);
      await syncFile(dir);
      return { key, sha256, size };
    } finally {
      await rm(temp, { force: true });
    }
  }

  async read(key: string): Promise<Buffer> {
    try {
      return await readFile(this.path(key));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new BlobNotFoundError(key);
      throw error;
    }
  }

  open(key: string): Readable {
    return createReadStream(this.path(key));
  }

  async has(key: string): Promise<boolean> {
    try {
      await access(this.path(key));
      return true;
    } catch {
      return false;
    }
  }

  private path(key: string): string {
    // Keys come from our own rows, but a path built from data is checked all the same.
    if (!KEY.test(key)) throw new BlobNotFoundError(key);
    return join(this.root, ...key.split('/'));
  }
}

async function syncFile(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
