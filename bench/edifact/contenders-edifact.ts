import { createReadStream, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { EdifactReader } from '../../src/edi/edifact/index.js';
import {
  addShippedQuantities,
  ARCHIVED,
  BENCH_PARTNER,
  CHUNK,
  checkJobChunk,
  Checksum,
  contenderMain,
  eachChunk,
  findingsDigest,
  type Contender,
  type ContenderResult,
} from '../shared/contender.js';

/**
 * One EDIFACT contender per process (bench/edifact/run.ts spawns this file), so that peak RSS is its
 * own. Every contender hands every value (segment tag first, then every component) to the shared
 * `Checksum` as a JS string. The UNA is configuration, not a segment, for the peers: it is not counted.
 *
 *   node dist-bench/bench/edifact/contenders-edifact.js <contender> <file>
 */

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
  return { values: sum.values, checksum: sum.hash, issues: findingsDigest(result.issues) };
}

function validateOnly(path: string): ContenderResult {
  const reader = new EdifactReader();
  eachChunk(path, (chunk) => reader.write(chunk));
  const result = reader.end();
  return { values: 0, checksum: null, issues: findingsDigest(result.issues) };
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

type TranslatorModule = typeof import('../../src/translation/edifact-translator.js');
type Translator = InstanceType<TranslatorModule['EdifactTranslator']>;
type TranslatedMessage = import('../../src/translation/edifact-translator.js').EdifactTranslatedMessage;

let translator: Translator | undefined;

/**
 * What a running gateway does once at boot, outside the timing (as the other contenders' imports
 * are, and as bench:x12 prepares translate-856): load the translation modules, compile the
 * directories and load the DESADV maps. Its duration is reported as `setupMs`.
 */
async function prepareTranslator(): Promise<void> {
  await checkJobChunk('translate-desadv');
  const { EdifactTranslator } = await import('../../src/translation/edifact-translator.js');
  const { EdifactMapRegistry } = await import('../../src/translation/edifact-map-registry.js');
  const maps = new EdifactMapRegistry();
  for (const directory of ['D96A', 'D01B']) maps.inbound('DESADV', directory, BENCH_PARTNER);
  translator = new EdifactTranslator(maps);
}

/**
 * Full translation of the DESADV messages to ship-notice events: directory check, map, catalogue
 * validation, as the translation job runs it: the file read and handed over 64 KiB at a time (the
 * job reads the blob store's file stream), the messages settled taken (here folded into the
 * checksum, there stored) after each read. The checksum covers every despatched item's quantity in
 * order, so run.ts can check it against the QTY+12 segments of the file; `values` counts the events.
 */
function translateDesadv(path: string): ContenderResult {
  if (!translator) throw new Error('translate-desadv needs prepareTranslator() first');
  const sum = new Checksum();
  let events = 0;
  const settled: (readonly TranslatedMessage[])[] = [];
  const stream = translator.stream(
    {
      partner: BENCH_PARTNER,
      ...ARCHIVED,
      origin: ARCHIVED.interchangeId,
      only: (type) => type === 'DESADV',
    },
    {
      messages: (messages) => void settled.push(messages),
      interchange: (index, voided) => {
        if (voided) throw new Error(`interchange ${index} rejected at its end`);
      },
    },
  );
  const take = (): void => {
    for (const messages of settled.splice(0))
      for (const m of messages) {
        if (!m.event) throw new Error(`DESADV ${m.reference} ${m.outcome}: ${m.problems.join('; ')}`);
        events++;
        addShippedQuantities(sum, m.event.payload);
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

const CONTENDERS: Record<string, Contender> = {
  'tokenize-all': tokenizeAll,
  validate: validateOnly,
  'edifact-stream': edifactStream,
  'edifact-reader': edifactReader,
  'naive-split': naiveSplit,
  ceiling: offsetsOnly,
  'translate-desadv': translateDesadv,
};

if (process.argv[1]?.endsWith('contenders-edifact.js'))
  await contenderMain('contenders-edifact.js', CONTENDERS, { 'translate-desadv': prepareTranslator });
