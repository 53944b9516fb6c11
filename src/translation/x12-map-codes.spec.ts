import { describe, expect, it } from 'vitest';
import type { X12ElementDef, X12SetGrammar } from '../edi/x12/grammar/grammar.types.js';
import type {
  X12CollectionRule,
  X12ElementTemplate,
  X12Map,
  X12OutboundNode,
  X12Selector,
  X12ValueRule,
} from '../edi/x12/maps/index.js';
import { ID_PAIR_START } from '../edi/x12/maps/selector.js';
import { X12MapRegistry } from './x12-map-registry.js';

/**
 * Every code our own X12 maps read (selector conditions, `codes` tables, HL levels, id qualifiers)
 * or write (literals, qualifier pairs, outbound code tables, HL levels) is in the grammar's code list
 * of its element. A code missing from a `common` list gives every document we read or write with it
 * an operator warning; from a `complete` list, a rejection.
 */

/** An element position: `REF` 1, or `CTP` 5 component 1. */
interface Place {
  readonly segment: string;
  readonly position: number;
  readonly component?: number | undefined;
}

/**
 * One code a map uses, and where. A `codes` table read from several selectors (`ACK01` or `POC02`)
 * names every place; the code belongs to the list of one of them.
 */
interface CodeUse {
  readonly code: string;
  readonly places: readonly Place[];
}

const at = (segment: string, position: number, component?: number): Place => ({
  segment,
  position,
  component,
});

/** The place a selector reads its value from. */
function valuePlace(s: Extract<X12Selector, { kind: 'segment' }>): Place {
  const id = s.segment.segmentId;
  return typeof s.element === 'number' ? at(id, s.element, s.component) : at(id, ID_PAIR_START[id]!);
}

/** Codes a selector names: its conditions (`REF[01=PP]`) and id qualifiers (`PO1.id(BP)`). */
function selectorUses(s: X12Selector): CodeUse[] {
  if (s.kind !== 'segment') return [];
  const conditions = [...s.loops, s.segment].flatMap((step) =>
    step.conditions.flatMap((c) =>
      c.values.map((code) => ({ code, places: [at(step.segmentId, c.position, c.component)] })),
    ),
  );
  const qualifiers =
    typeof s.element === 'number'
      ? []
      : s.element.qualifiers.filter((q) => q !== '*').map((code) => ({ code, places: [valuePlace(s)] }));
  return [...conditions, ...qualifiers];
}

function ruleUses(rule: X12ValueRule): CodeUse[] {
  if (rule.alternatives) return rule.alternatives.flatMap(ruleUses);
  const read = rule.at.flatMap((s) => (s.kind === 'segment' ? [valuePlace(s)] : []));
  const tableKeys = [...(rule.codes?.keys() ?? [])].map((code) => ({ code, places: read }));
  const selectors = [...rule.at, ...rule.time, ...(rule.condition ? [rule.condition] : [])];
  return [...tableKeys, ...selectors.flatMap(selectorUses)];
}

function collectionUses(c: X12CollectionRule): CodeUse[] {
  return [
    ...(c.levels ?? []).map((code) => ({ code, places: [at('HL', 3)] })),
    ...c.fields.flatMap(ruleUses),
    ...c.collections.flatMap(collectionUses),
  ];
}

type CodeTables = ReadonlyMap<string, ReadonlyMap<string, string>>;

/** The codes one outbound element writes at its position (a pair writes a qualifier, then a value). */
function templateUses(t: X12ElementTemplate, place: Place, tables: CodeTables): CodeUse[] {
  if (t.kind === 'literal') return t.value === '' ? [] : [{ code: t.value, places: [place] }];
  if (t.kind === 'composite')
    return t.components.flatMap((c, k) => templateUses(c, at(place.segment, place.position, k + 1), tables));
  const valuePlace = t.kind === 'pair' ? at(place.segment, place.position + 1) : place;
  const written = t.filters.flatMap((f) =>
    typeof f === 'object' && 'code' in f ? [...new Set(tables.get(f.code)!.values())] : [],
  );
  return [
    ...(t.kind === 'pair' ? [{ code: t.qualifier, places: [place] }] : []),
    ...written.map((code) => ({ code, places: [valuePlace] })),
  ];
}

function nodeUses(n: X12OutboundNode, tables: CodeTables): CodeUse[] {
  if (n.kind === 'group')
    return [
      ...(n.hl === undefined ? [] : [{ code: n.hl, places: [at('HL', 3)] }]),
      ...n.body.flatMap((b) => nodeUses(b, tables)),
    ];
  let position = 1;
  return n.elements.flatMap((t) => {
    const uses = templateUses(t, at(n.id, position), tables);
    position += t.kind === 'pair' ? 2 : 1;
    return uses;
  });
}

function mapUses(map: X12Map): CodeUse[] {
  return map.direction === 'inbound'
    ? [...map.fields.flatMap(ruleUses), ...map.collections.flatMap(collectionUses)]
    : map.body.flatMap((n) => nodeUses(n, map.codes));
}

function elementAt(grammar: X12SetGrammar, place: Place): X12ElementDef | undefined {
  const element = grammar.dictionary.get(place.segment)?.elements[place.position - 1];
  return place.component === undefined ? element : element?.components?.[place.component - 1];
}

const placeName = (p: Place): string =>
  `${p.segment}${String(p.position).padStart(2, '0')}${p.component === undefined ? '' : `-${p.component}`}`;

const registry = new X12MapRegistry();
const maps: X12Map[] = registry.keys().map((key) => {
  const [version, file] = key.split('/') as [string, string];
  const [set, direction] = file.split('.') as [string, string];
  return direction === 'inbound' ? registry.inbound(set, version)! : registry.outbound(set, version)!;
});
const uses = maps.flatMap((map) =>
  mapUses(map).map((use) => ({
    name: `${map.name} ${use.places.map(placeName).join('|')} ${use.code}`,
    code: use.code,
    elements: use.places.map((p) => elementAt(map.grammar, p)),
  })),
);

describe('the codes our X12 maps read and write', () => {
  it('are found by the walk: conditions, code tables, literals, pairs, HL levels', () => {
    const seen = new Set(uses.map((u) => u.name));
    for (const expected of [
      '004010/855.inbound REF01 PP',
      '005010/855.inbound DTM01 097',
      '004010/855.inbound BAK02 RJ',
      '004010/865.inbound ACK01|POC02 DI',
      '004010/855.inbound PO106 BP',
      '004010/856.inbound HL03 I',
      '004010/850.outbound PER03 EM',
      '004010/850.outbound DTM01 097',
      '004010/855.outbound ACK01 IR',
      '004010/856.outbound HL03 S',
    ])
      expect(seen).toContain(expected);
    expect(maps.map((m) => m.name)).toHaveLength(18);
    for (const u of uses) for (const e of u.elements) expect(e, u.name).toBeDefined();
  });

  it('are in the grammar code list of their element, in both versions', () => {
    // An element without a code list (PER03, PO106 …) accepts any code the map names.
    const accepted = (e: X12ElementDef | undefined, code: string) => !e?.codes || e.codes.codes.has(code);
    const missing = uses
      .filter((u) => !u.elements.some((e) => accepted(e, u.code)))
      .map((u) => `${u.name} (DE ${u.elements.map((e) => e!.ref).join('|')})`);
    expect([...new Set(missing)]).toEqual([]);
  });
});
