import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readX12 } from '../../src/edi/x12/index.js';
import { expected856, issueDigest } from './contenders.js';
import { generateX12 } from './generate.js';

/**
 * `npm run bench:x12 [-- --mb N] [--runs N]`: the X12 reader against its peers, each in its own process, on one
 * seeded input. Not a test: it prints figures and ratios measured in the same run (STYLE.md), and
 * fails only when contenders that must agree (ours and the naive split) do not.
 */
const here = dirname(fileURLToPath(import.meta.url));
const contenderScript = join(here, 'contenders.js');
const ORDER = [
  'tokenize-all',
  'validate',
  'x12-parser',
  'node-x12-parse',
  'node-x12-stream',
  'naive-split',
  'ceiling',
  'translate-856',
];

interface Row {
  contender: string;
  ms?: number;
  /** CPU time of the child over the same span (all threads), less distorted by other load than `ms`. */
  cpuMs?: number;
  /** One-time setup outside `ms` (translate-856: modules and maps, as at the gateway's boot). */
  setupMs?: number;
  values?: number;
  checksum?: number | null;
  issues?: string;
  maxRssMb?: number;
  /** ok, wrong checksum, crash (…), timeout */
  verdict: string;
}

function arg(name: string, fallback: number): number {
  const at = process.argv.indexOf(name);
  if (at < 0) return fallback;
  const value = Number(process.argv[at + 1]);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} expects a positive number`);
  return value;
}

function runContender(name: string, file: string): Row {
  const child = spawnSync(process.execPath, [contenderScript, name, file], {
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

function main(): void {
  const mb = arg('--mb', 50);
  const bytes = Math.round(mb * 1024 * 1024);
  const file = join(tmpdir(), `sg-bench-x12-${mb}mb.edi`);
  if (!existsSync(file) || statSync(file).size < bytes) generateX12(file, { bytes });
  const size = statSync(file).size;
  console.log(`input: ${file}, ${(size / 1048576).toFixed(1)} MiB, seeded 850/856 sets`);
  console.log(
    `machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}`,
  );

  // Validate-only must find exactly what the full path finds: checked on a damaged input in-process.
  const damaged = join(tmpdir(), 'sg-bench-x12-damaged.edi');
  generateX12(damaged, { bytes: 2 << 20, inject: true, seed: 7 });
  const full = readX12(readFileSync(damaged), { segment: (v) => void v.elements() });
  const lean = readX12(readFileSync(damaged));
  rmSync(damaged);
  if (full.issues.length === 0 || issueDigest(full.issues) !== issueDigest(lean.issues)) {
    throw new Error('validate-only and the full path disagree on the damaged input');
  }
  console.log(`validate-only = full path on a damaged input: ${full.issues.length} identical findings`);

  // On a shared machine a single cold run is noisy: `--runs N` (default 1) runs each contender N times in
  // fresh processes, interleaved, and keeps its fastest run (peak RSS: the largest seen), as
  // bench/edifact does. A failed run is reported as such.
  const runs = arg('--runs', 1);
  const best = new Map<string, Row>();
  for (let round = 0; round < runs; round++) {
    for (const name of ORDER) {
      const previous = best.get(name);
      if (previous && previous.verdict !== 'ok') continue;
      const row = runContender(name, file);
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
  const rows = ORDER.map((name) => {
    const row = best.get(name)!;
    process.stderr.write(`  ${name}: ${row.verdict}${row.ms ? ` ${(row.ms / 1000).toFixed(2)} s` : ''}\n`);
    return row;
  });
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
    // translate-856 yields events, not values: it is checked against the file's SN1 figures below.
    if (row.verdict !== 'ok' || row.contender === 'translate-856') continue;
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

  // Speed counts for every contender that finished; a wrong checksum is flagged next to its ratio.
  const mbps = (r: Row | undefined): number | undefined =>
    r?.ms ? size / 1048576 / (r.ms / 1000) : undefined;
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
      console.log(`\n${r.contender}: setup before timing (modules, maps) ${(r.setupMs / 1000).toFixed(2)} s`);
  console.log('');
  const ratio = (label: string, a: Row | undefined, b: Row | undefined): void => {
    const x = mbps(a);
    const y = mbps(b);
    console.log(`RATIO ${label} ${x !== undefined && y !== undefined ? (x / y).toFixed(2) : 'n/a'}`);
    // The same ratio on CPU time (b's CPU over a's): the figure to trust when the machine is loaded.
    const cpu = a?.cpuMs && b?.cpuMs && Number.isFinite(a.cpuMs) ? b.cpuMs / a.cpuMs : undefined;
    console.log(`RATIO-CPU ${label} ${cpu !== undefined ? cpu.toFixed(2) : 'n/a'}`);
    if (b && b.verdict !== 'ok') console.log(`  note: ${b.contender} ${b.verdict}`);
  };
  // translate-856 checks itself against the raw SN1 figures: every 856 an event, every quantity found.
  const translate = byName.get('translate-856');
  if (translate?.verdict === 'ok') {
    const want = expected856(readFileSync(file, 'latin1'));
    if (translate.values !== want.sets || translate.checksum !== want.checksum)
      translate.verdict = `wrong checksum (${translate.values} of ${want.sets} ship notices)`;
  }
  ratio('tokenize-all/naive-split', reference, naive);
  ratio('translate-856/naive-split', translate, naive);
  ratio('tokenize-all/x12-parser', reference, byName.get('x12-parser'));
  ratio('validate/ceiling', validate, byName.get('ceiling'));
  for (const r of rows) console.log(`RSS-MB ${r.contender} ${r.maxRssMb?.toFixed(0) ?? 'n/a'}`);
}

main();
