import { closeSync, openSync, writeSync } from 'node:fs';

/** What every bench generator takes: the size to reach, the seed, and whether to damage a few units. */
export interface GenerateOptions {
  readonly bytes: number;
  readonly seed?: number;
  /** Damage a few sets or messages (each generator says how) so that the error lists are not empty. */
  readonly inject?: boolean;
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** mulberry32: small, fast and reproducible, so every run and every contender reads the same bytes. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The random values a generator draws from one seed. */
export interface Seeded {
  /** In [0, 1). */
  readonly rnd: () => number;
  /** An integer in [0, n). */
  readonly int: (n: number) => number;
  /** `min`…`max` upper-case letters and digits. */
  readonly str: (min: number, max: number) => string;
}

export function seeded(seed: number | undefined): Seeded {
  const rnd = mulberry32(seed ?? 20240131);
  const int = (n: number): number => Math.floor(rnd() * n);
  const str = (min: number, max: number): string => {
    let s = '';
    const len = min + int(max - min + 1);
    for (let i = 0; i < len; i++) s += ALNUM[int(ALNUM.length)];
    return s;
  };
  return { rnd, int, str };
}

/** A Latin-1 file written a segment per line, in writes of about 1 MiB. */
export class SegmentFile {
  private readonly fd: number;
  private pending: string[] = [];
  private pendingBytes = 0;
  private written = 0;

  constructor(
    path: string,
    /** Written after every segment, before the line feed. */
    private readonly terminator: string,
  ) {
    this.fd = openSync(path, 'w');
  }

  /** Bytes written or about to be. */
  get size(): number {
    return this.written + this.pendingBytes;
  }

  /** A segment, its terminator and a line feed. */
  segment(text: string): void {
    this.raw(`${text}${this.terminator}\n`);
  }

  /** Text as is (an EDIFACT UNA, which carries its own terminator). */
  raw(text: string): void {
    this.pending.push(text);
    this.pendingBytes += text.length;
    if (this.pendingBytes > 1 << 20) this.flush();
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }

  private flush(): void {
    const text = this.pending.join('');
    writeSync(this.fd, text, null, 'latin1');
    this.written += text.length;
    this.pending = [];
    this.pendingBytes = 0;
  }
}
