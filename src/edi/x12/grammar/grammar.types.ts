/**
 * Transaction-set grammars as data (X12.6 §3: segments, loops, requirement designators, max use;
 * X12.6 §3.6 relational conditions). Source files are compact and hand-written; `loadGrammar`
 * checks and compiles them into the linked form the validator walks.
 */

/** X12 data element types (X12.6 §3.3.5). `N0`…`N9` are numeric with that many implied decimals. */
export type X12ElementType = 'AN' | 'ID' | 'DT' | 'TM' | 'R' | 'N0' | 'N1' | 'N2' | 'N3' | 'N4' | 'N6';

/** Requirement designator: Mandatory, Optional, relational (X = conditional, governed by a syntax note). */
export type X12Requirement = 'M' | 'O' | 'X';

/**
 * A code list. `complete` lists are the whole code set of the version (a value outside it is AK403 7);
 * `common` lists name the codes we expect, but the standard's list is larger than what is written
 * here, so an unknown value is a warning for the operator, never a rejection.
 */
export interface X12CodeListSource {
  readonly scope: 'complete' | 'common';
  readonly codes: readonly string[];
}

/** Data element dictionary: reference number → `"TYPE min/max"`, e.g. `'373': 'DT 8/8'`. */
export type X12ElementDictionarySource = Readonly<Record<string, string>>;

/**
 * A segment or composite: its elements as `"REF REQ"` strings in position order (`'353 M'`,
 * `'C040 O'`; a repeating element adds its maximum repetitions, `'C998 M 10'`), and its syntax notes as written in the standard (`'P0304'`, `'R0203'`, `'C0605'`,
 * `'E0102'`, `'L030405'`).
 */
export interface X12SegmentSource {
  readonly name: string;
  readonly elements: readonly string[];
  readonly notes?: readonly string[];
}

export type X12SegmentDictionarySource = Readonly<Record<string, X12SegmentSource>>;

/**
 * A node of a set's structure: a segment as `"ID USAGE MAX"` (`'BEG M 1'`, `'REF O >1'` for
 * unbounded) or a loop. The first child of a loop is its trigger segment.
 */
export type X12NodeSource = string | X12LoopSource;

export interface X12LoopSource {
  /** Unique within the set (checked at load), e.g. `N1` or `PO1/N1`. */
  readonly loop: string;
  /** AK303 / IK303 loop identifier (AN 1/4); default: the trigger segment id. */
  readonly code?: string;
  readonly usage: 'M' | 'O';
  /** Maximum iterations; `'>1'` for unbounded. */
  readonly max: number | '>1';
  readonly children: readonly X12NodeSource[];
}

export interface X12SetSource {
  readonly setId: string;
  readonly name: string;
  /** GS01 the set travels in. */
  readonly functionalId: string;
  /** Body between ST and SE, in order. */
  readonly body: readonly X12NodeSource[];
}

/** Everything one version needs: dictionaries and the sets defined in them. */
export interface X12GrammarSource {
  readonly version: '004010' | '005010';
  readonly elements: X12ElementDictionarySource;
  readonly segments: X12SegmentDictionarySource;
  readonly composites: X12SegmentDictionarySource;
  readonly codeLists: Readonly<Record<string, X12CodeListSource>>;
  readonly sets: readonly X12SetSource[];
}

// ---- compiled form ---------------------------------------------------------------------------

export interface X12CodeList {
  readonly scope: 'complete' | 'common';
  readonly codes: ReadonlySet<string>;
}

export interface X12ElementDef {
  /** Dictionary reference (`353`) or composite id (`C040`). */
  readonly ref: string;
  readonly requirement: X12Requirement;
  readonly type: X12ElementType | 'composite';
  readonly min: number;
  readonly max: number;
  readonly codes: X12CodeList | undefined;
  /** Maximum repetitions (X12.6 §3.7, from 004020 on): 1 for an element that does not repeat. */
  readonly repeat: number;
  /** Components, when `type` is `composite`. */
  readonly components: readonly X12ElementDef[] | undefined;
  /** Syntax notes of the composite (positions are component positions). */
  readonly notes: readonly X12SyntaxNote[];
}

export type X12SyntaxNoteKind = 'P' | 'R' | 'E' | 'C' | 'L';

export interface X12SyntaxNote {
  readonly kind: X12SyntaxNoteKind;
  /** 1-based element positions, first one first (the "if" element of C and L). */
  readonly positions: readonly number[];
  /** As written, e.g. `P0607`. */
  readonly text: string;
}

export interface X12SegmentDef {
  readonly id: string;
  readonly name: string;
  readonly elements: readonly X12ElementDef[];
  readonly notes: readonly X12SyntaxNote[];
}

export interface X12SegmentNode {
  readonly kind: 'segment';
  readonly id: string;
  readonly usage: 'M' | 'O';
  readonly max: number;
  readonly def: X12SegmentDef;
  /** Index among the parent loop's children. */
  readonly index: number;
  readonly parent: X12LoopNode;
}

export interface X12LoopNode {
  readonly kind: 'loop';
  readonly id: string;
  /** AK303 / IK303 value; '' for the set itself. */
  readonly code: string;
  readonly usage: 'M' | 'O';
  readonly max: number;
  /** Trigger segment id ('' for the set itself). */
  readonly trigger: string;
  readonly children: readonly X12GrammarNode[];
  readonly index: number;
  readonly parent: X12LoopNode | undefined;
  /** Depth of nesting, the set itself being 0. */
  readonly depth: number;
}

export type X12GrammarNode = X12SegmentNode | X12LoopNode;

export interface X12SetGrammar {
  readonly setId: string;
  readonly name: string;
  readonly functionalId: string;
  /** `004010`, `005010`; an EDIFACT directory (`D96A`) for message structures compiled to this form. */
  readonly version: string;
  /** The set body as a loop with no trigger. */
  readonly root: X12LoopNode;
  /** Every segment id used anywhere in the set. */
  readonly segmentIds: ReadonlySet<string>;
  /** The version's whole segment dictionary (to tell AK304 1 from 6). */
  readonly dictionary: ReadonlyMap<string, X12SegmentDef>;
  /** Every loop by id. */
  readonly loops: ReadonlyMap<string, X12LoopNode>;
}
