import type { X12ValueRule } from './map.types.js';
import type { X12MapConverters } from './inbound-interpreter.js';
import { fromSource } from './from-source.js';
import { allOf, compiledOnce, firstOf, type X12AllOf, type X12FirstOf } from './selector-compile.js';
import type { X12Selector } from './selector.js';
import type { X12Scope } from './set-index.js';

/**
 * A map's value rules made into functions once (cached per rule): what a rule does — alternatives, a
 * condition, selectors tried in order, codes, the conversion of its kind, aggregation — is decided at
 * compile time, not again for every field of every line. A rule's function returns its value, or
 * undefined when the set does not give one, and throws (with the message the problem list shows) for a
 * value it cannot convert.
 */
export type X12RuleValue = (scope: X12Scope, converters: X12MapConverters) => unknown;

/**
 * Where a compiled rule gets its selectors' values: by default each selector scans its scope itself
 * (`firstOf`, `allOf`); a rule list compiled together reads most of them from one scan of the scope
 * (`ScopeScan` in scope-scan.ts), made once per item for all its rules.
 */
export interface X12SelectorSource {
  first(selector: X12Selector): X12FirstOf;
  all(selector: X12Selector): X12AllOf;
}

/** Each selector scanning its scope for itself. */
export const SCANNING: X12SelectorSource = { first: firstOf, all: allOf };

const ruleCache = new WeakMap<X12ValueRule, X12RuleValue>();

/** The compiled functions of a rule list, in its order, reading their selectors from `source`. */
export function ruleValues(
  rules: readonly X12ValueRule[],
  source: X12SelectorSource = SCANNING,
): readonly X12RuleValue[] {
  return rules.map((rule) => ruleValue(rule, source));
}

export function ruleValue(rule: X12ValueRule, source: X12SelectorSource = SCANNING): X12RuleValue {
  if (source === SCANNING) return compiledOnce(ruleCache, rule, (r) => compileRule(r, SCANNING));
  return compileRule(rule, source);
}

function compileRule(rule: X12ValueRule, source: X12SelectorSource): X12RuleValue {
  if (rule.alternatives) return firstDefined(rule.alternatives.map((r) => ruleValue(r, source)));
  const body = compileBody(rule, source);
  if (!rule.condition) return body;
  const condition = source.first(rule.condition);
  return (scope, converters) => (condition(scope) === undefined ? undefined : body(scope, converters));
}

function compileBody(rule: X12ValueRule, source: X12SelectorSource): X12RuleValue {
  if (rule.aggregate !== undefined || rule.join !== undefined) return compileAggregate(rule, source);
  const { constant, fallback } = rule;
  if (rule.at.length === 0) {
    const value = constant ?? fallback;
    return () => value;
  }
  const convert = converterOf(rule, source);
  // Each selector in turn; the first with a raw value (that converts) gives the rule's value.
  const tried = firstDefined(
    rule.at.map((selector): X12RuleValue => {
      const first = source.first(selector);
      return (scope, converters) => {
        const raw = first(scope);
        if (raw === undefined) return undefined;
        if (constant !== undefined) return constant;
        return convert(raw.trim(), scope, converters);
      };
    }),
  );
  if (fallback === undefined) return tried;
  return (scope, converters) => {
    const value = tried(scope, converters);
    return value === undefined ? fallback : value;
  };
}

function compileAggregate(rule: X12ValueRule, source: X12SelectorSource): X12RuleValue {
  const collect = inTurn(rule.at.map((selector) => source.all(selector)));
  const convert = converterOf(rule, source);
  const { aggregate, fallback, itemKey } = rule;
  const join = rule.join;
  // Most lines have nothing to aggregate (no lots, no serial numbers): the values are collected into
  // one array per rule, emptied after each call, instead of a new one per line. Safe because a rule
  // never runs inside another (converters evaluate no rules) and reading is synchronous.
  const all: string[] = [];
  const aggregated = (scope: X12Scope, converters: X12MapConverters): unknown => {
    collect(scope, all);
    for (let i = 0; i < all.length; i++) all[i] = all[i]!.trim();
    if (aggregate === 'count') return all.length;
    if (all.length === 0) return fallback;
    if (join !== undefined) return all.join(join);
    const converted: unknown[] = [];
    for (const v of all) converted.push(convert(v, scope, converters));
    if (aggregate === 'all') {
      const values: unknown[] = [];
      for (const v of converted)
        if (v !== undefined) values.push(itemKey === undefined ? v : { [itemKey]: v });
      return values;
    }
    // sum: exact decimal addition on the digits, through the converter's canonical form.
    return sumDecimals(converted as string[]);
  };
  return (scope, converters) => {
    try {
      return aggregated(scope, converters);
    } finally {
      // Nothing of a set stays in the map's compiled rules (a throw included).
      if (all.length !== 0) all.length = 0;
    }
  };
}

/** Every selector's values, one selector after the other (straight-line code: see `fromSource`). */
function inTurn(collects: readonly X12AllOf[]): X12AllOf {
  if (collects.length === 1) return collects[0]!;
  const names = collects.map((_, k) => `c${k}`);
  let body = 'return function inTurn(scope, out) {\n';
  for (const name of names) body += `${name}(scope, out);\n`;
  body += '};';
  return fromSource<X12AllOf>(names, body, collects, () => (scope, out) => {
    for (let k = 0; k < collects.length; k++) collects[k]!(scope, out);
  });
}

/** The first value of the functions, tried in order, or undefined (straight-line code: see `fromSource`). */
function firstDefined(functions: readonly X12RuleValue[]): X12RuleValue {
  if (functions.length === 1) return functions[0]!;
  const names = functions.map((_, k) => `f${k}`);
  let body = 'return function firstDefined(scope, converters) {\nlet v;\n';
  for (const name of names) body += `v = ${name}(scope, converters); if (v !== undefined) return v;\n`;
  body += 'return undefined;\n};';
  return fromSource<X12RuleValue>(names, body, functions, () => (scope, converters) => {
    for (let k = 0; k < functions.length; k++) {
      const v = functions[k]!(scope, converters);
      if (v !== undefined) return v;
    }
    return undefined;
  });
}

/** A raw (trimmed) value through the rule's codes and its kind's conversion. */
type Convert = (value: string, scope: X12Scope, converters: X12MapConverters) => unknown;

function converterOf(rule: X12ValueRule, source: X12SelectorSource): Convert {
  const kind = kindConverter(rule, source);
  const codes = rule.codes;
  if (!codes) return kind;
  const otherwise = rule.otherwise;
  return (raw, scope, converters) => {
    const mapped = codes.get(raw) ?? otherwise;
    // `otherwise: ''`: a code the map does not know leaves the field out.
    if (mapped === '') return undefined;
    if (mapped === undefined)
      throw new Error(`code "${raw}" has no meaning in this map (${[...codes.keys()].join(', ')})`);
    return typeof mapped === 'string' ? kind(mapped, scope, converters) : mapped;
  };
}

function kindConverter(rule: X12ValueRule, source: X12SelectorSource): Convert {
  switch (rule.kind) {
    case 'text':
      return (value) => value;
    case 'decimal':
      return (value, _scope, c) => c.decimal(value);
    case 'int':
      return (value) => {
        if (!/^-?[0-9]+$/.test(value)) throw new Error(`"${value}" is not a whole number`);
        return Number(value);
      };
    case 'date':
      return (value) => {
        const date = x12Date(value);
        if (date === undefined) throw new Error(`"${value}" is not a CCYYMMDD date`);
        return date;
      };
    case 'datetime': {
      const times = rule.time.map((selector) => source.first(selector));
      const zone = rule.zone;
      return (value, scope) => {
        const date = x12Date(value);
        if (date === undefined) throw new Error(`"${value}" is not a CCYYMMDD date`);
        let rawTime: string | undefined;
        for (const time of times) if ((rawTime = time(scope)) !== undefined) break;
        const time = rawTime === undefined ? '00:00:00' : x12Time(rawTime);
        if (time === undefined) throw new Error(`"${rawTime}" is not an HHMM[SS] time`);
        return `${date}T${time}${zone}`;
      };
    }
    case 'unit':
      return (value, _scope, c) => c.unit(value);
    case 'part':
      return (value, _scope, c) => c.part(value);
    case 'location':
      return (value, _scope, c) => c.location(value);
    case 'timestamp': {
      const zone = rule.zone;
      return (value) => {
        // EDIFACT DTM 2380 with 2379 102 / 203 / 204 as a date-time.
        const m = /^([0-9]{8})(?:([0-9]{2})([0-9]{2})([0-9]{2})?)?$/.exec(value);
        if (!m) throw new Error(`"${value}" is not CCYYMMDD[HHMM[SS]]`);
        const date = x12Date(m[1]!)!;
        // A date alone is the start of that day (2379 102 says no more).
        return `${date}T${m[2] ?? '00'}:${m[3] ?? '00'}:${m[4] ?? '00'}${zone}`;
      };
    }
    case 'sscc':
      return (value) => {
        // MAN*GM carries the SSCC with or without its application identifier 00 (GS1 AI 00).
        const digits = value.length === 20 && value.startsWith('00') ? value.slice(2) : value;
        if (!/^[0-9]{18}$/.test(digits)) throw new Error(`"${value}" is not an SSCC (18 digits, or 00 + 18)`);
        return digits;
      };
    default:
      return () => undefined;
  }
}

function x12Date(text: string): string | undefined {
  const t = text.trim();
  // CCYYMMDD; an EDIFACT CCYYMMDDHHMM[SS] (DTM 2379 203/204) gives its date.
  if (/^[0-9]{8}(?:[0-9]{4}(?:[0-9]{2})?)?$/.test(t))
    return `${t.slice(0, 4)}-${t.slice(4, 6)}-${t.slice(6, 8)}`;
  if (/^[0-9]{6}$/.test(t)) return `20${t.slice(0, 2)}-${t.slice(2, 4)}-${t.slice(4, 6)}`;
  return undefined;
}

function x12Time(text: string): string | undefined {
  const t = text.trim();
  if (!/^[0-9]{4}(?:[0-9]{2}(?:[0-9]{1,2})?)?$/.test(t)) return undefined;
  return `${t.slice(0, 2)}:${t.slice(2, 4)}:${t.length >= 6 ? t.slice(4, 6) : '00'}`;
}

/** Adds canonical decimal strings exactly (integer arithmetic on scaled digits). */
export function sumDecimals(values: readonly string[]): string {
  let scale = 0;
  for (const v of values) scale = Math.max(scale, (v.split('.')[1] ?? '').length);
  let total = 0n;
  for (const v of values) {
    const negative = v.startsWith('-');
    const [int, frac = ''] = (negative ? v.slice(1) : v).split('.');
    const n = BigInt(`${int}${frac.padEnd(scale, '0')}`);
    total += negative ? -n : n;
  }
  const negative = total < 0n;
  const digits = (negative ? -total : total).toString().padStart(scale + 1, '0');
  const int = digits.slice(0, digits.length - scale);
  const frac = scale === 0 ? '' : digits.slice(digits.length - scale).replace(/0+$/, '');
  return `${negative ? '-' : ''}${int}${frac ? `.${frac}` : ''}`;
}
