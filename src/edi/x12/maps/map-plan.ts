import type { X12MapConverters } from './inbound-interpreter.js';
import type { X12CollectionRule, X12InboundMap, X12ValueRule } from './map.types.js';
import { fromSource } from './from-source.js';
import { compiledOnce } from './selector-compile.js';
import type { X12Scope } from './set-index.js';
import { ScopeScan } from './scope-scan.js';
import { ruleValues, type X12RuleValue } from './value-rules.js';

/**
 * What the inbound interpreter runs, made once per map part: a map's plan (its header fields and
 * collections), each collection's plan (its field plan, its sub-collections and their setters, its HL
 * level codes), each rule list's straight-line run, and a setter per field path.
 */

/** Sets `a.b.c` in a plain object, creating the objects on the way. */
export function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  setKeys(target, path.split('.'), value);
}

type Setter = (target: Record<string, unknown>, value: unknown) => void;

const setters = new WeakMap<readonly string[], Setter>();

/**
 * `setKeys` for one path, as a function of its own (cached per path). A shared `node[key] = value`
 * sees every key of every map and runs as a megamorphic store, the interpreter's single largest cost;
 * a function per path stores to a named property. The path's keys enter the function's text only as
 * JSON string literals, so no key of a map can be code.
 */
function setterOf(path: readonly string[]): Setter {
  return compiledOnce(setters, path, compileSetter);
}

/**
 * A rule list's value functions and setters, in the rules' order, and `runFields` over them. The
 * values read most selectors from the list's one scan of the scope: `run` fills it first, and a
 * caller of `values` itself calls `scan` first.
 */
export interface FieldPlan {
  readonly rules: readonly X12ValueRule[];
  readonly values: readonly X12RuleValue[];
  readonly setters: readonly Setter[];
  readonly scan: (scope: X12Scope) => void;
  readonly run: FieldRun;
}

/**
 * Sets the fields of one item from its scope, rule after rule; a rule that throws is reported to
 * `fail` with its field's key, and the others still run.
 */
type FieldRun = (
  scope: X12Scope,
  converters: X12MapConverters,
  target: Record<string, unknown>,
  fail: FieldFailure,
) => void;
export type FieldFailure = (key: string, error: unknown) => void;

function fieldPlan(rules: readonly X12ValueRule[]): FieldPlan {
  const scan = new ScopeScan();
  const values = ruleValues(rules, scan.source);
  const setters = rules.map((r) => setterOf(r.path));
  const keys = rules.map((r) => r.key);
  const runFields = compileFieldRun(values, setters, keys);
  if (!scan.used) return { rules, values, setters, scan: () => undefined, run: runFields };
  return {
    rules,
    values,
    setters,
    scan: (scope) => scan.fill(scope),
    run: (scope, converters, target, fail) => {
      scan.fill(scope);
      runFields(scope, converters, target, fail);
    },
  };
}

/** `FieldRun` as straight-line code, each rule's function and setter called in turn (see `fromSource`). */
function compileFieldRun(
  values: readonly X12RuleValue[],
  setters: readonly Setter[],
  keys: readonly string[],
): FieldRun {
  const names: string[] = [];
  const args: unknown[] = [];
  let body = 'return function runFields(scope, converters, target, fail) {\nlet value;\n';
  for (let r = 0; r < values.length; r++) {
    names.push(`value${r}`, `set${r}`, `key${r}`);
    args.push(values[r], setters[r], keys[r]);
    body +=
      `try { value = value${r}(scope, converters); if (value !== undefined) set${r}(target, value); }\n` +
      `catch (error) { fail(key${r}, error); }\n`;
  }
  body += '};';
  return fromSource<FieldRun>(names, body, args, () => (scope, converters, target, fail) => {
    for (let r = 0; r < values.length; r++) {
      try {
        const value = values[r]!(scope, converters);
        if (value !== undefined) setters[r]!(target, value);
      } catch (error) {
        fail(keys[r]!, error);
      }
    }
  });
}

/**
 * A collection rule with everything the interpreter derives from it, made once per rule (with its
 * map's plan) rather than looked up in weak maps each time one of a file's thousands of collections
 * is read.
 */
export class CollectionPlan {
  readonly fields: FieldPlan;
  readonly subs: readonly CollectionPlan[];
  /** Where each sub-collection's items go in an item (the subs' paths). */
  readonly subSetters: readonly Setter[];
  /**
   * The rule's HL level codes of one character (nearly all: S, O, T, P, I), by character code, so
   * that telling whether a node is read is one look-up; `levels` decides the others.
   */
  private readonly oneCharLevels = new Uint8Array(256);

  constructor(readonly rule: X12CollectionRule) {
    this.fields = fieldPlan(rule.fields);
    this.subs = rule.collections.map((c) => new CollectionPlan(c));
    this.subSetters = rule.collections.map((c) => setterOf(c.path));
    for (const level of rule.levels ?? [])
      if (level.length === 1 && level.charCodeAt(0) < 256) this.oneCharLevels[level.charCodeAt(0)] = 1;
  }

  /** Whether a node of this HL level code is one of the rule's items. */
  reads(levelCode: string): boolean {
    if (levelCode.length === 1) {
      const c = levelCode.charCodeAt(0);
      if (c < 256) return this.oneCharLevels[c] === 1;
    }
    return this.rule.levels!.includes(levelCode);
  }
}

/** A map's header fields and top collections, compiled once per map. */
export interface MapPlan {
  readonly fields: FieldPlan;
  readonly collections: readonly CollectionPlan[];
  readonly setters: readonly Setter[];
}

const mapPlans = new WeakMap<X12InboundMap, MapPlan>();

/** The map's plan, made on first use and kept with the loaded map. */
export function mapPlanOf(map: X12InboundMap): MapPlan {
  return compiledOnce(mapPlans, map, compileMapPlan);
}

function compileMapPlan(map: X12InboundMap): MapPlan {
  return {
    fields: fieldPlan(map.fields),
    collections: map.collections.map((c) => new CollectionPlan(c)),
    setters: map.collections.map((c) => setterOf(c.path)),
  };
}

function compileSetter(path: readonly string[]): Setter {
  const keys = path.map((k) => `[${JSON.stringify(k)}]`);
  const last = keys.length - 1;
  let body = 'let node = target;\n';
  for (let k = 0; k < last; k++)
    body +=
      `{ const next = node${keys[k]};\n` +
      `  if (typeof next !== 'object' || next === null || Array.isArray(next)) node${keys[k]} = {};\n` +
      `  node = node${keys[k]}; }\n`;
  body += `node${keys[last]} = value;`;
  // Where code generation is disallowed: the shared store, slower, same result.
  return fromSource<Setter>(
    [],
    `return function set(target, value) {\n${body}\n};`,
    [],
    () => (target, value) => setKeys(target, path, value),
  );
}

/** `setPath` with the path already split (map rules carry theirs). */
function setKeys(target: Record<string, unknown>, keys: readonly string[], value: unknown): void {
  // Most fields are one key deep (`lineNumber`) or two (`quantity.value`).
  if (keys.length === 1) {
    target[keys[0]!] = value;
    return;
  }
  let node = target;
  const last = keys.length - 1;
  for (let k = 0; k < last; k++) {
    const key = keys[k]!;
    const next = node[key];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[keys[last]!] = value;
}
