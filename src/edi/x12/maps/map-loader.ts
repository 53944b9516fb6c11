import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import type { X12GrammarRegistry } from '../grammar/grammar-registry.js';
import type { X12SetGrammar } from '../grammar/grammar.types.js';
import {
  collectionSource,
  mapSource,
  valueSpecSource,
  type X12CollectionSource,
  type X12InboundMapSource,
  type X12MapOverride,
  type X12MapSource,
  type X12OutboundMapSource,
  type X12OutboundNodeSource,
  type X12ValueSpecSource,
} from './map-schema.js';
import type {
  X12CollectionRule,
  X12ElementTemplate,
  X12Filter,
  X12InboundMap,
  X12Map,
  X12OutboundMap,
  X12OutboundCondition,
  X12OutboundNode,
  X12PathRef,
  X12ValueRule,
} from './map.types.js';
import { parseSelector, selectorSegmentIds, X12SelectorError, type X12Selector } from './selector.js';

/** Every problem of a map file, found before any document is translated with it. */
export class X12MapError extends Error {
  constructor(
    readonly file: string,
    readonly problems: readonly string[],
  ) {
    super(`${file}: ${problems.length} problem(s): ${problems.join('; ')}`);
    this.name = 'X12MapError';
  }
}

export interface X12MapLoadContext {
  /** Finds the grammar of a set (X12) or message (EDIFACT: `find('ORDERS', 'D96A')`). */
  readonly grammars: Pick<X12GrammarRegistry, 'find'>;
  /**
   * Whether `path` is a field of the event (`payload.lines.quantity.value`, arrays stepped through);
   * returns a problem text or undefined. Supplied by the caller that knows the event catalogue
   * (src/edi knows no canonical schema).
   */
  readonly checkField?: (event: string, path: string) => string | undefined;
}

const FILTERS = new Set([
  'date',
  'time',
  'tsdate',
  'tstime',
  'tsstamp',
  'unit',
  'part',
  'location',
  'count',
  'decimal',
  'changeType',
  'unitPrice',
  'orderCurrency',
]);

class Problems {
  readonly list: string[] = [];
  add(message: string): void {
    if (this.list.length < 200) this.list.push(message);
  }
}

function issues(error: z.ZodError): string[] {
  return error.issues.map((i) => `${i.path.map(String).join('.') || '(map)'}: ${i.message}`);
}

/** Replaces fields of an inbound map source by a partner's override (validated like the map). */
export function applyOverride(
  source: X12InboundMapSource,
  override: X12MapOverride,
  where: string,
): X12InboundMapSource {
  const problems: string[] = [];
  const mergeFields = (
    fields: Readonly<Record<string, X12ValueSpecSource>> | undefined,
    add: Readonly<Record<string, unknown>> | undefined,
    at: string,
  ): Record<string, X12ValueSpecSource> => {
    const out: Record<string, X12ValueSpecSource> = { ...fields };
    for (const [key, value] of Object.entries(add ?? {})) {
      const parsed = valueSpecSource.safeParse(value);
      if (!parsed.success) problems.push(...issues(parsed.error).map((m) => `${at}fields.${key}: ${m}`));
      else out[key] = parsed.data;
    }
    return out;
  };
  const mergeCollection = (
    base: X12CollectionSource | undefined,
    add: X12MapOverride,
    at: string,
  ): X12CollectionSource => {
    if (!base) {
      const parsed = collectionSource.safeParse(add);
      if (!parsed.success) problems.push(...issues(parsed.error).map((m) => `${at}: ${m}`));
      return parsed.success ? parsed.data : {};
    }
    const collections: Record<string, X12CollectionSource> = { ...base.collections };
    for (const [key, sub] of Object.entries(add.collections ?? {}))
      collections[key] = mergeCollection(base.collections?.[key], sub, `${at}collections.${key}.`);
    return { ...base, fields: mergeFields(base.fields, add.fields, at), collections };
  };
  const collections: Record<string, X12CollectionSource> = { ...source.collections };
  for (const [key, sub] of Object.entries(override.collections ?? {}))
    collections[key] = mergeCollection(source.collections[key], sub, `collections.${key}.`);
  const merged = { ...source, fields: mergeFields(source.fields, override.fields, ''), collections };
  if (problems.length > 0) throw new X12MapError(where, problems);
  return merged;
}

/** Validates a map file's content (parsed YAML/JSON) against the schema. */
export function parseMapSource(content: unknown, file: string): X12MapSource {
  const parsed = mapSource.safeParse(content);
  if (!parsed.success) throw new X12MapError(file, issues(parsed.error));
  return parsed.data;
}

/** Compiles a map source: selectors parsed, segments and loops checked against the grammar, fields against the event. */
export function compileMap(source: X12MapSource, file: string, context: X12MapLoadContext): X12Map {
  const problems = new Problems();
  const grammar = context.grammars.find(source.set, source.version);
  if (!grammar) throw new X12MapError(file, [`no grammar for ${source.set} in ${source.version}`]);
  const name = `${source.version}/${source.set}.${source.direction}`;
  const map =
    source.direction === 'inbound'
      ? compileInbound(source, name, grammar, context, problems)
      : compileOutbound(source, name, grammar, context, problems);
  if (problems.list.length > 0) throw new X12MapError(file, problems.list);
  return map;
}

/** Keys that name an object's own machinery: a field path through one would reach the prototype. */
const MACHINERY = new Set(['__proto__', 'constructor', 'prototype']);

function checkField(
  context: X12MapLoadContext,
  event: string,
  path: string,
  where: string,
  problems: Problems,
): void {
  // Checked here, not only by the caller's `checkField`: src/edi is a library, and a map is data.
  for (const key of path.split('.'))
    if (MACHINERY.has(key)) problems.add(`${where}: "${key}" cannot be part of a field path`);
  const problem = context.checkField?.(event, path);
  if (problem !== undefined) problems.add(`${where}: ${problem}`);
}

function compileSelectors(
  list: string | readonly string[] | undefined,
  grammar: X12SetGrammar,
  where: string,
  problems: Problems,
): X12Selector[] {
  const out: X12Selector[] = [];
  for (const text of list === undefined ? [] : typeof list === 'string' ? [list] : list) {
    try {
      const selector = parseSelector(text);
      for (const id of selectorSegmentIds(selector))
        if (!grammar.segmentIds.has(id))
          problems.add(`${where}: segment ${id} is not in the ${grammar.setId} grammar (${text})`);
      out.push(selector);
    } catch (error) {
      if (error instanceof X12SelectorError) problems.add(`${where}: ${error.message}`);
      else throw error;
    }
  }
  return out;
}

function compileValue(
  key: string,
  spec: X12ValueSpecSource,
  grammar: X12SetGrammar,
  where: string,
  problems: Problems,
): X12ValueRule {
  if (Array.isArray(spec) && spec.some((e) => typeof e !== 'string')) {
    const alternatives = spec.map((e, i) => compileValue(key, e, grammar, `${where}[${i}]`, problems));
    return { ...alternatives[0]!, alternatives };
  }
  const s = typeof spec === 'string' || Array.isArray(spec) ? { at: spec as string | string[] } : spec;
  const at = compileSelectors(s.at, grammar, where, problems);
  if (at.length === 0 && s.const === undefined && s.default === undefined)
    problems.add(`${where}: a field needs at, const or default`);
  if ((s.as === 'datetime') !== (s.time !== undefined) && s.as === 'datetime')
    problems.add(`${where}: as: datetime needs time`);
  return {
    key,
    path: key.split('.'),
    at,
    condition: s.if === undefined ? undefined : compileSelectors(s.if, grammar, where, problems)[0],
    kind: s.as ?? 'text',
    time: compileSelectors(s.time, grammar, where, problems),
    zone: s.zone ?? 'Z',
    codes: s.codes ? new Map(Object.entries(s.codes)) : undefined,
    otherwise: s.otherwise,
    constant: s.const,
    fallback: s.default,
    join: s.join,
    aggregate: s.aggregate,
    itemKey: s.itemKey,
    alternatives: undefined,
  };
}

function compileInbound(
  source: X12InboundMapSource,
  name: string,
  grammar: X12SetGrammar,
  context: X12MapLoadContext,
  problems: Problems,
): X12InboundMap {
  const collectionLoops = new Set<string>();
  let hierarchical = false;
  const fields = Object.entries(source.fields).map(([key, spec]) => {
    checkField(context, source.event, key, `fields.${key}`, problems);
    return compileValue(key, spec, grammar, `fields.${key}`, problems);
  });
  const collection = (
    key: string,
    c: X12CollectionSource,
    prefix: string,
    where: string,
  ): X12CollectionRule => {
    const path = `${prefix}${key}`;
    checkField(context, source.event, path, where, problems);
    // Neither, with `implicit`: one item made of the enclosing scope (an EDIFACT DESADV's one order).
    if (c.loop !== undefined && c.level !== undefined)
      problems.add(`${where}: a collection has either loop or level`);
    if (c.loop === undefined && c.level === undefined && c.implicit !== true)
      problems.add(`${where}: a collection has loop, level or implicit: true`);
    if (c.loop !== undefined) {
      if (!grammar.loops.has(c.loop))
        problems.add(`${where}: loop ${c.loop} is not in the ${grammar.setId} grammar`);
      collectionLoops.add(c.loop);
    }
    if (c.level !== undefined) {
      hierarchical = true;
      if (!grammar.segmentIds.has('HL')) problems.add(`${where}: level needs a set with an HL loop`);
    }
    const rule: X12CollectionRule = {
      key,
      path: key.split('.'),
      loop: c.loop,
      levels: c.level === undefined ? undefined : typeof c.level === 'string' ? [c.level] : [...c.level],
      descend: c.descend ?? false,
      implicit: c.implicit ?? false,
      requireAny: c.requireAny ?? [],
      fields: Object.entries(c.fields ?? {}).map(([k, spec]) => {
        checkField(context, source.event, `${path}.${k}`, `${where}.fields.${k}`, problems);
        return compileValue(k, spec, grammar, `${where}.fields.${k}`, problems);
      }),
      collections: Object.entries(c.collections ?? {}).map(([k, sub]) =>
        collection(k, sub, `${path}.`, `${where}.collections.${k}`),
      ),
    };
    for (const r of rule.requireAny)
      if (!rule.fields.some((f) => f.key === r))
        problems.add(`${where}: requireAny names ${r}, which is no field`);
    return rule;
  };
  const collections = Object.entries(source.collections).map(([k, c]) =>
    collection(k, c, '', `collections.${k}`),
  );
  if (hierarchical) collectionLoops.add('HL');
  return {
    direction: 'inbound',
    name,
    set: source.set,
    version: source.version,
    event: source.event,
    grammar,
    fields,
    collections,
    collectionLoops,
    hierarchical,
  };
}

function parseRef(text: string, where: string, problems: Problems): X12PathRef {
  if (text === '#') return { root: false, up: 0, index: true, path: [] };
  if (text === '.') return { root: false, up: 0, index: false, path: [] };
  const root = text.startsWith('^');
  let body = root ? text.slice(1) : text;
  let up = 0;
  while (body.startsWith('../')) {
    up++;
    body = body.slice(3);
  }
  if (!/^[A-Za-z0-9]+(?:\.[A-Za-z0-9]+)*$/.test(body)) problems.add(`${where}: "${text}" is no path`);
  return { root, up, index: false, path: body.split('.') };
}

function parseCondition(text: string, where: string, problems: Problems): X12OutboundCondition[] {
  return text.split('&').map((part) => {
    const t = part.trim();
    const m = /^([^!=]+?)(!=|=)(.*)$/.exec(t);
    if (m) return { ref: parseRef(m[1]!, where, problems), op: m[2] === '=' ? 'eq' : 'ne', value: m[3]! };
    if (t.startsWith('!')) return { ref: parseRef(t.slice(1), where, problems), op: 'absent', value: '' };
    return { ref: parseRef(t, where, problems), op: 'present', value: '' };
  });
}

function compileOutbound(
  source: X12OutboundMapSource,
  name: string,
  grammar: X12SetGrammar,
  context: X12MapLoadContext,
  problems: Problems,
): X12OutboundMap {
  const codes = new Map(Object.entries(source.codes).map(([k, v]) => [k, new Map(Object.entries(v))]));
  // Array steps are implicit in field paths, and indexes (`lines.0`) are no fields.
  const fullPath = (ref: X12PathRef, scope: readonly string[]): string =>
    (ref.root ? ref.path : [...scope.slice(0, scope.length - ref.up), ...ref.path])
      .filter((k) => !/^[0-9]+$/.test(k))
      .join('.');
  const checkRef = (ref: X12PathRef, scope: readonly string[], where: string) => {
    if (!ref.index) checkField(context, source.event, fullPath(ref, scope), where, problems);
  };
  const template = (text: string, scope: readonly string[], where: string): X12ElementTemplate => {
    const pair = /^@([A-Z0-9]{1,3}):\{(.+)\}$/.exec(text);
    const value = pair ? undefined : /^\{(.+)\}$/.exec(text);
    const inner = pair?.[2] ?? value?.[1];
    if (inner === undefined) return { kind: 'literal', value: text };
    const [path, ...filterTexts] = inner.split('|');
    const ref = parseRef(path!.trim(), where, problems);
    checkRef(ref, scope, where);
    const filters: X12Filter[] = filterTexts.map((f) => {
      const [fname, arg] = f.split(':');
      if (fname === 'code') {
        if (!arg || !codes.has(arg)) problems.add(`${where}: code table "${arg ?? ''}" is not in codes`);
        return { code: arg ?? '' };
      }
      if (fname === 'default') return { default: arg ?? '' };
      if (!FILTERS.has(fname!)) problems.add(`${where}: unknown filter "${fname}"`);
      return fname as X12Filter;
    });
    return pair ? { kind: 'pair', qualifier: pair[1]!, ref, filters } : { kind: 'value', ref, filters };
  };
  // An element given as a list is a composite (EDIFACT): its components, written with COMPONENT_MARK.
  const element = (
    t: string | readonly string[],
    scope: readonly string[],
    where: string,
  ): X12ElementTemplate =>
    typeof t === 'string'
      ? template(t, scope, where)
      : {
          kind: 'composite',
          components: t.map((c, k) => {
            const inner = template(c, scope, `${where}.${k + 1}`);
            if (inner.kind === 'pair')
              problems.add(`${where}.${k + 1}: no qualifier pairs inside a composite`);
            return inner;
          }),
        };
  const node = (n: X12OutboundNodeSource, scope: readonly string[], where: string): X12OutboundNode => {
    if (Array.isArray(n) || 'segment' in n) {
      const row = (Array.isArray(n) ? n : (n as { segment: string[] }).segment) as readonly (
        string | readonly string[]
      )[];
      const when = Array.isArray(n) ? undefined : (n as { when?: string }).when;
      const id = String(row[0]);
      if (!grammar.segmentIds.has(id))
        problems.add(`${where}: segment ${id} is not in the ${grammar.setId} grammar`);
      const whenList = when === undefined ? [] : parseCondition(when, `${where}.when`, problems);
      for (const c of whenList) checkRef(c.ref, scope, `${where}.when`);
      return {
        kind: 'segment',
        id,
        elements: row.slice(1).map((t, i) => element(t, scope, `${where}[${i + 1}]`)),
        when: whenList,
      };
    }
    const g = n as { each?: string; hl?: string; when?: string; body: readonly X12OutboundNodeSource[] };
    const each = g.each === undefined ? undefined : parseRef(g.each, `${where}.each`, problems);
    if (each) checkRef(each, scope, `${where}.each`);
    if (g.hl !== undefined && !grammar.segmentIds.has('HL')) problems.add(`${where}: hl needs a set with HL`);
    const inner = each ? (each.root ? each.path : [...scope, ...each.path]) : scope;
    const whenList = g.when === undefined ? [] : parseCondition(g.when, `${where}.when`, problems);
    for (const c of whenList) checkRef(c.ref, scope, `${where}.when`);
    return {
      kind: 'group',
      each,
      hl: g.hl,
      when: whenList,
      body: g.body.map((b, i) => node(b, inner, `${where}.body[${i}]`)),
    };
  };
  return {
    direction: 'outbound',
    name,
    set: source.set,
    version: source.version,
    event: source.event,
    grammar,
    codes,
    body: source.body.map((b, i) => node(b, [], `body[${i}]`)),
  };
}

/** Where map files live under a maps folder: version folders, and `<set>.<direction>.<yaml|yml|json>` files. */
export interface MapFileLayout {
  readonly folder: RegExp;
  /** Groups: 1 the set or message, 2 the direction, 3 the extension. */
  readonly file: RegExp;
}

export const X12_MAP_LAYOUT: MapFileLayout = {
  folder: /^[0-9]{6}$/,
  file: /^([0-9]{3})\.(inbound|outbound)\.(yaml|yml|json)$/,
};

/** EDIFACT: `<dir>/D96A/ORDERS.inbound.yaml`. */
export const EDIFACT_MAP_LAYOUT: MapFileLayout = {
  folder: /^D[0-9]{2}[A-Z]$/,
  file: /^([A-Z]{6})\.(inbound|outbound)\.(yaml|yml|json)$/,
};

/**
 * Map sources of a directory tree `<dir>/<version>/<set>.<direction>.yaml|json`, `extends` resolved.
 * Files with problems are left out and their problems pushed to `errors`; without it, they throw.
 */
export function readMapSources(
  dir: string,
  collected?: string[],
  layout: MapFileLayout = X12_MAP_LAYOUT,
): Map<string, { file: string; source: X12MapSource }> {
  const raw = new Map<string, { file: string; content: Record<string, unknown> }>();
  for (const version of readdirSync(dir, { withFileTypes: true })) {
    if (!version.isDirectory() || !layout.folder.test(version.name)) continue;
    for (const entry of readdirSync(join(dir, version.name)).sort()) {
      const m = layout.file.exec(entry);
      if (!m) continue;
      const file = join(dir, version.name, entry);
      const text = readFileSync(file, 'utf8');
      let content: unknown;
      try {
        content = m[3] === 'json' ? JSON.parse(text) : parseYaml(text);
      } catch (error) {
        throw new X12MapError(file, [`not readable: ${(error as Error).message}`]);
      }
      if (typeof content !== 'object' || content === null || Array.isArray(content))
        throw new X12MapError(file, ['a map file holds one object']);
      raw.set(`${version.name}/${m[1]}.${m[2]}`, { file, content: content as Record<string, unknown> });
    }
  }
  const out = new Map<string, { file: string; source: X12MapSource }>();
  const errors: string[] = [];
  for (const [key, { file, content }] of raw) {
    try {
      let merged = content;
      const base = content.extends;
      if (typeof base === 'string') {
        const name = key.slice(key.indexOf('/') + 1);
        const parent = raw.get(`${base}/${name}`);
        if (!parent) throw new X12MapError(file, [`extends ${base}, but ${base}/${name} does not exist`]);
        if (typeof parent.content.extends === 'string')
          throw new X12MapError(file, [`extends ${base}, which extends another map itself`]);
        merged = mergeSources(parent.content, content);
      }
      const source = parseMapSource(merged, file);
      const expected = `${source.version}/${source.set}.${source.direction}`;
      if (expected !== key) throw new X12MapError(file, [`the file says ${expected}; its place says ${key}`]);
      out.set(key, { file, source });
    } catch (error) {
      if (error instanceof X12MapError) errors.push(error.message);
      else throw error;
    }
  }
  if (collected) collected.push(...errors);
  else if (errors.length > 0) throw new X12MapError(dir, errors);
  return out;
}

/** `extends`: the child's keys win; `fields` and `collections` are merged by key, `codes` by table. */
function mergeSources(
  base: Record<string, unknown>,
  child: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base, ...child };
  delete out.extends;
  for (const key of ['fields', 'collections', 'codes'])
    if (base[key] && child[key]) out[key] = { ...(base[key] as object), ...(child[key] as object) };
  if (child.body === undefined && base.body !== undefined) out.body = base.body;
  return out;
}

/** All maps of a directory, compiled; every file's problems in one error. */
export function loadX12Maps(dir: string, context: X12MapLoadContext): Map<string, X12Map> {
  const out = new Map<string, X12Map>();
  const errors: string[] = [];
  for (const [key, { file, source }] of readMapSources(dir)) {
    try {
      out.set(key, compileMap(source, file, context));
    } catch (error) {
      if (error instanceof X12MapError) errors.push(error.message);
      else throw error;
    }
  }
  if (errors.length > 0) throw new X12MapError(dir, errors);
  return out;
}
