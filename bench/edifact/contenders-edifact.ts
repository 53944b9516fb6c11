import { closeSync, createReadStream, openSync, readFileSync, readSync } from 'node:fs';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { EdifactReader, type EdifactIssue } from '../../src/edi/edifact/index.js';
import { Checksum, type ContenderResult } from '../x12/contenders.js';

/**
 * One EDIFACT contender per process (bench/edifact/run.ts spawns this file), so that peak RSS is its
 * own. Every contender hands every value (segment tag first, then every component) to the X12 bench's
 * `Checksum` as a JS string. The UNA is configuration, not a segment, for the peers: it is not counted.
 *
 *   node dist-bench/bench/edifact/contenders-edifact.js <contender> <file>
 */

const CHUNK = 1 << 16;

function eachChunk(path: string, fn: (chunk: Uint8Array) => void): void {
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

export function edifactIssueDigest(issues: readonly EdifactIssue[]): string {
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

function tokenizeAll(path: string): ContenderResult {
  const sum = new Checksum();
  const add = (value: string): void => sum.add(value);
  const reader = new EdifactReader({
    segment(view) {
      if (view.segmentIndex === 0 && view.id === 'UNA') return;
      view.eachValue(add);
    },
  });
  eachChunk(path, (chunk) => reader.write(chunk));
  const result = reader.end();
  return { values: sum.values, checksum: sum.hash, issues: edifactIssueDigest(result.issues) };
}

function validateOnly(path: string): ContenderResult {
  const reader = new EdifactReader();
  eachChunk(path, (chunk) => reader.write(chunk));
  const result = reader.end();
  return { values: 0, checksum: null, issues: edifactIssueDigest(result.issues) };
}

interface EdifactPeer {
  Parser: new () => {
    onopensegment: (segment: string) => void;
    oncomponent: (value: string) => void;
    write: (chunk: string) => void;
    end: () => void;
  };
  Reader: new () => { parse: (document: string) => { name: string; elements: string[][] }[] };
}

const require = createRequire(import.meta.url);
const peer = (): EdifactPeer => require('edifact') as EdifactPeer;

/** The `edifact` 1.2.12 streaming Parser, fed 64 KiB string chunks from a file stream. */
async function edifactStream(path: string): Promise<ContenderResult> {
  const sum = new Checksum();
  const parser = new (peer().Parser)();
  parser.onopensegment = (segment) => sum.add(segment);
  parser.oncomponent = (value) => sum.add(value);
  await new Promise<void>((resolve, reject) => {
    createReadStream(path, { encoding: 'latin1', highWaterMark: CHUNK })
      .on('data', (chunk) => {
        try {
          parser.write(chunk as string);
        } catch (error) {
          reject(error as Error);
        }
      })
      .on('error', reject)
      .on('end', resolve);
  });
  parser.end();
  return { values: sum.values, checksum: sum.hash };
}

/** `edifact` Reader.parse: the whole file as one string, every segment materialised. */
function edifactReader(path: string): ContenderResult {
  const sum = new Checksum();
  const segments = new (peer().Reader)().parse(readFileSync(path, 'latin1'));
  for (const s of segments) {
    sum.add(s.name);
    for (const element of s.elements) for (const value of element) sum.add(value);
  }
  return { values: sum.values, checksum: sum.hash };
}

/**
 * The textbook approach: one string, split on unreleased terminators, separators and component
 * separators (look-behind for the release character), then unescape. Correct only because the
 * generated data never holds a released "?".
 */
function naiveSplit(path: string): ContenderResult {
  const sum = new Checksum();
  let text = readFileSync(path, 'latin1');
  if (text.startsWith('UNA')) text = text.slice(9);
  for (let segment of text.split(/(?<!\?)'/)) {
    while (segment.charCodeAt(0) === 10 || segment.charCodeAt(0) === 13) segment = segment.slice(1);
    if (segment === '') continue;
    for (const element of segment.split(/(?<!\?)\+/)) {
      for (const value of element.split(/(?<!\?):/)) sum.add(value.replace(/\?(.)/g, '$1'));
    }
  }
  return { values: sum.values, checksum: sum.hash };
}

/** The ceiling: find every unreleased delimiter byte, build nothing. Values = separators + terminators. */
function offsetsOnly(path: string): ContenderResult {
  const cls = new Uint8Array(256);
  cls[0x2b] = 1; // +
  cls[0x3a] = 1; // :
  cls[0x27] = 1; // '
  cls[0x3f] = 2; // ?
  let values = 0;
  let skip = 0;
  let released = false;
  eachChunk(path, (chunk) => {
    let count = 0;
    let i = 0;
    // The UNA's six service characters are configuration, not delimiters.
    if (skip === 0 && chunk[0] === 0x55 && chunk[1] === 0x4e && chunk[2] === 0x41) i = 9;
    skip = 1;
    for (; i < chunk.length; i++) {
      const c = cls[chunk[i]!]!;
      if (released) released = false;
      else if (c === 1) count++;
      else if (c === 2) released = true;
    }
    values += count;
  });
  return { values, checksum: null };
}

/**
 * Full translation of the DESADV messages to ship-notice events: directory check, map, catalogue
 * validation, as the translation job runs it. The checksum covers every despatched item's quantity in
 * order, so run.ts can check it against the QTY+12 segments of the file; `values` counts the events.
 */
type TranslatorModule = typeof import('../../src/translation/edifact-translator.js');
type Translator = InstanceType<TranslatorModule['EdifactTranslator']>;
type BenchPartner = Parameters<Translator['translate']>[0]['partner'];

const BENCH_PARTNER = {
  id: 'bench-partner',
  crossReferences: { parts: [], units: {}, locations: [] },
  maps: undefined,
} as unknown as BenchPartner;

let translator: Translator | undefined;

/**
 * What a running gateway does once at boot, outside the timing (as the other contenders' imports
 * are, and as bench:x12 prepares translate-856): load the translation modules, compile the
 * directories and load the DESADV maps. Its duration is reported as `setupMs`.
 */
async function prepareTranslator(): Promise<void> {
  const { EdifactTranslator } = await import('../../src/translation/edifact-translator.js');
  const { EdifactMapRegistry } = await import('../../src/translation/edifact-map-registry.js');
  const maps = new EdifactMapRegistry();
  for (const directory of ['D96A', 'D01B']) maps.inbound('DESADV', directory, BENCH_PARTNER);
  translator = new EdifactTranslator(maps);
}

function translateDesadv(path: string): ContenderResult {
  if (!translator) throw new Error('translate-desadv needs prepareTranslator() first');
  const result = translator.translate({
    bytes: readFileSync(path),
    partner: BENCH_PARTNER,
    // The translation job reads an archived interchange: its row id seeds the event ids (without
    // one, as in the CLI, the translator hashes the whole input for them).
    interchangeId: '1048576',
    receivedAt: new Date('2024-01-31T12:30:00Z'),
    only: (type) => type === 'DESADV',
  });
  const sum = new Checksum();
  let events = 0;
  for (const m of result.messages) {
    if (!m.event) throw new Error(`DESADV ${m.reference} ${m.outcome}: ${m.problems.join('; ')}`);
    events++;
    const payload = m.event.payload as {
      orders: { packs: { items: { quantity: { value: string } }[] }[] }[];
    };
    for (const order of payload.orders)
      for (const pack of order.packs) for (const item of pack.items) sum.add(item.quantity.value);
  }
  return { values: events, checksum: sum.hash };
}

/** The same figures from the raw text: QTY+12 of every DESADV, in order (what translate-desadv must find). */
export function expectedDesadv(text: string): { messages: number; checksum: number } {
  const sum = new Checksum();
  let messages = 0;
  let inDesadv = false;
  for (let segment of text.split(/(?<!\?)'/)) {
    segment = segment.replace(/^[\r\n]+/, '');
    if (segment.startsWith('UNH+')) {
      inDesadv = segment.split('+')[2]!.startsWith('DESADV:');
      if (inDesadv) messages++;
    } else if (inDesadv && segment.startsWith('QTY+12:')) sum.add(segment.slice(7).split(':')[0]!);
  }
  return { messages, checksum: sum.hash };
}

export const CONTENDERS: Record<string, (path: string) => ContenderResult | Promise<ContenderResult>> = {
  'tokenize-all': tokenizeAll,
  validate: validateOnly,
  'edifact-stream': edifactStream,
  'edifact-reader': edifactReader,
  'naive-split': naiveSplit,
  ceiling: offsetsOnly,
  'translate-desadv': translateDesadv,
};

async function main(): Promise<void> {
  const [name, path] = process.argv.slice(2);
  const run = name ? CONTENDERS[name] : undefined;
  if (!run || !path)
    throw new Error(`usage: contenders-edifact.js <${Object.keys(CONTENDERS).join('|')}> <file>`);
  const prepare = name === 'translate-desadv' ? prepareTranslator : undefined;
  const setupStart = performance.now();
  if (prepare) await prepare();
  const setupMs = prepare ? performance.now() - setupStart : undefined;
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  const result = await run(path);
  const ms = performance.now() - start;
  // CPU time of the process (all its threads: JIT, GC) is what a loaded machine distorts least.
  const cpu = process.cpuUsage(cpuStart);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  const maxRssMb = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(`${JSON.stringify({ contender: name, ms, cpuMs, setupMs, ...result, maxRssMb })}\n`);
}

if (process.argv[1]?.endsWith('contenders-edifact.js')) await main();
