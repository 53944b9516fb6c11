import {
  COMPONENT_MARK,
  type X12ElementTemplate,
  type X12Filter,
  type X12OutboundCondition,
  type X12OutboundMap,
  type X12OutboundNode,
  type X12PathRef,
} from '../maps/map.types.js';
import { changeTypeCode } from './change-type.js';
import { X12GenerationError } from './generation-error.js';
import { orderCurrency, perUnitPrice } from './order-values.js';

/** Conversions an outbound map needs and src/edi does not own (canonical units, partner cross-references). */
export interface X12OutboundConverters {
  /** Rec 20 → the X12 DE 355 code the partner expects. */
  unit(rec20: string): string;
  /** Our part number → theirs; undefined without a cross-reference (the pair is then left out). */
  part(ours: string): string | undefined;
  /** Our location code → theirs (ours when there is no cross-reference). */
  location(ours: string): string;
}

interface Frame {
  readonly value: unknown;
  readonly index: number;
}

function lookup(root: unknown, stack: readonly Frame[], ref: X12PathRef): unknown {
  if (ref.index) return stack.length > 0 ? stack[stack.length - 1]!.index + 1 : 1;
  const at = stack.length - 1 - ref.up;
  let node: unknown = ref.root || at < 0 ? root : stack[at]!.value;
  for (const key of ref.path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/** A template value as element text: arrays (a code table key such as `quantity,date`) joined by commas. */
function scalar(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return v.map(scalar).join(',');
  throw new X12GenerationError(
    'VALUE_INVALID',
    `a template names an object, not a value: ${JSON.stringify(v)}`,
  );
}

function utc(ts: string): string {
  const d = new Date(ts);
  if (Number.isNaN(d.getTime())) throw new X12GenerationError('VALUE_INVALID', `"${ts}" is no timestamp`);
  return d.toISOString();
}

/**
 * Segment rows (id first) of one set body, from an outbound map and an event. HL01/HL02/HL04 are
 * numbered here: HL01 counts from 1 in the order written, HL04 says whether levels follow below.
 */
export function writeBody(
  map: X12OutboundMap,
  event: unknown,
  converters: X12OutboundConverters,
): string[][] {
  const rows: string[][] = [];
  let hlCount = 0;

  const apply = (value: unknown, filters: readonly X12Filter[], where: string): string => {
    let v: unknown = value;
    for (const f of filters) {
      if (typeof f === 'object' && 'default' in f) {
        if (v === undefined || v === '') v = f.default;
        continue;
      }
      if (v === undefined || v === null || v === '') continue;
      if (typeof f === 'object') {
        const table = map.codes.get(f.code)!;
        const coded = table.get(scalar(v));
        if (coded === undefined)
          throw new X12GenerationError(
            'VALUE_INVALID',
            `${where}: "${scalar(v)}" is not in code table ${f.code}`,
          );
        v = coded;
        continue;
      }
      switch (f) {
        case 'date':
          v = scalar(v).replaceAll('-', '');
          break;
        case 'tsdate':
          v = utc(scalar(v)).slice(0, 10).replaceAll('-', '');
          break;
        case 'tstime': {
          const t = utc(scalar(v)).slice(11, 19).replaceAll(':', '');
          v = t.endsWith('00') ? t.slice(0, 4) : t;
          break;
        }
        case 'tsstamp':
          v = utc(scalar(v)).slice(0, 16).replace(/[-T:]/g, '');
          break;
        case 'time':
          v = scalar(v).replaceAll(':', '').slice(0, 6);
          break;
        case 'unit':
          v = converters.unit(scalar(v));
          break;
        case 'part':
          v = converters.part(scalar(v));
          break;
        case 'location':
          v = converters.location(scalar(v));
          break;
        case 'count':
          v = Array.isArray(v) ? v.length : 0;
          break;
        case 'decimal':
          v = scalar(v);
          break;
        case 'changeType':
          v = changeTypeCode(v);
          break;
        case 'unitPrice':
          v = perUnitPrice(v, where);
          break;
        case 'orderCurrency':
          v = orderCurrency(v, where);
          break;
      }
    }
    return v === undefined || v === null ? '' : scalar(v);
  };

  const element = (t: X12ElementTemplate, stack: readonly Frame[], where: string): string[] => {
    if (t.kind === 'literal') return [t.value];
    if (t.kind === 'composite') {
      const parts = t.components.map((c, k) => element(c, stack, `${where}.${k + 1}`)[0] ?? '');
      // A composite whose placeholders are all empty is left out (its literal qualifier with it).
      const filled = t.components.some((c, k) => c.kind !== 'literal' && parts[k] !== '');
      const anyValue = t.components.some((c) => c.kind !== 'literal');
      return [anyValue && !filled ? '' : parts.join(COMPONENT_MARK)];
    }
    const value = apply(lookup(event, stack, t.ref), t.filters, where);
    if (t.kind === 'value') return [value];
    return value === '' ? [] : [t.qualifier, value];
  };

  const present = (v: unknown): boolean =>
    v !== undefined && v !== null && v !== '' && !(Array.isArray(v) && v.length === 0);

  const holds = (c: X12OutboundCondition, stack: readonly Frame[]): boolean => {
    const v = lookup(event, stack, c.ref);
    if (c.op === 'present') return present(v);
    if (c.op === 'absent') return !present(v);
    return (scalar(v ?? '') === c.value) === (c.op === 'eq');
  };

  const walk = (nodes: readonly X12OutboundNode[], stack: Frame[], parentHl: string): boolean => {
    let wroteHl = false;
    for (const node of nodes) {
      if (!node.when.every((c) => holds(c, stack))) continue;
      if (node.kind === 'segment') {
        const values: string[] = [];
        let placeholders = 0;
        let filled = 0;
        node.elements.forEach((t, i) => {
          const got = element(t, stack, `${node.id}${String(i + 1).padStart(2, '0')}`);
          if (
            t.kind !== 'literal' &&
            !(t.kind === 'composite' && t.components.every((c) => c.kind === 'literal'))
          ) {
            placeholders++;
            if (got.some((g) => g !== '')) filled++;
          }
          values.push(...got);
        });
        // A segment whose every value is absent is not written (an optional party, reference or date),
        // unless an explicit `when` asked for it.
        if (placeholders > 0 && filled === 0 && node.when.length === 0) continue;
        rows.push([node.id, ...values]);
        continue;
      }
      const items: Frame[] = [];
      if (node.each) {
        const list = lookup(event, stack, node.each);
        if (Array.isArray(list)) list.forEach((value, index) => items.push({ value, index }));
      } else items.push(stack[stack.length - 1] ?? { value: event, index: 0 });
      for (const item of items) {
        const inner = node.each ? [...stack, item] : stack;
        if (node.hl === undefined) {
          if (walk(node.body, inner, parentHl)) wroteHl = true;
          continue;
        }
        const id = String(++hlCount);
        const row = ['HL', id, parentHl, node.hl, '0'];
        rows.push(row);
        wroteHl = true;
        if (walk(node.body, inner, id)) row[4] = '1';
      }
    }
    return wroteHl;
  };

  walk(map.body, [], '');
  return rows;
}
