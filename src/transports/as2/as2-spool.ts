import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough, Transform, Writable, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createInflate } from 'node:zlib';
import type { GatewayConfig } from '../../config/config.js';
import type { BlobStore, StoredBlob } from '../../platform/blobs/blob-store.js';

/**
 * Bodies up to this size go through the Buffer core (`receiveAs2Message`); larger ones through the
 * streaming core (`receiveAs2Stream`), which never holds the message whole. Both answer alike
 * (`protocol/receive-stream.spec.ts` compares them over the openssl matrix and the negative cases).
 */
export const AS2_STREAMING_THRESHOLD_BYTES = 4 * 1024 * 1024;

/** An AS2 request body as it arrived: in the blob store (the raw request) and in a work file. */
export interface SpooledAs2Body {
  readonly raw: StoredBlob;
  /** The work copy the core reads with positional reads; the controller removes it when done. */
  readonly path: string;
  readonly size: number;
  /** Set by the handler that processes it (and then removes the work file). */
  claimed?: boolean;
}

export class As2BodyError extends Error {
  override readonly name = 'As2BodyError';

  constructor(
    readonly status: 400 | 413 | 415,
    message: string,
  ) {
    super(message);
  }
}

/** Work files of AS2 messages in flight, beside the rest of the gateway's data. */
export function as2WorkDir(config: Pick<GatewayConfig, 'DATA_DIR'>): string {
  return join(config.DATA_DIR, 'tmp', 'as2');
}

/**
 * Streams a request body, as it arrives, both into the blob store (hashed while it is written) and
 * into a work file, with at most `limit` bytes (413 beyond; a Content-Length over it is refused before
 * anything is read). Neither copy is held in memory: the slower writer paces the request.
 * gzip/deflate Content-Encoding is undone first, as express's body parser did (415 for others).
 */
export async function spoolAs2Body(
  request: Readable & { headers: Record<string, string | string[] | undefined> },
  options: { readonly blobs: BlobStore; readonly dir: string; readonly limit: number },
): Promise<SpooledAs2Body> {
  const { limit } = options;
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(limit);
  const encoding = String(request.headers['content-encoding'] ?? 'identity').toLowerCase();
  const decoder = encoding === 'gzip' ? createGunzip() : encoding === 'deflate' ? createInflate() : undefined;
  if (!decoder && encoding !== 'identity')
    throw new As2BodyError(415, `unsupported content encoding "${encoding}"`);

  // Attached before anything is awaited, so no chunk and no hang-up goes unseen. The request is
  // piped, not part of the pipeline: a failed pipeline must not destroy
  // the socket the 413 / 400 answer still has to go out on.
  const source = new PassThrough({ highWaterMark: 1024 * 1024 });
  // Node destroys a request whose client hung up, dropping what the request still buffered; so the
  // body moves on into `source` (up to 1 MiB ahead of the writers) as it arrives, and a client that
  // hung up after sending a small body still gets it stored (and can retry it as a duplicate). If
  // the body did not reach its end after all, the request fails (400) instead of waiting forever.
  const onClose = (): void => {
    setImmediate(() => {
      if (!request.readableEnded) source.destroy(new Error('the client closed the request'));
    });
  };
  request.on('close', onClose);
  request.on('error', onClose);
  request.pipe(source);
  await mkdir(options.dir, { recursive: true, mode: 0o700 });
  const path = join(options.dir, `request-${process.pid}-${randomBytes(8).toString('hex')}`);
  let size = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      size += chunk.length;
      callback(size > limit ? tooLarge(limit) : null, chunk);
    },
  });
  const toBlob = new PassThrough();
  const toFile = new PassThrough();
  const blobDone = options.blobs.put(toBlob);
  const fileDone = pipeline(toFile, createWriteStream(path, { flags: 'wx', mode: 0o600 }));
  const tee = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      let pending = 2;
      const done = (): void => {
        if (--pending === 0) callback();
      };
      for (const target of [toBlob, toFile]) {
        if (target.write(chunk)) done();
        else target.once('drain', done);
      }
    },
    final(callback) {
      toBlob.end();
      toFile.end();
      callback();
    },
  });
  // A failing writer (disk full) stops the request instead of leaving the tee waiting for 'drain'.
  blobDone.catch((error: unknown) => tee.destroy(error as Error));
  fileDone.catch((error: unknown) => tee.destroy(error as Error));
  try {
    await (decoder ? pipeline(source, decoder, counter, tee) : pipeline(source, counter, tee));
    const [raw] = await Promise.all([blobDone, fileDone]);
    request.off('close', onClose);
    return { raw, path, size };
  } catch (error) {
    toBlob.destroy();
    toFile.destroy();
    await Promise.allSettled([blobDone, fileDone]);
    await rm(path, { force: true });
    request.unpipe(source);
    request.resume();
    if (error instanceof As2BodyError) throw error;
    throw new As2BodyError(400, `the body could not be read: ${String(error)}`);
  }
}

function tooLarge(limit: number): As2BodyError {
  return new As2BodyError(413, `the AS2 message exceeds AS2_MAX_MESSAGE_BYTES (${limit} bytes)`);
}

/** Removes work files a crashed process left behind (older than `maxAgeMs`). */
export async function sweepAs2WorkDir(dir: string, maxAgeMs = 60 * 60 * 1000): Promise<void> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return;
  }
  const before = Date.now() - maxAgeMs;
  for (const name of names) {
    const path = join(dir, name);
    const info = await stat(path).catch(() => undefined);
    if (info && info.mtimeMs < before) await rm(path, { force: true, recursive: true });
  }
}
