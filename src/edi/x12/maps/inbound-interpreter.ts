import type { X12HlNode } from '../grammar/hierarchy.js';
import type { X12ParsedSet } from '../grammar/parsed-set.js';
import type { X12CollectionRule, X12InboundMap, X12ValueRule } from './map.types.js';
import { selectFirst, selectInto, X12SetIndex, type X12Scope } from './selector.js';

/**
 * Value conversions a map needs and src/edi does not own: exact decimals and units (the canonical
 * tables), and the partner's cross-references. Each throws (or returns undefined for `part`) with a
 * message naming the value.
 */
export interface X12MapConverters {
  /** X12 `R` text → canonical decimal string. */
  decimal(text: string): string;
  /** X12 DE 355 unit → Rec 20 (partner cross-references first). */
  unit(code: string): string;
  /** Their part number → ours; undefined when the partner profile has no cross-reference. */
  part(theirs: string): string | undefined;
  /** Their location code → ours; their code itself when there is no cross-reference. */
  location(theirs: string): string;
}

export interface X12InboundContext {
  /** Envelope values for `$ISA13`, `$GS04`, `$ST02` … selectors. */
  readonly envelope: Readonly<Record<string, string>>;
  /** The interchange's component separator (ISA16). */
  readonly component: string;
  readonly converters: X12MapConverters;
}

export interface X12InboundResult {
  /** The event as the map builds it (envelope fields the map does not set are the caller's). */
  readonly value: Record<string, unknown>;
  /** Values the map could not convert: the set must not become an event. */
  readonly problems: readonly string[];
}

/** Sets `a.b.c` in a plain object, creating the objects on the way. */
export function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  setKeys(target, path.split('.'), value);
}

/** `setPath` with the path already split (map rules carry theirs). */
function setKeys(target: Record<string, unknown>, keys: readonly string[], value: unknown): void {
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

const NO_NODES: readonly X12HlNode[] = [];

/** What one collection found (see `Interpreter.frames`); entries past `count` are stale. */
interface CollectionFrame {
  count: number;
  /** Collection loop iterations (by loop), as indexes in the body's loops. */
  readonly loops: number[];
  /** Level scopes and the HL nodes below each (by level). */
  readonly scopes: X12Scope[];
  readonly belows: (readonly X12HlNode[])[];
  /** The home of `scope`, set to each loop iteration in turn. */
  readonly homes: number[];
  readonly scope: X12Scope;
}
const NO_HOMES: readonly number[] = [];

class Interpreter {
  readonly problems: string[] = [];
  private readonly index: X12SetIndex;
  /** HL loop iterations (indexes in the body's loops) by the position of their HL segment. */
  private readonly hlLoops: number[] = [];
  private header: X12Scope | undefined;

  constructor(
    private readonly parsed: Pick<X12ParsedSet, 'body' | 'hierarchy'>,
    private readonly map: X12InboundMap,
    private readonly context: X12InboundContext,
  ) {
    const body = parsed.body;
    this.index = new X12SetIndex(body, map.collectionLoops);
    if (map.hierarchical)
      for (let j = 1; j < body.loops.length; j++) {
        const loop = body.loops[j]!;
        if (loop.parent === 0 && loop.loopId === 'HL' && body.loopOf[loop.start] === j)
          this.hlLoops[loop.position] = j;
      }
  }

  run(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const roots = this.parsed.hierarchy?.roots ?? [];
    // The header of a hierarchical set is the body plus its shipment level(s).
    const homes = [0];
    for (const root of roots) {
      if (root.record.levelCode !== 'S') continue;
      const loop = this.hlLoops[root.record.position];
      if (loop !== undefined) homes.push(loop);
    }
    const header = this.scopeOf(homes, undefined);
    this.header = header;
    this.fields(this.map.fields, header, out);
    for (const c of this.map.collections) {
      const items = this.collection(c, header, roots);
      setKeys(out, c.path, items);
    }
    return out;
  }

  /**
   * Where the interpreter is, for problems: collection keys and item indexes (`['payload.orders', 0,
   * 'packs', 2]`). A stack, turned into text only for a problem: thousands of items per file have none.
   */
  private readonly trail: (string | number)[] = [];

  /** The trail as a field prefix: `payload.orders[0].packs[2].`, '' at the top. */
  private place(): string {
    let text = '';
    for (const step of this.trail)
      text += typeof step === 'number' ? `[${step}]` : text === '' ? step : `.${step}`;
    return text === '' ? '' : `${text}.`;
  }

  /** Every scope has the same properties in the same order (one object shape for the selectors). */
  private scopeOf(homes: readonly number[], parent: X12Scope | undefined): X12Scope {
    return {
      index: this.index,
      homes,
      envelope: this.context.envelope,
      component: this.context.component,
      root: this.header,
      parent,
    };
  }

  /** One scope object per HL level (by the position of its HL segment), without its parent link. */
  private readonly ownScopes: X12Scope[] = [];

  private ownScope(node: X12HlNode): X12Scope {
    const at = node.record.position;
    let scope = this.ownScopes[at];
    if (scope === undefined) {
      const loop = this.hlLoops[at];
      scope = this.scopeOf(loop === undefined ? NO_HOMES : [loop], undefined);
      this.ownScopes[at] = scope;
    }
    return scope;
  }

  /** A level's scope with its parent level's (for `../` selectors). */
  private levelScope(node: X12HlNode): X12Scope {
    const own = this.ownScope(node);
    return node.parent ? this.scopeOf(own.homes, this.ownScope(node.parent)) : own;
  }

  /**
   * Per collection depth, what a collection found before its items are read. Reused by the next
   * collection at the same depth (its own items' collections are one deeper), so finding items
   * allocates nothing: a DESADV has a collection of one item per pack, and three small arrays per
   * call were most of the interpreter's garbage.
   */
  private readonly frames: CollectionFrame[] = [];

  private frameAt(depth: number): CollectionFrame {
    let frame = this.frames[depth];
    if (frame === undefined) {
      // A loop item's scope: one object per depth whose home is set per item (nothing keeps it).
      const homes = [0];
      frame = { count: 0, loops: [], scopes: [], belows: [], homes, scope: this.scopeOf(homes, undefined) };
      this.frames[depth] = frame;
    }
    frame.count = 0;
    return frame;
  }

  private collection(
    rule: X12CollectionRule,
    parent: X12Scope,
    /** Hierarchy: nodes to search (the roots at the top, a node's children below). */
    below: readonly X12HlNode[],
  ): Record<string, unknown>[] {
    const trail = this.trail;
    const frame = this.frameAt(trail.length >> 1);
    const byLoop = rule.loop !== undefined;
    if (byLoop) {
      // Iterations of the collection loop whose enclosing collection home is one of the parent's homes.
      const loops = this.index.body.loops;
      const homeOf = this.index.homeOf;
      for (const home of parent.homes) {
        const end = loops[home]!.end;
        for (let j = home + 1; j < loops.length && loops[j]!.start < end; j++) {
          const loop = loops[j]!;
          if (loop.loopId === rule.loop && homeOf[loop.parent] === home) frame.loops[frame.count++] = j;
        }
      }
    } else if (rule.levels !== undefined) {
      const levels = rule.levels;
      const stack: X12HlNode[] = [];
      for (let k = below.length - 1; k >= 0; k--) stack.push(below[k]!);
      while (stack.length > 0) {
        const node = stack.pop()!;
        const hit = levels.includes(node.record.levelCode);
        if (hit) {
          frame.scopes[frame.count] = this.levelScope(node);
          frame.belows[frame.count++] = node.children;
        }
        // Shipment levels are the header's; levels above a match are searched further down.
        if (!hit || rule.descend)
          for (let k = node.children.length - 1; k >= 0; k--) stack.push(node.children[k]!);
      }
    }
    const implicit = frame.count === 0 && rule.implicit;
    const count = implicit ? 1 : frame.count;
    // The items array is part of the event: made at its size, not grown from empty.
    const out = new Array<Record<string, unknown>>(count);
    let kept = 0;
    const requireAny = rule.requireAny.length > 0;
    trail.push(rule.key, 0);
    for (let i = 0; i < count; i++) {
      let scope: X12Scope;
      let nodes: readonly X12HlNode[];
      if (implicit) {
        scope = parent;
        nodes = below;
      } else if (byLoop) {
        frame.homes[0] = frame.loops[i]!;
        scope = frame.scope;
        nodes = NO_NODES;
      } else {
        scope = frame.scopes[i]!;
        nodes = frame.belows[i]!;
      }
      trail[trail.length - 1] = i;
      const value: Record<string, unknown> = {};
      const found = this.fields(rule.fields, scope, value, requireAny);
      if (requireAny && !rule.requireAny.some((k) => found!.has(k))) continue;
      for (const c of rule.collections) {
        const sub = this.collection(c, scope, nodes);
        if (sub.length > 0) setKeys(value, c.path, sub);
      }
      out[kept++] = value;
    }
    trail.length -= 2;
    if (kept < count) out.length = kept;
    return out;
  }

  private fields(
    rules: readonly X12ValueRule[],
    scope: X12Scope,
    target: Record<string, unknown>,
    /** Whether the caller needs the keys found (`requireAny`); most do not. */
    track = false,
  ): Set<string> | undefined {
    const found = track ? new Set<string>() : undefined;
    for (const rule of rules) {
      try {
        const value = this.value(rule, scope);
        if (value !== undefined) {
          setKeys(target, rule.path, value);
          found?.add(rule.key);
        }
      } catch (error) {
        this.problems.push(`${this.place()}${rule.key}: ${(error as Error).message}`);
      }
    }
    return found;
  }

  private value(rule: X12ValueRule, scope: X12Scope): unknown {
    if (rule.alternatives) {
      for (const alternative of rule.alternatives) {
        const v = this.value(alternative, scope);
        if (v !== undefined) return v;
      }
      return undefined;
    }
    if (rule.condition && selectFirst(rule.condition, scope) === undefined) return undefined;
    if (rule.aggregate !== undefined || rule.join !== undefined) {
      const all: string[] = [];
      for (const selector of rule.at) selectInto(selector, scope, all);
      for (let i = 0; i < all.length; i++) all[i] = all[i]!.trim();
      if (rule.aggregate === 'count') return all.length;
      if (all.length === 0) return rule.fallback;
      if (rule.join !== undefined) return all.join(rule.join);
      const converted: unknown[] = [];
      for (const v of all) converted.push(this.convert(rule, this.coded(rule, v), scope));
      if (rule.aggregate === 'all') {
        const values: unknown[] = [];
        const itemKey = rule.itemKey;
        for (const v of converted)
          if (v !== undefined) values.push(itemKey === undefined ? v : { [itemKey]: v });
        return values;
      }
      // sum: exact decimal addition on the digits, through the converter's canonical form.
      return sumDecimals(converted as string[]);
    }
    if (rule.at.length === 0) return rule.constant ?? rule.fallback;
    for (const selector of rule.at) {
      const raw = selectFirst(selector, scope);
      if (raw === undefined) continue;
      if (rule.constant !== undefined) return rule.constant;
      const value = this.convert(rule, this.coded(rule, raw.trim()), scope);
      if (value !== undefined) return value;
    }
    return rule.fallback;
  }

  private coded(rule: X12ValueRule, raw: string): string | readonly string[] {
    if (!rule.codes) return raw;
    const mapped = rule.codes.get(raw) ?? rule.otherwise;
    // `otherwise: ''`: a code the map does not know leaves the field out.
    if (mapped === '') return '';
    if (mapped === undefined)
      throw new Error(`code "${raw}" has no meaning in this map (${[...rule.codes.keys()].join(', ')})`);
    return mapped;
  }

  private convert(rule: X12ValueRule, value: string | readonly string[], scope: X12Scope): unknown {
    if (typeof value !== 'string') return value;
    if (value === '' && rule.codes) return undefined;
    const c = this.context.converters;
    switch (rule.kind) {
      case 'text':
        return value;
      case 'decimal':
        return c.decimal(value);
      case 'int': {
        if (!/^-?[0-9]+$/.test(value)) throw new Error(`"${value}" is not a whole number`);
        return Number(value);
      }
      case 'date': {
        const date = x12Date(value);
        if (date === undefined) throw new Error(`"${value}" is not a CCYYMMDD date`);
        return date;
      }
      case 'datetime': {
        const date = x12Date(value);
        if (date === undefined) throw new Error(`"${value}" is not a CCYYMMDD date`);
        let rawTime: string | undefined;
        for (const s of rule.time) if ((rawTime = selectFirst(s, scope)) !== undefined) break;
        const time = rawTime === undefined ? '00:00:00' : x12Time(rawTime);
        if (time === undefined) throw new Error(`"${rawTime}" is not an HHMM[SS] time`);
        return `${date}T${time}${rule.zone}`;
      }
      case 'unit':
        return c.unit(value);
      case 'part':
        return c.part(value);
      case 'location':
        return c.location(value);
      case 'timestamp': {
        // EDIFACT DTM 2380 with 2379 102 / 203 / 204 as a date-time.
        const m = /^([0-9]{8})(?:([0-9]{2})([0-9]{2})([0-9]{2})?)?$/.exec(value);
        if (!m) throw new Error(`"${value}" is not CCYYMMDD[HHMM[SS]]`);
        const date = x12Date(m[1]!)!;
        // A date alone is the start of that day (2379 102 says no more).
        return `${date}T${m[2] ?? '00'}:${m[3] ?? '00'}:${m[4] ?? '00'}${rule.zone}`;
      }
      case 'sscc': {
        // MAN*GM carries the SSCC with or without its application identifier 00 (GS1 AI 00).
        const digits = value.length === 20 && value.startsWith('00') ? value.slice(2) : value;
        if (!/^[0-9]{18}$/.test(digits)) throw new Error(`"${value}" is not an SSCC (18 digits, or 00 + 18)`);
        return digits;
      }
    }
  }
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

/** Builds what the map says from one parsed set. Never throws for data; problems are returned. */
export function interpretInbound(
  parsed: Pick<X12ParsedSet, 'body' | 'hierarchy'>,
  map: X12InboundMap,
  context: X12InboundContext,
): X12InboundResult {
  const interpreter = new Interpreter(parsed, map, context);
  const value = interpreter.run();
  return { value, problems: interpreter.problems };
}
