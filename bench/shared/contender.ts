import { closeSync, openSync, readSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { EdiIssue } from '../../src/edi/core/issue.js';
import type { PartnerProfile } from '../../src/partners/partner-profile.schema.js';

/**
 * What every contender process shares (bench/<kind>/run.ts spawns one per contender, so that peak RSS
 * is its own): the checksum every value goes through, the chunked file read, and the timed `main`.
 */

/** Order-sensitive and cheap, so that it does not dominate the figures it checks. */
export class Checksum {
  values = 0;
  hash = 0;

  add(value: string): void {
    const n = value.length;
    this.values++;
    this.hash =
      (Math.imul(this.hash, 31) + n + (n > 0 ? value.charCodeAt(0) * 7 + value.charCodeAt(n - 1) * 13 : 0)) |
      0;
  }
}

export interface ContenderResult {
  readonly values: number;
  /** `null` for the offsets-only ceiling, which builds no strings. */
  readonly checksum: number | null;
  /** Digest of our engine's findings (kind, code, offset, segment index, positions). */
  readonly issues?: string;
}

export type Contender = (path: string) => ContenderResult | Promise<ContenderResult>;

/** 64 KiB, the default chunk of a Node file stream (what the stream-based peers get from createReadStream). */
export const CHUNK = 1 << 16;

/** Synchronous reads into one reused buffer: the readers copy what outlives a `write`. */
/**
 * The translate contenders read as the translation jobs do (a blob store's file stream, handed to
 * the translation TRANSLATION_CHUNK at a time): this bench's reads must be that size.
 */
export async function checkJobChunk(contender: string): Promise<void> {
  const { TRANSLATION_CHUNK } = await import('../../src/translation/settled-events.js');
  if (TRANSLATION_CHUNK !== CHUNK)
    throw new Error(`${contender} reads ${CHUNK} bytes at a time, the translation jobs ${TRANSLATION_CHUNK}`);
}

export function eachChunk(path: string, fn: (chunk: Uint8Array) => void): void {
  const fd = openSync(path, 'r');
  const buf = Buffer.allocUnsafe(CHUNK);
  try {
    for (;;) {
      const n = readSync(fd, buf, 0, CHUNK, null);
      if (n === 0) break;
      fn(n === CHUNK ? buf : buf.subarray(0, n));
    }
  } finally {
    closeSync(fd);
  }
}

/** The findings of a read as one comparable string: what validate-only and the full path must agree on. */
export function findingsDigest(issues: readonly EdiIssue[]): string {
  const rows = issues.map((i) => [
    i.kind,
    i.code,
    i.offset,
    i.segmentIndex,
    i.segmentPosition,
    i.elementPosition,
  ]);
  let h = 0;
  const text = JSON.stringify(rows);
  for (let i = 0; i < text.length; i++) h = (Math.imul(h, 31) + text.charCodeAt(i)) | 0;
  return `${issues.length}:${h}`;
}

/** The partner the translate contenders translate for: no cross-references, no map overrides. */
export const BENCH_PARTNER = {
  id: 'bench-partner',
  crossReferences: { parts: [], units: {}, locations: [] },
  maps: undefined,
} as unknown as PartnerProfile;

/**
 * What the translation job passes with an archived interchange: its row id seeds the event ids (without
 * one, as in the CLI, the translators hash the whole input for them).
 */
export const ARCHIVED = { interchangeId: '1048576', receivedAt: new Date('2024-01-31T12:30:00Z') } as const;

/** A ship-notice event's shipped quantities, in order, added to `sum` (what the translate contenders check). */
export function addShippedQuantities(sum: Checksum, payload: unknown): void {
  const notice = payload as { orders: { packs: { items: { quantity: { value: string } }[] }[] }[] };
  for (const order of notice.orders)
    for (const pack of order.packs) for (const item of pack.items) sum.add(item.quantity.value);
}

/**
 * A contender process's `main`: `node <script> <contender> <file>` runs the contender's one-time setup
 * (outside the clock, reported as `setupMs`), then the contender, and prints one JSON line:
 * { contender, ms, cpuMs, setupMs, values, checksum, issues, maxRssMb }.
 */
export async function contenderMain(
  script: string,
  contenders: Readonly<Record<string, Contender>>,
  prepare: Readonly<Partial<Record<string, () => Promise<void>>>>,
): Promise<void> {
  const [name, path] = process.argv.slice(2);
  const run = name ? contenders[name] : undefined;
  if (!run || !path) throw new Error(`usage: ${script} <${Object.keys(contenders).join('|')}> <file>`);
  const setup = prepare[name!];
  const setupStart = performance.now();
  if (setup) await setup();
  const setupMs = setup ? performance.now() - setupStart : undefined;
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  const result = await run(path);
  const ms = performance.now() - start;
  // CPU time of the process (all its threads: JIT, GC) is what a loaded machine distorts least.
  const cpu = process.cpuUsage(cpuStart);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  // resourceUsage().maxRSS is in kilobytes.
  const maxRssMb = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(`${JSON.stringify({ contender: name, ms, cpuMs, setupMs, ...result, maxRssMb })}\n`);
}
