import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMPONENT_MARK } from '../x12-shared.js';
import type { EdifactSegmentView } from '../segment.js';
import { EdifactTokenizer } from '../tokenizer.js';
import { defaultEdifactDirectories } from './directories.js';
import type { EdifactConstituent, EdifactSegmentDef } from './directory.types.js';
import {
  checkSegmentValues,
  EdifactSegmentValues,
  segmentViewIsClean,
  type EdifactElementFinding,
} from './element-checks.js';

/**
 * The byte path (`segmentViewIsClean`) may only ever say "clean" where the string path
 * (`checkSegmentValues` on the decoded values) finds nothing, so that the reader's findings are the
 * string path's whatever path a segment takes. Checked segment by segment on random and damaged
 * interchanges, at several chunkings (a segment read in place in the chunk or copied to the scratch),
 * against the segment definitions of both directories. `firstRepetitions` is checked on the same
 * segments against the flat values the reader builds from the value table.
 */

const DEFS: ReadonlyMap<string, readonly EdifactSegmentDef[]> = (() => {
  const registry = defaultEdifactDirectories();
  const byTag = new Map<string, Set<EdifactSegmentDef>>();
  for (const directory of registry.directories())
    for (const type of ['ORDERS', 'ORDCHG', 'ORDRSP', 'DESADV', 'APERAK', 'CONTRL'])
      for (const [tag, def] of registry.find(type, directory)!.segments) {
        if (!byTag.has(tag)) byTag.set(tag, new Set());
        byTag.get(tag)!.add(def);
      }
  return new Map([...byTag].map(([tag, defs]) => [tag, [...defs]]));
})();
const TAGS = [...DEFS.keys()];

interface Tally {
  segments: number;
  clean: number;
  findings: number;
  flat: number;
  /** Segments kept as their own text (`ownTexts`). */
  own: number;
}

/** The string path, as the reader runs it: values read into the table, then checked. */
function stringFindings(def: EdifactSegmentDef, view: EdifactSegmentView): EdifactElementFinding[] {
  const values = new EdifactSegmentValues();
  values.reset(view.elementCount);
  view.eachValue((value, e, c, r) => values.add(value, e, c, r));
  const out: EdifactElementFinding[] = [];
  checkSegmentValues(def, values, view.delimiters.decimalMark, out);
  return out;
}

/** What the reader keeps of a segment, built from the value table as `message-reader.ts` builds it. */
function flatFromTable(view: EdifactSegmentView): string[] {
  const values = new EdifactSegmentValues();
  values.reset(view.elementCount);
  view.eachValue((value, e, c, r) => values.add(value, e, c, r));
  const flat = [view.id];
  for (let e = 1; e <= values.count; e++) {
    const from = values.first[e]!;
    let value = values.values[from]!;
    for (let c = 1; c < values.components[e]!; c++) value = value + COMPONENT_MARK + values.values[from + c]!;
    flat.push(value);
  }
  return flat;
}

/** Reads `bytes` in chunks of `chunk`, comparing both paths on every segment with a definition. */
function compare(bytes: Uint8Array, chunk: number, tally: Tally): void {
  const tokenizer = new EdifactTokenizer({
    segment: (view) => {
      const flat = view.firstRepetitions(COMPONENT_MARK);
      expect(flat).toEqual(flatFromTable(view));
      tally.flat++;
      // A segment kept as its own text must read as the joined one does, its components split at the
      // interchange's separator; a released separator in data must send it to the joined form.
      const own = view.ownTexts();
      if (own !== undefined) {
        tally.own++;
        const split = (texts: string[], mark: string) => texts.map((t) => t.split(mark));
        expect(split(own, view.delimiters.component)).toEqual(split(flat, COMPONENT_MARK));
      }
      for (const def of DEFS.get(view.id) ?? []) {
        tally.segments++;
        const findings = stringFindings(def, view);
        tally.findings += findings.length;
        if (segmentViewIsClean(def, view)) {
          tally.clean++;
          expect(findings, `${view.id} at ${view.offset} said clean`).toEqual([]);
        }
      }
    },
    issue: () => undefined,
  });
  for (let i = 0; i < bytes.length; i += chunk) tokenizer.write(bytes.subarray(i, i + chunk));
  tokenizer.end();
}

function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Values near the edges of the checks: numbers with signs and marks, lengths around the limits,
 * digits in letters, codes in and out of list 1225, released separators, Latin-1 and UTF-8, NUL.
 */
function randomValue(rnd: () => number): string {
  const int = (n: number) => Math.floor(rnd() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  switch (int(12)) {
    case 0:
      return '';
    case 1:
      return String(int(60));
    case 2:
      return pick(['-5', '5.', '.5', '-', '1,5', '-1.25', '1.2.3', '5?:5', '12a', '0', '-0,0']);
    case 3:
      return '9'.repeat(1 + int(20));
    case 4:
      return 'X'.repeat(1 + int(40));
    case 5:
      return pick(['AB', 'ABC', 'A1', 'Z', 'ABCD', 'ON', 'SU', 'PK', 'SRV', 'SA', 'AAI', 'EN', '102']);
    case 6:
      return pick(['a?+b', '?:', '??', 'x?*y', "q?'r", 'é', 'éé', '😀', 'A\u0000', '\u0000', ' ']);
    case 7:
      return String(int(100000000)).padStart(8, '0');
    default: {
      const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 -.,/';
      let s = '';
      for (let k = 1 + int(18); k > 0; k--) s += letters[int(letters.length)]!;
      return s;
    }
  }
}

/** A segment of a known tag (sometimes an unknown one) with random elements, components, repetitions. */
function randomSegment(rnd: () => number): string {
  const int = (n: number) => Math.floor(rnd() * n);
  const tag = rnd() < 0.05 ? 'XYZ' : TAGS[int(TAGS.length)]!;
  const elements = [tag];
  for (let e = int(11); e > 0; e--) {
    const repetitions: string[] = [];
    for (let r = rnd() < 0.05 ? 2 : 1; r > 0; r--) {
      const components: string[] = [];
      for (let c = rnd() < 0.5 ? 1 : 1 + int(7); c > 0; c--) components.push(randomValue(rnd));
      repetitions.push(components.join(':'));
    }
    elements.push(repetitions.join('*'));
  }
  return elements.join('+');
}

/**
 * A value its constituent mostly accepts: right type and length, a listed code; now and then one
 * character too many or too few, a digit in letters, a number with a sign or a decimal mark.
 */
function plausibleValue(rnd: () => number, c: EdifactConstituent): string {
  const int = (n: number) => Math.floor(rnd() * n);
  const format = c.format;
  if (format === undefined) return randomValue(rnd);
  if (format.codes && rnd() < 0.9) {
    const codes = [...format.codes];
    return codes[int(codes.length)]!;
  }
  const slip = rnd() < 0.1 ? (rnd() < 0.5 ? -1 : 1) : 0;
  const length = Math.max(0, Math.min(format.max, format.min + int(Math.min(format.max, 20))) + slip);
  const alphabet = format.type === 'n' ? '0123456789' : format.type === 'a' ? 'ABCXYZ ./-' : 'AB09 ./-Z';
  let value = '';
  for (let k = 0; k < length; k++) value += alphabet[int(alphabet.length)]!;
  if (format.type === 'n' && value.length > 1 && rnd() < 0.3)
    value = rnd() < 0.5 ? `-${value}` : `${value.slice(0, 1)}${rnd() < 0.5 ? '.' : ','}${value.slice(1)}`;
  if (format.type === 'a' && rnd() < 0.05) value += '7';
  return value;
}

/** A segment built from its definition: mostly clean, with the usual gaps and a few faults. */
function plausibleSegment(rnd: () => number): string {
  const int = (n: number) => Math.floor(rnd() * n);
  const tag = TAGS[int(TAGS.length)]!;
  const def = DEFS.get(tag)![0]!;
  const elements = [tag];
  const sent = rnd() < 0.2 ? int(def.elements.length + 2) : def.elements.length;
  for (let e = 0; e < sent; e++) {
    const c = def.elements[e];
    if (c === undefined || (!c.mandatory && rnd() < 0.4)) {
      elements.push(rnd() < 0.9 ? '' : ':');
      continue;
    }
    if (c.components === undefined) {
      elements.push(plausibleValue(rnd, c));
      continue;
    }
    const components = c.components.map((k) => (!k.mandatory && rnd() < 0.4 ? '' : plausibleValue(rnd, k)));
    // Trailing empty components are usually left out, as partners send them.
    while (components.length > 1 && components.at(-1) === '' && rnd() < 0.8) components.pop();
    elements.push(components.join(':'));
  }
  while (elements.length > 1 && elements.at(-1) === '' && rnd() < 0.8) elements.pop();
  return elements.join('+');
}

function randomInterchange(rnd: () => number, charset: string): Buffer {
  const body: string[] = [];
  for (let k = 0; k < 40; k++) body.push(rnd() < 0.6 ? plausibleSegment(rnd) : randomSegment(rnd));
  const segments = [
    `UNB+${charset}:4+SENDER:14+GATEWAY:14+250304:1412+IC1`,
    'UNH+1+ORDERS:D:96A:UN',
    ...body,
    `UNT+${body.length + 2}+1`,
    'UNZ+1+IC1',
  ];
  // Line wraps between segments and, now and then, inside one (dropped by the tokenizer).
  const text = `UNA:+.?*'${segments.join("'\n")}'`.replace(/X{7}/g, (x) => (rnd() < 0.3 ? `${x}\r\n` : x));
  return Buffer.from(text, charset === 'UNOC' ? 'latin1' : 'utf8');
}

describe('EDIFACT segment checks on bytes against the string path', () => {
  it('never calls a segment clean that the string path finds fault with (random segments)', () => {
    const rnd = mulberry32(96);
    const tally: Tally = { segments: 0, clean: 0, findings: 0, flat: 0, own: 0 };
    for (let run = 0; run < 150; run++) {
      const bytes = randomInterchange(rnd, run % 3 === 0 ? 'UNOC' : run % 3 === 1 ? 'UNOY' : 'UNOA');
      compare(bytes, [bytes.length, 64, 7, 1][run % 4]!, tally);
    }
    // Both outcomes are common: the byte path is exercised, and so are the findings it hands over.
    expect(tally.clean).toBeGreaterThan(tally.segments / 4);
    expect(tally.clean).toBeLessThan(tally.segments);
    expect(tally.findings).toBeGreaterThan(1000);
  });

  it('agrees on the translation fixtures, whole and damaged', () => {
    const dir = join(import.meta.dirname, '..', '..', '..', 'translation', 'fixtures', 'edifact');
    const seeds = readdirSync(dir)
      .filter((f) => f.endsWith('.edi'))
      .map((f) => readFileSync(join(dir, f)));
    const rnd = mulberry32(13);
    const int = (n: number) => Math.floor(rnd() * n);
    const alphabet = Buffer.from("+:'?*0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ.,- \n\u00e9");
    const tally: Tally = { segments: 0, clean: 0, findings: 0, flat: 0, own: 0 };
    for (const seed of seeds) compare(seed, seed.length, tally);
    // Every segment of the valid fixtures is proved clean on bytes, and most are kept as their text.
    expect(tally.clean).toBeGreaterThan(0);
    expect(tally.own).toBeGreaterThan(tally.flat / 2);
    for (let run = 0; run < 600; run++) {
      let data = Buffer.from(seeds[run % seeds.length]!);
      for (let k = 1 + int(6); k > 0; k--) {
        const at = int(data.length);
        const kind = int(3);
        if (kind === 0) data[at] = alphabet[int(alphabet.length)]!;
        else if (kind === 1) data = Buffer.concat([data.subarray(0, at), data.subarray(at + 1 + int(8))]);
        else
          data = Buffer.concat([
            data.subarray(0, at),
            alphabet.subarray(int(alphabet.length)),
            data.subarray(at),
          ]);
      }
      compare(data, [data.length, 50, 3][run % 3]!, tally);
    }
    expect(tally.findings).toBeGreaterThan(100);
  });

  it('leaves to the string path what bytes cannot tell: long codes, characters beyond ASCII', () => {
    // Definitions the directories do not have (yet): a long coded element, exact lengths.
    const format = (type: 'a' | 'n' | 'an', min: number, max: number, codes?: string[]) => ({
      ref: '9999',
      type,
      min,
      max,
      codes: codes && new Set(codes),
      decimal: type === 'n',
    });
    const simple = (f: ReturnType<typeof format>): EdifactConstituent => ({
      ref: '9999',
      mandatory: false,
      format: f,
      components: undefined,
    });
    const def: EdifactSegmentDef = {
      tag: 'TST',
      elements: [
        simple(format('an', 1, 10, ['ABCD', '1', 'é'])),
        simple(format('an', 3, 3)),
        simple(format('a', 2, 2)),
      ],
    };
    const verdicts: string[] = [];
    for (const [charset, encoding] of [
      ['UNOC', 'latin1'],
      ['UNOY', 'utf8'],
    ] as const) {
      const cases = ['ABCD', 'ABCE', '1', '1?\u0000', '\u0000', 'é', '+ABC', '+éA', '+éé', '++éé', '++AB'];
      const text = `UNB+${charset}:4+S+R+250304:1412+1'${cases.map((c) => `TST+${c}'`).join('')}UNZ+0+1'`;
      const tokenizer = new EdifactTokenizer({
        segment: (view) => {
          if (view.id !== 'TST') return;
          const findings = stringFindings(def, view);
          const proved = segmentViewIsClean(def, view);
          if (proved) expect(findings, view.toSegment().elements.join('+')).toEqual([]);
          verdicts.push(`${charset} ${proved ? 'clean' : findings.length > 0 ? 'found' : 'string'}`);
        },
        issue: () => undefined,
      });
      tokenizer.write(Buffer.from(text, encoding));
      tokenizer.end();
    }
    // A code longer than three characters, and any value beyond ASCII, take the string path.
    const expected = [
      'string',
      'found',
      'clean',
      'found',
      'found',
      'string',
      'clean',
      'found',
      'found',
      'string',
      'clean',
    ];
    expect(verdicts).toEqual([...expected.map((v) => `UNOC ${v}`), ...expected.map((v) => `UNOY ${v}`)]);
  });

  it('reads the edges the string path decides: mandatory, empty composites, counts, numbers, codes', () => {
    const cases = [
      'BGM+220+PO1+9',
      'BGM+220+PO1+58',
      'BGM+220+PO1+59',
      'BGM+220+PO1+09',
      'BGM+220+PO1+1234',
      'BGM+:::+PO1',
      'BGM+220:1:2:3:4',
      'BGM+220+PO1+9+AB+X',
      'DTM',
      'DTM+',
      'DTM+:',
      'DTM+:20250304',
      'DTM+137:20250304:102:X',
      'DTM+137*138',
      'NAD+SU+123::9++NAME',
      'NAD+SU++:X',
      'NAD+',
      'QTY+21:5',
      'QTY+21:-5,5:PCE',
      'QTY+21:123456789012345',
      'QTY+21:1234567890123456',
      'QTY+21:-123456789012345.0',
      'QTY+21:5,',
      'QTY+21:,5',
      'UNS+S',
      'UNS+1',
      'UNS+SS',
      'CPS+1',
      'LIN+1++4636053787544:SRV',
      'LIN+1+++:',
      'PIA+1+ABC:SA',
      'PIA+1',
    ];
    const text = `UNA:+.?*'UNB+UNOC:4+S+R+250304:1412+1'${cases.map((c) => `${c}'`).join('')}UNZ+0+1'`;
    const clean: string[] = [];
    const tokenizer = new EdifactTokenizer({
      segment: (view) => {
        for (const def of DEFS.get(view.id) ?? []) {
          const findings = stringFindings(def, view);
          const proved = segmentViewIsClean(def, view);
          if (proved) expect(findings).toEqual([]);
          if (proved && !clean.includes(view.toSegment().elements.flat(2).join('|')))
            clean.push(view.toSegment().elements.flat(2).join('|'));
        }
      },
      issue: () => undefined,
    });
    tokenizer.write(Buffer.from(text, 'latin1'));
    tokenizer.end();
    // The usual shapes are proved clean on bytes (a conditional composite left empty included).
    expect(clean).toEqual(
      expect.arrayContaining([
        'BGM|220|PO1|9',
        'BGM|220|PO1|58',
        'NAD|SU|123||9||NAME',
        'QTY|21|5',
        'QTY|21|-5,5|PCE',
        'QTY|21|123456789012345',
        'UNS|S',
        'CPS|1',
        'LIN|1||4636053787544|SRV',
        'PIA|1|ABC|SA',
      ]),
    );
  });
});
