import { createReadStream, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { X12parser } from 'x12-parser';
import { X12Reader } from '../../src/edi/x12/index.js';
import {
  addShippedQuantities,
  ARCHIVED,
  BENCH_PARTNER,
  Checksum,
  checkJobChunk,
  contenderMain,
  eachChunk,
  findingsDigest,
  type Contender,
  type ContenderResult,
} from '../shared/contender.js';

/**
 * One contender per process (bench/x12/run.ts spawns this file), so that peak RSS is its own. Every
 * contender hands every element value, segment id included, to `Checksum` as a JS string.
 *
 *   node dist-bench/bench/x12/contenders.js <contender> <file>
 *
 * prints one JSON line: { contender, ms, cpuMs, setupMs, values, checksum, issues, maxRssMb }.
 */

function tokenizeAll(path: string): ContenderResult {
  const sum = new Checksum();
  const reader = new X12Reader({
    segment(view) {
      sum.add(view.id);
      const count = view.elementCount;
      for (let n = 1; n <= count; n++) sum.add(view.element(n));
    },
  });
  eachChunk(path, (chunk) => reader.write(chunk));
  const result = reader.end();
  return { values: sum.values, checksum: sum.hash, issues: findingsDigest(result.issues) };
}

function validateOnly(path: string): ContenderResult {
  const reader = new X12Reader();
  eachChunk(path, (chunk) => reader.write(chunk));
  const result = reader.end();
  return { values: 0, checksum: null, issues: findingsDigest(result.issues) };
}

async function x12Parser(path: string): Promise<ContenderResult> {
  const sum = new Checksum();
  await new Promise<void>((resolve, reject) => {
    const parser = new X12parser();
    parser.on('error', reject);
    createReadStream(path)
      .on('error', reject)
      .pipe(parser)
      .on('data', (segment: Record<string, string>) => {
        sum.add(segment.name!);
        for (let k = 1; segment[k] !== undefined; k++) sum.add(segment[k]);
      })
      .on('end', resolve);
  });
  return { values: sum.values, checksum: sum.hash };
}

interface NodeX12Segment {
  tag: string;
  elements: { value: string }[];
}

const require = createRequire(import.meta.url);

function nodeX12(): { X12Parser: new (strict?: boolean) => any } {
  return require('node-x12');
}

function visit(sum: Checksum, segment: NodeX12Segment | undefined): void {
  if (!segment) return;
  sum.add(segment.tag);
  for (const element of segment.elements) sum.add(element.value);
}

function nodeX12Parse(path: string): ContenderResult {
  const sum = new Checksum();
  const { X12Parser } = nodeX12();
  const parsed = new X12Parser(true).parse(readFileSync(path, 'latin1'));
  const interchanges = Array.isArray(parsed) ? parsed : [parsed];
  for (const ic of interchanges) {
    visit(sum, ic.header);
    for (const group of ic.functionalGroups) {
      visit(sum, group.header);
      for (const set of group.transactions) {
        visit(sum, set.header);
        for (const segment of set.segments) visit(sum, segment);
        visit(sum, set.trailer);
      }
      visit(sum, group.trailer);
    }
    visit(sum, ic.trailer);
  }
  return { values: sum.values, checksum: sum.hash };
}

async function nodeX12Stream(path: string): Promise<ContenderResult> {
  const sum = new Checksum();
  const { X12Parser } = nodeX12();
  await new Promise<void>((resolve, reject) => {
    const parser = new X12Parser(true);
    parser.on('error', reject);
    createReadStream(path)
      .on('error', reject)
      .pipe(parser)
      .on('data', (segment: NodeX12Segment) => visit(sum, segment))
      .on('end', resolve);
  });
  return { values: sum.values, checksum: sum.hash };
}

/** The textbook approach: the whole file as one string, split on the terminator, then the separator. */
function naiveSplit(path: string): ContenderResult {
  const sum = new Checksum();
  const text = readFileSync(path, 'latin1');
  const element = text[3]!;
  const terminator = text[105]!;
  for (let segment of text.split(terminator)) {
    while (segment.charCodeAt(0) === 10 || segment.charCodeAt(0) === 13) segment = segment.slice(1);
    if (segment === '') continue;
    for (const value of segment.split(element)) sum.add(value);
  }
  return { values: sum.values, checksum: sum.hash };
}

/** The ceiling: find every delimiter byte, build nothing. Values = separators + terminators. */
function offsetsOnly(path: string): ContenderResult {
  let element = -1;
  let terminator = -1;
  const cls = new Uint8Array(256);
  let values = 0;
  eachChunk(path, (chunk) => {
    if (element < 0) {
      element = chunk[3]!;
      terminator = chunk[105]!;
      cls[element] = 1;
      cls[terminator] = 1;
    }
    let count = 0;
    for (let i = 0; i < chunk.length; i++) if (cls[chunk[i]!] !== 0) count++;
    values += count;
  });
  return { values, checksum: null };
}

type TranslatorModule = typeof import('../../src/translation/x12-translator.js');
type Translator = InstanceType<TranslatorModule['X12Translator']>;
type TranslatedSet = import('../../src/translation/x12-translator.js').X12TranslatedSet;

let translator: Translator | undefined;

/**
 * What a running gateway does once at boot, outside the timing (as the other contenders' imports
 * are): load the translation modules (zod catalogue, partner schema) and the maps, validated at load.
 * Its duration is reported as `setupMs`.
 */
async function prepareTranslator(): Promise<void> {
  await checkJobChunk('translate-856');
  const { X12Translator } = await import('../../src/translation/x12-translator.js');
  const { X12MapRegistry } = await import('../../src/translation/x12-map-registry.js');
  const maps = new X12MapRegistry();
  for (const version of ['004010', '005010']) maps.inbound('856', version, BENCH_PARTNER);
  translator = new X12Translator(maps);
}

/**
 * Full translation of the 856 sets: grammar, HL hierarchy, map, catalogue validation, as the
 * translation job runs it: the file read and handed over 64 KiB at a time (the job reads the blob
 * store's file stream), each group's sets taken (here folded into the checksum, there stored) after
 * the chunk that settled them. The checksum covers
 * every shipped item's quantity in order, so run.ts can check it against the SN1 segments of the
 * file; `values` counts the 856 events.
 */
function translate856(path: string): ContenderResult {
  if (!translator) throw new Error('translate-856 needs prepareTranslator() first');
  const sum = new Checksum();
  let events = 0;
  const settled: (readonly TranslatedSet[])[] = [];
  const stream = translator.stream(
    { partner: BENCH_PARTNER, ...ARCHIVED, origin: ARCHIVED.interchangeId, only: (id) => id === '856' },
    {
      group: (sets) => void settled.push(sets),
      interchange: (index, voided) => {
        if (voided) throw new Error(`interchange ${index} rejected at its end`);
      },
    },
  );
  const take = (): void => {
    for (const sets of settled.splice(0))
      for (const set of sets) {
        if (!set.event)
          throw new Error(`856 ${set.controlNumber} ${set.outcome}: ${set.problems.join('; ')}`);
        events++;
        addShippedQuantities(sum, set.event.payload);
      }
  };
  eachChunk(path, (chunk) => {
    stream.write(chunk);
    take();
  });
  stream.end();
  take();
  return { values: events, checksum: sum.hash };
}

/** The same figures from the raw text: SN102 of every 856, in order (what translate-856 must find). */
export function expected856(text: string): { sets: number; checksum: number } {
  const sum = new Checksum();
  let sets = 0;
  let in856 = false;
  const element = text[3]!;
  for (let segment of text.split(text[105]!)) {
    segment = segment.replace(/^[\r\n]+/, '');
    if (segment.startsWith(`ST${element}`)) {
      in856 = segment.startsWith(`ST${element}856`);
      if (in856) sets++;
    } else if (in856 && segment.startsWith(`SN1${element}`)) sum.add(segment.split(element)[2]!);
  }
  return { sets, checksum: sum.hash };
}

const CONTENDERS: Record<string, Contender> = {
  'tokenize-all': tokenizeAll,
  validate: validateOnly,
  'x12-parser': x12Parser,
  'node-x12-parse': nodeX12Parse,
  'node-x12-stream': nodeX12Stream,
  'naive-split': naiveSplit,
  ceiling: offsetsOnly,
  'translate-856': translate856,
};

/** One-time setup a contender needs before its clock starts (see prepareTranslator). */
const PREPARE: Partial<Record<string, () => Promise<void>>> = {
  'translate-856': prepareTranslator,
};

if (process.argv[1]?.endsWith('contenders.js')) await contenderMain('contenders.js', CONTENDERS, PREPARE);
