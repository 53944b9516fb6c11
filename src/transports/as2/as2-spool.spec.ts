import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalBlobStore } from '../../platform/blobs/local-blob-store.js';
import { As2BodyError, spoolAs2Body } from './as2-spool.js';

// The spool under POST /as2, over a real HTTP server and the local blob store: the body lands in
// both copies byte for byte, the cap answers 413 (and the client gets the answer), and a body that
// is refused or cut off leaves no work file behind.

const LIMIT = 256 * 1024;
let dir: string;
let blobs: LocalBlobStore;
let server: Server;
let port: number;
const outcomes: (string | { sha256: string; size: number; copy: Buffer })[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'as2-spool-'));
  blobs = new LocalBlobStore(join(dir, 'blobs'));
  server = createServer((request, response) => {
    spoolAs2Body(request, { blobs, dir: join(dir, 'work'), limit: LIMIT }).then(
      async (spooled) => {
        outcomes.push({ sha256: spooled.raw.sha256, size: spooled.size, copy: await readFile(spooled.path) });
        await rm(spooled.path);
        response.end('stored');
      },
      (error: unknown) => {
        outcomes.push(`refused ${error instanceof As2BodyError ? error.status : String(error)}`);
        response.statusCode = error instanceof As2BodyError ? error.status : 500;
        response.end();
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

function post(
  headers: Record<string, string>,
  chunks: Buffer[],
  hangUp = false,
): Promise<number | 'hung up'> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { port, host: '127.0.0.1', method: 'POST', path: '/as2', headers, agent: false },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', (error) => (hangUp ? resolve('hung up') : reject(error)));
    for (const chunk of chunks) req.write(chunk);
    if (hangUp) setTimeout(() => req.destroy(), 100);
    else req.end();
  });
}

const workFiles = async () => (await readdir(join(dir, 'work')).catch(() => [])).length;

describe('spoolAs2Body', () => {
  it('streams a chunked body into the blob store and the work file, byte for byte', async () => {
    const body = Buffer.from(Array.from({ length: 200_000 }, (_, i) => i % 251));
    const chunks = [body.subarray(0, 70_000), body.subarray(70_000, 140_000), body.subarray(140_000)];
    expect(await post({ 'transfer-encoding': 'chunked' }, chunks)).toBe(200);
    const stored = outcomes.at(-1) as { sha256: string; size: number; copy: Buffer };
    expect(stored.sha256).toBe(createHash('sha256').update(body).digest('hex'));
    expect(stored.size).toBe(body.length);
    expect(stored.copy.equals(body)).toBe(true);
    expect(
      (
        await blobs.read(`sha256/${stored.sha256.slice(0, 2)}/${stored.sha256.slice(2, 4)}/${stored.sha256}`)
      ).equals(body),
    ).toBe(true);
  });

  it('answers 413 for a Content-Length over the cap before reading, and for a chunked body once it passes it', async () => {
    expect(await post({ 'content-length': String(LIMIT + 1) }, [])).toBe(413);
    const big = Buffer.alloc(64 * 1024, 0x41);
    expect(
      await post(
        { 'transfer-encoding': 'chunked' },
        Array.from({ length: 6 }, () => big),
      ),
    ).toBe(413);
    expect(outcomes.slice(-2)).toEqual(['refused 413', 'refused 413']);
    expect(await workFiles()).toBe(0);
  });

  it('refuses an unsupported Content-Encoding with 415', async () => {
    expect(await post({ 'content-encoding': 'br', 'content-length': '1' }, [Buffer.from('x')])).toBe(415);
  });

  it('drops a body the client cut off, leaving no work file', async () => {
    expect(await post({ 'content-length': '100000' }, [Buffer.alloc(1000)], true)).toBe('hung up');
    for (let i = 0; i < 50 && outcomes.at(-1) !== 'refused 400'; i++)
      await new Promise((r) => setTimeout(r, 20));
    expect(outcomes.at(-1)).toBe('refused 400');
    expect(await workFiles()).toBe(0);
  });
});
