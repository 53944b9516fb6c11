import { z } from 'zod';

/**
 * The file format of `edi-maps/x12/<version>/<set>.<direction>.yaml` (docs/edi-x12.md, "Maps and
 * translation"). Strict: a misspelt key is a load error, not a rule silently ignored.
 */

export const VALUE_KINDS = [
  'text',
  'decimal',
  'int',
  'date',
  'datetime',
  'unit',
  'part',
  'location',
  'sscc',
  /** EDIFACT DTM C507 2380 in one value: CCYYMMDD, CCYYMMDDHHMM or CCYYMMDDHHMMSS (2379 102/203/204). */
  'timestamp',
] as const;
export type X12ValueKind = (typeof VALUE_KINDS)[number];

const selectorList = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);

/**
 * Inbound: where a canonical field's value comes from. A string or list of strings is `at` alone; a
 * list holding rules (`[PO1.id(BP), { at: PO1.id(VP), as: part }]`) is tried rule by rule.
 */
const valueRuleSource = z.strictObject({
  /** Selectors tried in order; the first that finds a value wins (all of them with `join`/`aggregate`). */
  at: selectorList.optional(),
  /** Only when this selector finds a value (a line's currency only when the line has a price). */
  if: z.string().min(1).optional(),
  /** A fixed value (when `at` is absent, or as the value when `at` finds something and `codes` is absent). */
  const: z.union([z.string(), z.number(), z.boolean()]).optional(),
  as: z.enum(VALUE_KINDS).optional(),
  /** `datetime`: the time (HHMM[SS]); `zone`: the offset written (default Z). */
  time: selectorList.optional(),
  zone: z
    .string()
    .regex(/^(?:Z|[+-][0-9]{2}:[0-9]{2})$/)
    .optional(),
  /** Code table: X12 code → canonical value (a list makes an array). Codes not listed: `otherwise`. */
  codes: z.record(z.string(), z.union([z.string(), z.array(z.string())])).optional(),
  otherwise: z.union([z.string(), z.array(z.string())]).optional(),
  default: z.union([z.string(), z.number(), z.boolean()]).optional(),
  /** Concatenate the values of every selector that finds one. */
  join: z.string().optional(),
  /** `sum`: add every decimal found; `all`: an array of every value; `count`: how many. */
  aggregate: z.enum(['sum', 'all', 'count']).optional(),
  /** With `aggregate: all`: each value becomes `{ <itemKey>: value }` (lots: `[{ lot: … }]`). */
  itemKey: z.string().optional(),
});
export const valueSpecSource = z.union([
  selectorList,
  valueRuleSource,
  z.array(z.union([z.string().min(1), valueRuleSource])).min(1),
]);
export type X12ValueSpecSource = z.infer<typeof valueSpecSource>;

export interface X12CollectionSource {
  /** A grammar loop (`PO1`, `PO1/SCH`, `POC/ACK`) whose iterations are the items… */
  readonly loop?: string | undefined;
  /** …or 856 hierarchy levels by HL03 (`O`, `[P, T]`, `I`). */
  readonly level?: string | readonly string[] | undefined;
  /** Hierarchy: also look below a matching level (packs inside tares). */
  readonly descend?: boolean | undefined;
  /** Hierarchy: one item made of the parent itself when no level matches (S/O/I has no pack). */
  readonly implicit?: boolean | undefined;
  /** Items where none of these fields has a value are left out. */
  readonly requireAny?: readonly string[] | undefined;
  readonly fields?: Readonly<Record<string, X12ValueSpecSource>> | undefined;
  readonly collections?: Readonly<Record<string, X12CollectionSource>> | undefined;
}

export const collectionSource: z.ZodType<X12CollectionSource> = z.lazy(() =>
  z.strictObject({
    loop: z.string().optional(),
    level: z.union([z.string(), z.array(z.string())]).optional(),
    descend: z.boolean().optional(),
    implicit: z.boolean().optional(),
    requireAny: z.array(z.string()).optional(),
    fields: z.record(z.string(), valueSpecSource).optional(),
    collections: z.record(z.string(), collectionSource).optional(),
  }),
);

// X12: set `850`, version `004010`; EDIFACT: message `ORDERS`, directory `D96A`.
const header = {
  set: z.string().regex(/^(?:[0-9]{3}|[A-Z]{6})$/),
  version: z.string().regex(/^(?:[0-9]{6}|D[0-9]{2}[A-Z])$/),
  /** Canonical event name, `purchase-order.issued.v1`. */
  event: z.string().regex(/^[a-z-]+\.[a-z-]+\.v[0-9]+$/),
  description: z.string().optional(),
  /** Another version's map of the same set and direction to start from (`004010`). */
  extends: z
    .string()
    .regex(/^(?:[0-9]{6}|D[0-9]{2}[A-Z])$/)
    .optional(),
};

export const inboundMapSource = z.strictObject({
  ...header,
  direction: z.literal('inbound'),
  /** Header fields, keyed by their path in the event (`document.number`, `payload.currency`). */
  fields: z.record(z.string(), valueSpecSource).default({}),
  collections: z.record(z.string(), collectionSource).default({}),
});
export type X12InboundMapSource = z.infer<typeof inboundMapSource>;

/**
 * Outbound body nodes: a segment as a list of element templates (`[BEG, '00', SA, '{document.number}']`),
 * optionally guarded (`{ segment: [...], when: payload.billTo }`), or a group repeated for each item
 * of an array (`{ each: payload.lines, body: [...] }`), optionally as an 856 HL level (`hl: O`).
 */
/** A segment row: the id, then elements; an element given as a list is a composite (EDIFACT). */
export type X12SegmentRowSource = readonly (string | readonly string[])[];

export type X12OutboundNodeSource =
  | X12SegmentRowSource
  | { readonly segment: X12SegmentRowSource; readonly when?: string | undefined }
  | {
      readonly each?: string | undefined;
      readonly hl?: string | undefined;
      readonly when?: string | undefined;
      readonly body: readonly X12OutboundNodeSource[];
    };

const segmentRow = z.array(z.union([z.string(), z.array(z.string()).min(1)])).min(1);

export const outboundNodeSource: z.ZodType<X12OutboundNodeSource> = z.lazy(() =>
  z.union([
    segmentRow,
    z.strictObject({ segment: segmentRow, when: z.string().optional() }),
    z.strictObject({
      each: z.string().optional(),
      hl: z.string().optional(),
      when: z.string().optional(),
      body: z.array(outboundNodeSource),
    }),
  ]),
);

export const outboundMapSource = z.strictObject({
  ...header,
  direction: z.literal('outbound'),
  /** GS01 of the group (default: the set's functional id from the grammar). */
  codes: z.record(z.string(), z.record(z.string(), z.string())).default({}),
  body: z.array(outboundNodeSource).default([]),
});
export type X12OutboundMapSource = z.infer<typeof outboundMapSource>;

export const mapSource = z.discriminatedUnion('direction', [inboundMapSource, outboundMapSource]);
export type X12MapSource = z.infer<typeof mapSource>;

/**
 * Per-partner changes to an inbound map (partner profile `maps`): fields replaced by path, also inside
 * collections (`collections: { payload.lines: { fields: { … } } }`).
 */
export interface X12MapOverride {
  readonly fields?: Readonly<Record<string, unknown>> | undefined;
  readonly collections?: Readonly<Record<string, X12MapOverride>> | undefined;
}
