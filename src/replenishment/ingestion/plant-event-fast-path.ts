import type { z } from 'zod';
import { isZero, type DecimalString } from '../../canonical/decimal.js';
import { isStorableText } from '../../canonical/events/values.js';
import {
  inventoryAdjustedV1,
  materialConsumedV1,
  productionCompletedV1,
} from '../../canonical/events/plant-events.js';
import type { PlantEvent } from './plant-event-normalizer.js';

/**
 * A faster check of the three plant event shapes for the common case: an event that is valid as
 * it stands. zod's generic object and issue machinery costs about 7 µs per event, most of the
 * gateway's work per ingested event besides JSON parsing; this walks the same schemas by hand.
 *
 * Only the structure is written out here (strict objects, required and optional keys, arrays, the
 * payloads' cross-field rules). Every leaf value (ids, codes, timestamps, decimals, units, enums)
 * is checked by the rules of its own zod schema in the catalogue, read from the schema (length
 * bounds, patterns, members) or, for a rule not read that way, by the schema's safeParse; so the
 * rules stay in one place.
 * The output is built as zod builds it: new objects, keys in the schema's order, optional keys
 * absent when absent. Anything this does not accept — an invalid event, an unusual one (a key
 * present with `undefined`), a schema changed since — yields `undefined`, and the caller runs the
 * catalogue's zod validation, which gives the answer and the error messages. So this can only
 * make the accepted case faster, never change an answer (plant-event-fast-path.spec.ts compares
 * both on valid and broken events).
 */
export function fastParsePlantEvent(input: unknown): PlantEvent | undefined {
  if (typeof input !== 'object' || input === null) return undefined;
  const { type, schemaVersion } = input as { type?: unknown; schemaVersion?: unknown };
  if (schemaVersion !== 'v1' || typeof type !== 'string') return undefined;
  const check = FAST_CHECKS.get(type);
  if (check === undefined) return undefined;
  const output = check(input);
  return output === FAIL ? undefined : (output as PlantEvent);
}

/** The plant event types the fast path knows (the others, and changed schemas, always take zod's). */
export function fastPathTypes(): string[] {
  return [...FAST_CHECKS.keys()];
}

const FAIL = Symbol('invalid');

/** Returns the value as zod would output it, or FAIL. */
type Check = (value: unknown) => unknown;

/** zod's definition of a schema (`_zod.def`, zod's introspection surface), read only. */
interface ZodDef {
  readonly type: string;
  readonly checks?: readonly { readonly _zod: { readonly def: ZodCheckDef } }[];
  readonly pattern?: RegExp;
  readonly entries?: Readonly<Record<string, unknown>>;
  readonly values?: readonly unknown[];
  readonly innerType?: z.ZodType;
  readonly format?: string;
  readonly coerce?: boolean;
}

/** String formats zod checks by their pattern alone (uuid, ISO date-time, ISO date). */
const PATTERN_FORMATS = new Set(['uuid', 'datetime', 'date']);

interface ZodCheckDef {
  readonly check: string;
  readonly fn?: unknown;
  readonly format?: string;
  readonly pattern?: RegExp;
  readonly minimum?: number;
  readonly maximum?: number;
}

function defOf(schema: z.ZodType): ZodDef {
  return (schema as unknown as { _zod: { def: ZodDef } })._zod.def;
}

/** Number of refinements/checks zod keeps on a schema. */
function checksOf(schema: z.ZodType): number {
  return defOf(schema).checks?.length ?? 0;
}

/**
 * A value zod passes through unchanged (strings, enums, literals, booleans, null), checked with the
 * rules of the leaf's own definition: string type, length bounds, its regex and format patterns
 * (uuid, ISO date-time), enum members, literals. A leaf with anything else is asked of zod itself.
 */
function leaf(schema: z.ZodType): Check {
  const valid = leafTest(schema);
  return (value) => (valid(value) ? value : FAIL);
}

function leafTest(schema: z.ZodType): (value: unknown) => boolean {
  const asked = (value: unknown) => schema.safeParse(value).success;
  const def = defOf(schema);
  switch (def.type) {
    case 'string': {
      // Formats whose whole rule is their pattern; any other (url, email, jwt…) is asked of zod.
      if (def.coerce) return asked;
      if (def.format !== undefined && !(PATTERN_FORMATS.has(def.format) && def.pattern)) return asked;
      let min = 0;
      let max = Infinity;
      const patterns: RegExp[] = def.pattern ? [def.pattern] : [];
      let storable = false;
      for (const check of def.checks ?? []) {
        const c = check._zod.def;
        if (c.check === 'min_length' && c.minimum !== undefined) min = Math.max(min, c.minimum);
        else if (c.check === 'max_length' && c.maximum !== undefined) max = Math.min(max, c.maximum);
        else if (c.check === 'string_format' && c.format === 'regex' && c.pattern) patterns.push(c.pattern);
        // text()'s refinement: no U+0000, no lone surrogate (the one refinement read by its function).
        else if (c.check === 'custom' && c.fn === isStorableText) storable = true;
        else return asked;
      }
      // Stateful (global or sticky) patterns would answer differently from call to call.
      if (patterns.some((p) => p.global || p.sticky)) return asked;
      const [first, ...others] = patterns;
      const shaped: (value: unknown) => value is string =
        first === undefined
          ? (value): value is string =>
              typeof value === 'string' && value.length >= min && value.length <= max
          : others.length === 0
            ? (value): value is string =>
                typeof value === 'string' && value.length >= min && value.length <= max && first.test(value)
            : (value): value is string =>
                typeof value === 'string' &&
                value.length >= min &&
                value.length <= max &&
                patterns.every((p) => p.test(value));
      return storable ? (value) => shaped(value) && isStorableText(value) : shaped;
    }
    case 'enum': {
      if (checksOf(schema) > 0 || !def.entries) return asked;
      const members = new Set(Object.values(def.entries));
      return (value) => members.has(value);
    }
    case 'literal': {
      if (checksOf(schema) > 0 || !def.values) return asked;
      const values = def.values;
      return (value) => values.includes(value);
    }
    case 'boolean':
      return checksOf(schema) > 0 ? asked : (value) => typeof value === 'boolean';
    case 'nullable': {
      if (checksOf(schema) > 0 || !def.innerType) return asked;
      const inner = leafTest(def.innerType);
      return (value) => value === null || inner(value);
    }
    case 'optional': {
      if (checksOf(schema) > 0 || !def.innerType) return asked;
      const inner = leafTest(def.innerType);
      return (value) => value === undefined || inner(value);
    }
    default:
      return asked;
  }
}

interface Field {
  readonly key: string;
  readonly optional: boolean;
  readonly check: Check;
}

/**
 * A strict object: every key of the schema in its order, no other key. `nested` gives the checks
 * of keys that are objects or arrays; `refine` is the schema's own cross-field rule, and the
 * schema must have exactly as many refinements as are given here (else the fast path is off).
 */
function strictObject(
  schema: z.ZodObject,
  nested: Readonly<Record<string, Check>> = {},
  refine?: (output: Record<string, unknown>) => boolean,
): Check {
  if (checksOf(schema) !== (refine ? 1 : 0))
    throw new Error('the schema has refinements the fast path does not know');
  const fields: Field[] = Object.entries(schema.shape as Record<string, z.ZodType>).map(([key, field]) => ({
    key,
    // Optional exactly when zod accepts the key missing.
    optional: field.safeParse(undefined).success,
    check: nested[key] ?? leaf(field),
  }));
  for (const key of Object.keys(nested))
    if (!fields.some((f) => f.key === key)) throw new Error(`the schema has no key ${key}`);
  return (input) => {
    if (typeof input !== 'object' || input === null || Array.isArray(input)) return FAIL;
    const source = input as Record<string, unknown>;
    const output: Record<string, unknown> = {};
    let present = 0;
    for (const { key, optional, check } of fields) {
      const value = source[key];
      if (value === undefined) {
        // Missing; a key present with undefined (not JSON) fails the count of keys below.
        if (!optional) return FAIL;
        continue;
      }
      const checked = check(value);
      if (checked === FAIL) return FAIL;
      output[key] = checked;
      present += 1;
    }
    // Strict: a key the schema does not have is an error (zod's, with its message). Counting
    // the object's own keys finds it without a lookup per absent optional key.
    let keys = 0;
    for (const key in source) if (Object.hasOwn(source, key)) keys += 1;
    if (keys !== present) return FAIL;
    return refine === undefined || refine(output) ? output : FAIL;
  };
}

function optionalObject(schema: z.ZodType, build: (inner: z.ZodObject) => Check): Check {
  return build((schema as z.ZodOptional<z.ZodObject>).unwrap());
}

function array(schema: z.ZodArray, element: Check, min = 0): Check {
  if (checksOf(schema) !== (min > 0 ? 1 : 0))
    throw new Error('the array has checks the fast path does not know');
  return (input) => {
    if (!Array.isArray(input) || input.length < min) return FAIL;
    const output: unknown[] = new Array(input.length);
    for (let i = 0; i < input.length; i++) {
      const checked = element(input[i]);
      if (checked === FAIL) return FAIL;
      output[i] = checked;
    }
    return output;
  };
}

/** The envelope of a plant event (envelope.ts, defineEvent) around the payload's check. */
function envelope(schema: z.ZodObject, payload: Check): Check {
  const shape = schema.shape as Record<string, z.ZodType>;
  return strictObject(schema, {
    document: strictObject(shape.document as z.ZodObject),
    source: optionalObject(shape.source!, (inner) => strictObject(inner)),
    payload,
  });
}

/** A consumed item (plant-events.ts): material fields, quantities, optional lots. */
function consumedItem(schema: z.ZodObject): Check {
  const shape = schema.shape as Record<string, z.ZodType>;
  return strictObject(schema, {
    quantity: strictObject(shape.quantity as z.ZodObject),
    standardQuantity: optionalObject(shape.standardQuantity!, (inner) => strictObject(inner)),
    lots: optionalObject(shape.lots!, (inner) => {
      const lots = inner as unknown as z.ZodArray;
      const lot = lots.element as z.ZodObject;
      const lotShape = lot.shape as Record<string, z.ZodType>;
      return array(
        lots,
        strictObject(lot, {
          quantity: optionalObject(lotShape.quantity!, (q) => strictObject(q)),
        }),
      );
    }),
  });
}

interface QuantityOut {
  readonly value: string;
  readonly unit: string;
}

function materialConsumed(): Check {
  const payload = materialConsumedV1.shape.payload;
  const items = payload.shape.items;
  return envelope(
    materialConsumedV1,
    strictObject(payload, { items: array(items, consumedItem(items.element), 1) }),
  );
}

function productionCompleted(): Check {
  const payload = productionCompletedV1.shape.payload;
  const components = payload.shape.components;
  const shape = payload.shape as Record<string, z.ZodType>;
  return envelope(
    productionCompletedV1,
    strictObject(
      payload,
      {
        finishedQuantity: strictObject(shape.finishedQuantity as z.ZodObject),
        scrapQuantity: strictObject(shape.scrapQuantity as z.ZodObject),
        components: array(components, consumedItem(components.element)),
      },
      // plant-events.ts: scrap in the unit of the finished quantity.
      (done) => (done.scrapQuantity as QuantityOut).unit === (done.finishedQuantity as QuantityOut).unit,
    ),
  );
}

function inventoryAdjusted(): Check {
  const payload = inventoryAdjustedV1.shape.payload;
  const shape = payload.shape as Record<string, z.ZodType>;
  return envelope(
    inventoryAdjustedV1,
    strictObject(
      payload,
      {
        change: strictObject(shape.change as z.ZodObject),
        quantityAfter: optionalObject(shape.quantityAfter!, (inner) => strictObject(inner)),
      },
      // plant-events.ts: an adjustment is not 0; quantityAfter is in the unit of the change.
      (adjustment) => {
        const change = adjustment.change as QuantityOut;
        const after = adjustment.quantityAfter as QuantityOut | undefined;
        return !isZero(change.value as DecimalString) && (after === undefined || after.unit === change.unit);
      },
    ),
  );
}

/** Built once; a schema the fast path cannot follow leaves its type to zod alone. */
const FAST_CHECKS = new Map<string, Check>();
for (const [type, build] of [
  ['material.consumed', materialConsumed],
  ['production.completed', productionCompleted],
  ['inventory.adjusted', inventoryAdjusted],
] as const) {
  try {
    FAST_CHECKS.set(type, build());
  } catch {
    // Left to zod; plant-event-fast-path.spec.ts fails so that someone looks.
  }
}
