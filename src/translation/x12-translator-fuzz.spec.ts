import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { shipNotice } from '../../test/support/x12-ship-notices.js';
import { mutate, mutation } from '../edi/x12/fixtures/generators.js';
import type { X12ValidationResult } from '../edi/x12/index.js';
import { loadPartnerProfiles } from '../partners/partner-loader.js';
import { X12MapRegistry } from './x12-map-registry.js';
import {
  X12Translator,
  type X12StreamInput,
  type X12TranslatedSet,
  type X12Translation,
  type X12TranslationInput,
} from './x12-translator.js';

/**
 * Damaged files of several interchanges and groups of our own 850/855/856/860/865 sets through the
 * X12 translation, whole and as a stream: envelope segments dropped, doubled and cut, wrong counts
 * and control numbers, junk bytes, files cut short, versions mixed. Whatever the damage, every set
 * the envelope found is reported once, nothing rejected becomes an event, the stream (any chunking,
 * a reused buffer) settles to the whole-input result, and a second translation is the same.
 */
const RUNS = 200;
const FIXTURES = join(import.meta.dirname, 'fixtures', 'x12');
const acme = loadPartnerProfiles(join(import.meta.dirname, '..', '..', 'partners')).profiles.find(
  (p) => p.id === 'acme-fasteners',
)!;
const RECEIVED = new Date('2025-03-19T20:21:05Z');
const translator = new X12Translator(new X12MapRegistry());
// A second translator with its own registry: nothing a first translation caches changes the next.
const again = new X12Translator(new X12MapRegistry());

const KINDS = ['850', '855', '856', '860', '865'] as const;
type Kind = (typeof KINDS)[number];
const FUNCTIONAL_ID: Readonly<Record<Kind, string>> = {
  850: 'PO',
  855: 'PR',
  856: 'SH',
  860: 'PC',
  865: 'CA',
};
const ENVELOPE = new Set(['ISA', 'IEA', 'GS', 'GE', 'ST', 'SE']);

/** The body (ST and SE left out) of each fixture's one set, by `<set>-<GS08>`. */
const BODIES = new Map(
  readdirSync(FIXTURES)
    .filter((f) => f.endsWith('.edi'))
    .map((f) => {
      const segments = readFileSync(join(FIXTURES, f), 'latin1')
        .split('~')
        .map((s) => s.trim());
      const body = segments.slice(
        segments.findIndex((s) => s.startsWith('ST*')) + 1,
        segments.findIndex((s) => s.startsWith('SE*')),
      );
      return [f.replace(/\.edi$/, ''), body] as const;
    }),
);

/** One set's segments; 856s of 004010 come from the ship-notice builder (a shipment id per ST02). */
function setSegments(kind: Kind, version: string, st02: string): string[] {
  if (kind === '856' && version.startsWith('004010')) return shipNotice(st02).split('~\n').slice(0, -1);
  const body = BODIES.get(`${kind}-${version.startsWith('005010') ? '005010' : '004010'}`)!;
  return [`ST*${kind}*${st02}`, ...body, `SE*${body.length + 2}*${st02}`];
}

const kind = fc.constantFrom(...KINDS);
/** Mostly the group's own kind or version; now and then another (a set in the wrong group or version). */
const mostlyNot = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> =>
  fc.oneof({ arbitrary: fc.constant(undefined), weight: 6 }, { arbitrary: arb, weight: 1 });
const groupSpec = fc.record({
  kind,
  // GS08 with an industry identifier reads as its version; 003040 has no grammar (AK502 1).
  version: fc.oneof(
    { arbitrary: fc.constantFrom('004010', '005010', '004010VICS'), weight: 8 },
    { arbitrary: fc.constant('003040'), weight: 1 },
  ),
  sets: fc.array(
    fc.record({ kind: mostlyNot(kind), version: mostlyNot(fc.constantFrom('004010', '005010')) }),
    { minLength: 1, maxLength: 3 },
  ),
});
/** Element and component separators of an interchange (ISA04 and ISA16); none occurs in our values. */
const DELIMITERS = [
  { element: '*', component: '>' },
  { element: '|', component: ':' },
  { element: '\x1d', component: '\x1f' },
] as const;
const fileSpec = fc.record({
  firstIsa13: fc.integer({ min: 1, max: 999_999_000 }),
  interchanges: fc.array(
    fc.record({
      version: fc.constantFrom('00401', '00501'),
      delimiters: fc.constantFrom(...DELIMITERS),
      groups: fc.array(groupSpec, { minLength: 1, maxLength: 2 }),
    }),
    { minLength: 1, maxLength: 3 },
  ),
  // "…" is three bytes in UTF-8 (the interchange is then read as UTF-8), here as the Latin-1 of them.
  terminator: fc.constantFrom('~\n', '~', '~\r\n', '\n', '\xe2\x80\xa6'),
});
type FileSpec = typeof fileSpec extends fc.Arbitrary<infer T> ? T : never;

/** A file as its segments (no terminators): interchanges of groups of sets, all counts right. */
function segmentsOf(spec: FileSpec): string[] {
  const out: string[] = [];
  spec.interchanges.forEach((ic, i) => {
    const isa13 = String(spec.firstIsa13 + i).padStart(9, '0');
    const isa11 = ic.version === '00401' ? 'U' : '^';
    out.push(
      `ISA*00*          *00*          *ZZ*ACMEFAST       *ZZ*BUYERCO        *250319*2021*${isa11}*${ic.version}*${isa13}*0*T*>`,
    );
    ic.groups.forEach((group, g) => {
      out.push(`GS*${FUNCTIONAL_ID[group.kind]}*ACMEFAST*BUYERCO*20250319*2021*${g + 1}*X*${group.version}`);
      group.sets.forEach((set, s) => {
        const st02 = `${i}${g}${String(s + 1).padStart(3, '0')}`;
        out.push(...setSegments(set.kind ?? group.kind, set.version ?? group.version, st02));
      });
      out.push(`GE*${group.sets.length}*${g + 1}`);
    });
    out.push(`IEA*${ic.groups.length}*${isa13}`);
  });
  return out;
}

/** Damage to the segment list: most of it aimed at the envelope (ISA, IEA, GS, GE, ST, SE). */
type SegmentDamage = {
  readonly op: 'drop' | 'duplicate' | 'truncate' | 'count' | 'control' | 'swap';
  readonly envelope: boolean;
  readonly at: number;
  readonly value: number;
};
const segmentDamage: fc.Arbitrary<SegmentDamage> = fc.record({
  op: fc.constantFrom('drop', 'duplicate', 'truncate', 'count', 'control', 'swap'),
  envelope: fc.boolean(),
  at: fc.nat(),
  value: fc.nat({ max: 999_999_999 }),
});

/** The element of each envelope segment that holds its count, and the one that holds its control number. */
const COUNT_AT: Readonly<Record<string, number>> = { SE: 1, GE: 1, IEA: 1 };
const CONTROL_AT: Readonly<Record<string, number>> = { ISA: 13, IEA: 2, GS: 6, GE: 2, ST: 2, SE: 2 };

function damage(segments: string[], damages: readonly SegmentDamage[]): string[] {
  const out = [...segments];
  for (const d of damages) {
    if (out.length === 0) break;
    const envelope = out.flatMap((s, k) => (ENVELOPE.has(s.split('*')[0]!) ? [k] : []));
    const at = d.envelope && envelope.length > 0 ? envelope[d.at % envelope.length]! : d.at % out.length;
    const segment = out[at]!;
    const elements = segment.split('*');
    const id = elements[0]!;
    switch (d.op) {
      case 'drop':
        out.splice(at, 1);
        break;
      case 'duplicate':
        out.splice(at, 0, segment);
        break;
      case 'truncate':
        out[at] = segment.slice(0, d.value % Math.max(1, segment.length));
        break;
      case 'count':
      case 'control': {
        const k =
          (d.op === 'count' ? COUNT_AT : CONTROL_AT)[id] ?? 1 + (d.value % Math.max(1, elements.length - 1));
        // ISA13 keeps its fixed width, so that the ISA is still read; the others take any number.
        elements[k] =
          id === 'ISA' ? String(d.value % 1e9).padStart(9, '0') : String(d.value % 10 ** (1 + (d.value % 4)));
        out[at] = elements.join('*');
        break;
      }
      case 'swap':
        if (at + 1 < out.length) [out[at], out[at + 1]] = [out[at + 1]!, segment];
        break;
    }
  }
  return out;
}

/** The segments as text, each with the delimiters of its interchange (the n-th ISA's are the n-th spec's). */
function serialize(spec: FileSpec, segments: readonly string[]): string {
  let delimiters: (typeof DELIMITERS)[number] = DELIMITERS[0];
  let isa = 0;
  let text = '';
  for (const segment of segments) {
    let written = segment;
    if (segment.startsWith('ISA')) {
      delimiters = spec.interchanges[isa++ % spec.interchanges.length]!.delimiters;
      written = segment.replace(/>$/, delimiters.component);
    }
    text += written.replaceAll('*', delimiters.element) + spec.terminator;
  }
  return text;
}

const damagedFile = fc
  .record({
    spec: fileSpec,
    segments: fc.array(segmentDamage, { maxLength: 4 }),
    bytes: fc.array(mutation, { maxLength: 2 }),
  })
  .map(({ spec, segments, bytes }) => {
    // Latin-1 text, one char per byte: a counterexample reads as X12.
    const text = serialize(spec, damage(segmentsOf(spec), segments));
    return Buffer.from(mutate(Buffer.from(text, 'latin1'), bytes)).toString('latin1');
  });

const inputOptions = fc.record({
  only: fc.constantFrom(undefined, '856', 'not 850'),
  archived: fc.boolean(),
  receiverChecked: fc.boolean(),
});
type InputOptions = typeof inputOptions extends fc.Arbitrary<infer T> ? T : never;

function inputOf(bytes: Uint8Array, o: InputOptions): X12TranslationInput {
  return {
    bytes,
    partner: acme,
    channel: 'sftp',
    receivedAt: RECEIVED,
    ...(o.archived ? { interchangeId: '4711' } : {}),
    ...(o.only === '856' ? { only: (id: string) => id === '856' } : {}),
    ...(o.only === 'not 850' ? { only: (id: string) => id !== '850' } : {}),
    ...(o.receiverChecked ? { isApplicationReceiver: (code: string) => code === 'BUYERCO' } : {}),
  };
}

/** Chunk sizes from 1 byte to 100 KB, used in turn; with `reuse`, one buffer refilled for every write. */
const chunking = fc.record({
  sizes: fc.array(
    fc.oneof(
      fc.integer({ min: 1, max: 16 }),
      fc.integer({ min: 1, max: 4096 }),
      fc.integer({ min: 1, max: 100_000 }),
    ),
    { minLength: 1, maxLength: 6 },
  ),
  reuse: fc.boolean(),
});
type Chunking = typeof chunking extends fc.Arbitrary<infer T> ? T : never;
const SHARED = Buffer.alloc(100_000);

const keyOf = (s: {
  interchangeIndex: number;
  interchangeControlNumber: string;
  groupControlNumber: string;
  setId: string;
  controlNumber: string;
  version: string;
}): string =>
  JSON.stringify([
    s.interchangeIndex,
    s.interchangeControlNumber,
    s.groupControlNumber,
    s.setId,
    s.controlNumber,
    s.version,
  ]);

/** Per set identity: how many sets carry it, and how many of them must be `rejected`. */
function tally(entries: readonly { key: string; rejected: boolean }[]): Map<string, [number, number]> {
  const out = new Map<string, [number, number]>();
  for (const { key, rejected } of entries) {
    const t = out.get(key) ?? [0, 0];
    t[0]++;
    if (rejected) t[1]++;
    out.set(key, t);
  }
  return out;
}

function checkWhole(input: X12TranslationInput, whole: X12Translation): void {
  const wanted = input.only ?? (() => true);
  const found = whole.validation.interchanges.flatMap((ic, interchangeIndex) =>
    ic.groups.flatMap((group) =>
      group.sets
        .filter((set) => wanted(set.id))
        .map((set) => ({
          key: keyOf({
            interchangeIndex,
            interchangeControlNumber: ic.controlNumber,
            groupControlNumber: group.controlNumber,
            setId: set.id,
            controlNumber: set.controlNumber,
            version: group.version,
          }),
          rejected: set.status === 'rejected' || group.status === 'rejected' || ic.status === 'rejected',
        })),
    ),
  );
  // Every set the envelope found, once, with its numbers; rejected exactly where it or its envelope is.
  expect(tally(whole.sets.map((s) => ({ key: keyOf(s), rejected: s.outcome === 'rejected' })))).toEqual(
    tally(found),
  );
  for (const s of whole.sets) expect(s.event !== undefined, keyOf(s)).toBe(s.outcome === 'translated');
  expect(whole.events).toEqual(whole.sets.flatMap((s) => (s.event ? [s.event] : [])));
}

/** The stream's sets, voided interchanges applied, after checking the order of the listener's calls. */
function streamed(
  input: X12TranslationInput,
  bytes: Uint8Array,
  chunks: Chunking,
): { sets: X12TranslatedSet[]; validation: X12ValidationResult; voided: number } {
  const origin = input.interchangeId ?? createHash('sha256').update(bytes).digest('hex');
  const { bytes: _bytes, ...rest } = input;
  const sets: X12TranslatedSet[] = [];
  let ended = 0;
  let interchangeStart = 0;
  let voidedSets = 0;
  const stream = translator.stream({ ...rest, origin } satisfies X12StreamInput, {
    group: (groupSets, index) => {
      expect(groupSets.length).toBeGreaterThan(0);
      for (const s of groupSets) expect(s.interchangeIndex).toBe(index);
      // Every group is handed over before its interchange's end.
      expect(index, `group of interchange ${index} after ${ended} ended`).toBe(ended);
      sets.push(...groupSets);
    },
    interchange: (index, voided) => {
      expect(index).toBe(ended);
      ended++;
      if (voided) {
        expect(voided.map(keyOf)).toEqual(sets.slice(interchangeStart).map(keyOf));
        for (const s of voided) expect([s.outcome, s.event]).toEqual(['rejected', undefined]);
        sets.splice(interchangeStart, sets.length - interchangeStart, ...voided);
        voidedSets += voided.length;
      }
      interchangeStart = sets.length;
    },
  });
  for (let at = 0, k = 0; at < bytes.length; k++) {
    const size = chunks.sizes[k % chunks.sizes.length]!;
    const chunk = bytes.subarray(at, at + size);
    if (chunks.reuse) {
      SHARED.set(chunk);
      stream.write(SHARED.subarray(0, chunk.length));
      // Whatever the stream kept of the chunk now reads as "III…", which is no X12 it sent.
      SHARED.fill('I', 0, chunk.length);
    } else stream.write(chunk);
    at += size;
  }
  const validation = stream.end();
  expect(ended).toBe(validation.interchanges.length);
  return { sets, validation, voided: voidedSets };
}

describe('X12 translation fuzzing', () => {
  it(`keeps its promises on ${RUNS} damaged multi-interchange files, whole and streamed`, () => {
    let events = 0;
    let rejected = 0;
    let voided = 0;
    const started = performance.now();
    fc.assert(
      fc.property(damagedFile, inputOptions, chunking, (text, options, chunks) => {
        const bytes = Buffer.from(text, 'latin1');
        const input = inputOf(bytes, options);
        const whole = translator.translate(input);
        checkWhole(input, whole);
        events += whole.events.length;
        rejected += whole.sets.filter((s) => s.outcome === 'rejected').length;

        const stream = streamed(input, bytes, chunks);
        voided += stream.voided;
        expect(stream.sets).toStrictEqual(whole.sets);
        const { work: _w1, ...streamValidation } = stream.validation;
        const { work: _w2, ...wholeValidation } = whole.validation;
        expect(streamValidation).toStrictEqual(wholeValidation);

        expect(again.translate(input)).toStrictEqual(whole);
      }),
      // Shrinking left on: a failure is reported as a short file, not as the one first generated.
      { numRuns: RUNS, seed: 8_0856 },
    );
    // The damage leaves enough whole to translate, and enough broken to reject and to void.
    expect(events).toBeGreaterThan(RUNS / 2);
    expect(rejected).toBeGreaterThan(RUNS);
    expect(voided).toBeGreaterThan(RUNS / 4);
    console.info(
      `x12 translation fuzz: ${RUNS} files, ${events} events, ${rejected} rejected sets (${voided} voided) ` +
        `in ${Math.round(performance.now() - started)} ms`,
    );
  }, 60_000);
});
