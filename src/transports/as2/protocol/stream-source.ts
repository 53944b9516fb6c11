import { randomBytes } from 'node:crypto';
import { mkdir, open, rm, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Files as the streaming AS2 receive reads and writes them: a message is spooled to disk once, then
 * every layer reads ranges of it (or of a temporary file a previous layer wrote) in bounded pieces,
 * so memory does not grow with the message size.
 */

/** `[start, end)` of a file. */
export interface FileRange {
  readonly path: string;
  readonly start: number;
  readonly end: number;
}

/** Reads done in pieces of this size; the only buffers that scale are a few of these. */
export const CHUNK_BYTES = 256 * 1024;
const WINDOW_BYTES = 64 * 1024;

export function rangeLength(range: FileRange): number {
  return range.end - range.start;
}

export function subRange(range: FileRange, start: number, end: number): FileRange {
  return { path: range.path, start, end };
}

/** Positional reads with a small read-ahead window, for the many tiny reads of BER and MIME headers. */
export class RandomAccessFile {
  private window?: { at: number; bytes: Buffer };

  private constructor(
    private readonly handle: FileHandle,
    readonly size: number,
  ) {}

  static async open(path: string): Promise<RandomAccessFile> {
    const handle = await open(path, 'r');
    try {
      return new RandomAccessFile(handle, (await handle.stat()).size);
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  /** Up to `length` bytes at `at` (fewer at the end of the file); a copy the caller may keep. */
  async read(at: number, length: number): Promise<Buffer> {
    const wanted = Math.max(0, Math.min(length, this.size - at));
    if (wanted === 0) return Buffer.alloc(0);
    if (wanted <= WINDOW_BYTES / 4) {
      const window = this.window;
      if (!window || at < window.at || at + wanted > window.at + window.bytes.length) {
        this.window = { at, bytes: await this.readExact(at, Math.min(WINDOW_BYTES, this.size - at)) };
      }
      const offset = at - this.window!.at;
      return Buffer.from(this.window!.bytes.subarray(offset, offset + wanted));
    }
    return this.readExact(at, wanted);
  }

  private async readExact(at: number, length: number): Promise<Buffer> {
    const buffer = Buffer.allocUnsafe(length);
    let done = 0;
    while (done < length) {
      const { bytesRead } = await this.handle.read(buffer, done, length - done, at + done);
      if (bytesRead === 0) break;
      done += bytesRead;
    }
    return done === length ? buffer : buffer.subarray(0, done);
  }

  async close(): Promise<void> {
    await this.handle.close();
  }
}

/** A file written sequentially, one awaited write at a time (so nothing queues up in memory). */
export class TempWriter {
  private position = 0;

  constructor(
    readonly path: string,
    private readonly handle: FileHandle,
  ) {}

  async write(chunk: Buffer): Promise<void> {
    let done = 0;
    while (done < chunk.length) {
      const { bytesWritten } = await this.handle.write(chunk, done, chunk.length - done, this.position);
      done += bytesWritten;
      this.position += bytesWritten;
    }
  }

  async close(): Promise<FileRange> {
    await this.handle.close();
    return { path: this.path, start: 0, end: this.position };
  }
}

/**
 * The files one message uses: open readers (shared per path) and the temporary files its layers
 * write (decoded base64, decrypted or inflated content), all removed by `dispose()`.
 */
export class StreamWorkspace {
  private readonly readers = new Map<string, Promise<RandomAccessFile>>();
  private readonly temps: string[] = [];

  private constructor(private readonly dir: string) {}

  static async create(dir: string): Promise<StreamWorkspace> {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    return new StreamWorkspace(dir);
  }

  file(path: string): Promise<RandomAccessFile> {
    let reader = this.readers.get(path);
    if (!reader) {
      reader = RandomAccessFile.open(path);
      this.readers.set(path, reader);
    }
    return reader;
  }

  async temp(): Promise<TempWriter> {
    const path = join(this.dir, `as2-${process.pid}-${randomBytes(8).toString('hex')}`);
    this.temps.push(path);
    return new TempWriter(path, await open(path, 'wx', 0o600));
  }

  /** The bytes of a range in pieces of at most CHUNK_BYTES. */
  async *chunks(range: FileRange): AsyncGenerator<Buffer> {
    const file = await this.file(range.path);
    for (let at = range.start; at < range.end; at += CHUNK_BYTES) {
      const chunk = await file.read(at, Math.min(CHUNK_BYTES, range.end - at));
      if (chunk.length === 0) throw new Error('the file ended early');
      yield chunk;
    }
  }

  /** The bytes of a small range in one Buffer; refuses more than `max` bytes. */
  async bytes(range: FileRange, max: number): Promise<Buffer> {
    if (rangeLength(range) > max)
      throw new Error(`a structure of ${rangeLength(range)} bytes (limit ${max})`);
    return (await this.file(range.path)).read(range.start, rangeLength(range));
  }

  async dispose(): Promise<void> {
    for (const reader of this.readers.values()) await (await reader.catch(() => undefined))?.close();
    this.readers.clear();
    await Promise.all(this.temps.map((path) => rm(path, { force: true })));
  }
}
