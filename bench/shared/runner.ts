import { spawnSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import type { EdiIssue } from '../../src/edi/core/issue.js';
import { findingsDigest } from './contender.js';

/**
 * What bench/x12 and bench/edifact do alike around their contenders: run each in fresh processes,
 * keep its best run, check that the contenders that must agree do, and print the table and the ratios
 * measured in the same run (STYLE.md). Each contender process prints one JSON line (see
 * `contenderMain` in contender.ts).
 */
export interface Row {
  contender: string;
  ms?: number;
  /** CPU time of the child over the same span (all threads), less distorted by other load than `ms`. */
  cpuMs?: number;
  /** One-time setup outside `ms` (a translate contender: modules and maps, as at the gateway's boot). */
  setupMs?: number;
  values?: number;
  checksum?: number | null;
  issues?: string;
  maxRssMb?: number;
  /** ok, wrong checksum, crash (…), timeout */
  verdict: string;
}

/** A positive number given on the command line as `name N`, or `fallback`. */
export function arg(name: string, fallback: number): number {
  const at = process.argv.indexOf(name);
  if (at < 0) return fallback;
  const value = Number(process.argv[at + 1]);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} expects a positive number`);
  return value;
}

export function printMachine(): void {
  console.log(
    `machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}`,
  );
}

/** Validate-only must find exactly what the full path finds (checked in-process on a damaged input). */
export function checkValidateOnly(full: readonly EdiIssue[], lean: readonly EdiIssue[]): void {
  if (full.length === 0 || findingsDigest(full) !== findingsDigest(lean)) {
    throw new Error('validate-only and the full path disagree on the damaged input');
  }
  console.log(`validate-only = full path on a damaged input: ${full.length} identical findings`);
}

function runContender(script: string, name: string, file: string): Row {
  const child = spawnSync(process.execPath, [script, name, file], {
    encoding: 'utf8',
    timeout: 15 * 60_000,
    maxBuffer: 1 << 20,
  });
  if (child.error && (child.error as NodeJS.ErrnoException).code === 'ETIMEDOUT') {
    return { contender: name, verdict: 'timeout' };
  }
  const line = child.stdout.trim().split('\n').at(-1) ?? '';
  if (child.status !== 0 || !line.startsWith('{')) {
    const why =
      child.signal ?? child.stderr.split('\n').find((l) => /^\w*Error\b/.test(l)) ?? `exit ${child.status}`;
    return { contender: name, verdict: `crash (${why.trim().slice(0, 110)})` };
  }
  return { ...(JSON.parse(line) as Omit<Row, 'verdict'>), verdict: 'ok' };
}

/**
 * On a shared machine a single cold run is noisy: each contender runs `runs` times in fresh processes,
 * interleaved, and keeps its fastest run (CPU: the least seen; peak RSS: the largest seen). A failed
 * run is reported as such and not repeated.
 */
export function runContenders(script: string, order: readonly string[], file: string, runs: number): Row[] {
  const best = new Map<string, Row>();
  for (let round = 0; round < runs; round++) {
    for (const name of order) {
      const previous = best.get(name);
      if (previous && previous.verdict !== 'ok') continue;
      const row = runContender(script, name, file);
      if (!previous || row.verdict !== 'ok' || (row.ms ?? Infinity) < (previous.ms ?? Infinity)) {
        best.set(name, {
          ...row,
          cpuMs: Math.min(row.cpuMs ?? Infinity, previous?.cpuMs ?? Infinity),
          maxRssMb: Math.max(row.maxRssMb ?? 0, previous?.maxRssMb ?? 0) || undefined,
        });
      } else {
        if ((row.maxRssMb ?? 0) > (previous.maxRssMb ?? 0)) previous.maxRssMb = row.maxRssMb;
        if ((row.cpuMs ?? Infinity) < (previous.cpuMs ?? Infinity)) previous.cpuMs = row.cpuMs;
      }
    }
  }
  return order.map((name) => {
    const row = best.get(name)!;
    process.stderr.write(`  ${name}: ${row.verdict}${row.ms ? ` ${(row.ms / 1000).toFixed(2)} s` : ''}\n`);
    return row;
  });
}

/**
 * Throws unless our full tokenizer (`tokenize-all`) and the naive split agree and validate-only found
 * what the full path found; marks every other contender whose values differ. `translate` yields events,
 * not values: the caller checks it against the file's own figures.
 */
export function checkAgreement(rows: readonly Row[], translate: string): void {
  const byName = new Map(rows.map((r) => [r.contender, r]));
  const reference = byName.get('tokenize-all')!;
  const naive = byName.get('naive-split')!;
  if (reference.verdict !== 'ok' || naive.verdict !== 'ok')
    throw new Error('tokenize-all or naive-split failed');
  if (reference.checksum !== naive.checksum || reference.values !== naive.values) {
    throw new Error(
      `checksum mismatch: tokenize-all ${reference.checksum}/${reference.values}, naive-split ${naive.checksum}/${naive.values}`,
    );
  }
  const validate = byName.get('validate')!;
  if (validate.verdict !== 'ok' || validate.issues !== reference.issues) {
    throw new Error(
      `validate-only findings ${validate.issues} differ from the full path's ${reference.issues}`,
    );
  }
  for (const row of rows) {
    if (row.verdict !== 'ok' || row.contender === translate) continue;
    if (row.checksum === null || row.checksum === undefined) {
      // validate builds no values; the ceiling only counts them.
      if (row.contender === 'ceiling' && row.values !== reference.values)
        row.verdict = `wrong count (${row.values})`;
      continue;
    }
    if (row.checksum !== reference.checksum || row.values !== reference.values) {
      row.verdict = `wrong checksum (${row.values} values)`;
    }
  }
}

/** The results table (speed counts for every contender that finished; a wrong checksum is flagged). */
export function printTable(rows: readonly Row[], size: number, setup: string): void {
  console.log('');
  console.log('| contender | time (s) | CPU (s) | MiB/s | peak RSS (MiB) | values | checksum | verdict |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---|');
  for (const r of rows) {
    const speed = r.ms ? (size / 1048576 / (r.ms / 1000)).toFixed(1) : '-';
    const cpu = r.cpuMs !== undefined && Number.isFinite(r.cpuMs) ? (r.cpuMs / 1000).toFixed(2) : '-';
    console.log(
      `| ${r.contender} | ${r.ms ? (r.ms / 1000).toFixed(2) : '-'} | ${cpu} | ${speed} | ${r.maxRssMb?.toFixed(0) ?? '-'} | ${r.values ?? '-'} | ${r.checksum ?? '-'} | ${r.verdict} |`,
    );
  }
  for (const r of rows)
    if (r.setupMs !== undefined)
      console.log(`\n${r.contender}: setup before timing (${setup}) ${(r.setupMs / 1000).toFixed(2)} s`);
  console.log('');
}

/** `RATIO label` (a's speed over b's) and `RATIO-CPU label` (b's CPU time over a's). */
export function printRatio(label: string, a: Row | undefined, b: Row | undefined): void {
  const x = a?.ms;
  const y = b?.ms;
  console.log(`RATIO ${label} ${x && y ? (y / x).toFixed(2) : 'n/a'}`);
  // The CPU ratio is the figure to trust when the machine is loaded.
  const cpu = a?.cpuMs && b?.cpuMs && Number.isFinite(a.cpuMs) ? b.cpuMs / a.cpuMs : undefined;
  console.log(`RATIO-CPU ${label} ${cpu !== undefined ? cpu.toFixed(2) : 'n/a'}`);
  if (b && b.verdict !== 'ok') console.log(`  note: ${b.contender} ${b.verdict}`);
}

export function printRss(rows: readonly Row[]): void {
  for (const r of rows) console.log(`RSS-MB ${r.contender} ${r.maxRssMb?.toFixed(0) ?? 'n/a'}`);
}
