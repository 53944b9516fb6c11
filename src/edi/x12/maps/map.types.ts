import type { X12SetGrammar } from '../grammar/grammar.types.js';
import type { X12ValueKind } from './map-schema.js';
import type { X12Selector } from './selector.js';

/** A compiled inbound field rule. */
export interface X12ValueRule {
  /** Path of the field, relative to the collection item (or to the event at the top). */
  readonly key: string;
  /** `key` split at its dots, once at load (the interpreter sets thousands of fields per file). */
  readonly path: readonly string[];
  readonly at: readonly X12Selector[];
  readonly condition: X12Selector | undefined;
  readonly kind: X12ValueKind;
  readonly time: readonly X12Selector[];
  readonly zone: string;
  readonly codes: ReadonlyMap<string, string | readonly string[]> | undefined;
  readonly otherwise: string | readonly string[] | undefined;
  readonly constant: string | number | boolean | undefined;
  readonly fallback: string | number | boolean | undefined;
  readonly join: string | undefined;
  readonly aggregate: 'sum' | 'all' | 'count' | undefined;
  readonly itemKey: string | undefined;
  /** Rules tried in order (the first with a value wins); the rule's own selectors are then unused. */
  readonly alternatives: readonly X12ValueRule[] | undefined;
}

export interface X12CollectionRule {
  readonly key: string;
  /** `key` split at its dots. */
  readonly path: readonly string[];
  readonly loop: string | undefined;
  readonly levels: readonly string[] | undefined;
  readonly descend: boolean;
  readonly implicit: boolean;
  readonly requireAny: readonly string[];
  readonly fields: readonly X12ValueRule[];
  readonly collections: readonly X12CollectionRule[];
}

export interface X12InboundMap {
  readonly direction: 'inbound';
  /** `004010/855.inbound`. */
  readonly name: string;
  readonly set: string;
  readonly version: string;
  readonly event: string;
  readonly grammar: X12SetGrammar;
  readonly fields: readonly X12ValueRule[];
  readonly collections: readonly X12CollectionRule[];
  /** Loop ids that are collections (excluded from the scopes above them). */
  readonly collectionLoops: ReadonlySet<string>;
  /** True when collections follow the 856 HL hierarchy. */
  readonly hierarchical: boolean;
}

export type X12Filter =
  | 'date'
  | 'time'
  | 'tsdate'
  | 'tstime'
  /** A timestamp in UTC as CCYYMMDDHHMM (EDIFACT DTM 2379 203). */
  | 'tsstamp'
  | 'unit'
  | 'part'
  | 'location'
  | 'count'
  | 'decimal'
  /** POC02 of a changed 860 line, applied to the line itself (`{.|changeType}`); see change-type.ts. */
  | 'changeType'
  /** PO104 / POC06: the line's price of one unit, applied to the line (`{.|unitPrice}`); see order-values.ts. */
  | 'unitPrice'
  /** CUR02: the order's one currency, applied to the payload (`{^payload|orderCurrency}`); see order-values.ts. */
  | 'orderCurrency'
  | { readonly code: string }
  | { readonly default: string };

/**
 * `^payload.lines` from the event root, `lineNumber` from the current item, `../status` from the
 * enclosing item, `#` the item's 1-based index, `.` the item itself.
 */
export interface X12PathRef {
  readonly root: boolean;
  /** How many items up (`../`). */
  readonly up: number;
  readonly index: boolean;
  readonly path: readonly string[];
}

/** `when`: `path` (present), `!path` (absent), `path=value`, `path!=value`, joined by `&`. */
export interface X12OutboundCondition {
  readonly ref: X12PathRef;
  readonly op: 'present' | 'absent' | 'eq' | 'ne';
  readonly value: string;
}

/**
 * Joins the components of a composite template in a written row (EDIFACT): a control character no
 * EDIFACT character set allows in data, split again by the EDIFACT writer, which escapes each component.
 */
export const COMPONENT_MARK = '\u001f';

export type X12ElementTemplate =
  | { readonly kind: 'literal'; readonly value: string }
  | { readonly kind: 'composite'; readonly components: readonly X12ElementTemplate[] }
  | { readonly kind: 'value'; readonly ref: X12PathRef; readonly filters: readonly X12Filter[] }
  /** `@VP:{supplierPartNumber}`: a qualifier/value pair, left out (and the rest shifted) when empty. */
  | {
      readonly kind: 'pair';
      readonly qualifier: string;
      readonly ref: X12PathRef;
      readonly filters: readonly X12Filter[];
    };

export type X12OutboundNode =
  | {
      readonly kind: 'segment';
      readonly id: string;
      readonly elements: readonly X12ElementTemplate[];
      readonly when: readonly X12OutboundCondition[];
    }
  | {
      readonly kind: 'group';
      readonly each: X12PathRef | undefined;
      readonly hl: string | undefined;
      readonly when: readonly X12OutboundCondition[];
      readonly body: readonly X12OutboundNode[];
    };

export interface X12OutboundMap {
  readonly direction: 'outbound';
  readonly name: string;
  readonly set: string;
  readonly version: string;
  readonly event: string;
  readonly grammar: X12SetGrammar;
  readonly codes: ReadonlyMap<string, ReadonlyMap<string, string>>;
  readonly body: readonly X12OutboundNode[];
}

export type X12Map = X12InboundMap | X12OutboundMap;
