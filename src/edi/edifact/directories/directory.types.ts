/**
 * UN/EDIFACT message directories as data (ISO 9735 / UNTDID): simple data elements with their
 * format (`an..35`, `n..15`, `a3`), composites and segments as constituent lists with their status
 * (M mandatory, C conditional), and message structures as segments and segment groups in order.
 * The sources are compact and hand-written; `compileDirectory` checks and links them.
 */

/** Simple data element formats: `an..35` (up to 35), `n3` (exactly 3), `a..3`. */
export type EdifactFormatSource = string;

/** A segment or composite: constituents as `"REF STATUS"` in position order (`'C506 M'`, `'1225 C'`). */
export type EdifactConstituentsSource = string;

/** A node of a message: a segment as `"TAG STATUS MAX"` (`'BGM M 1'`) or a segment group. */
export type EdifactNodeSource = string | EdifactGroupSource;

export interface EdifactGroupSource {
  /** The group's number in the directory (`SG2`); its trigger is its first segment (always M). */
  readonly group: string;
  readonly status: 'M' | 'C';
  readonly max: number;
  readonly children: readonly EdifactNodeSource[];
}

export interface EdifactMessageSource {
  readonly type: string;
  readonly name: string;
  /** Between UNH and UNT (the service segments are the syntax engine's). */
  readonly body: readonly EdifactNodeSource[];
}

/**
 * A restriction of a message for an EANCOM subset (UNH 0057, `EAN008`): groups or segments the subset
 * makes mandatory, lower maxima, and nodes it leaves out. Paths are loop ids (`NAD`, `LIN/PRI`) or
 * `loop:TAG` for a segment (`:DTM` at the top).
 */
export interface EdifactSubsetSource {
  readonly subset: string;
  readonly message: string;
  readonly mandatory?: readonly string[];
  readonly max?: Readonly<Record<string, number>>;
  readonly removed?: readonly string[];
}

/** One directory (`D96A`): its dictionaries, messages and EANCOM subsets. */
export interface EdifactDirectorySource {
  readonly directory: string;
  readonly elements: Readonly<Record<string, EdifactFormatSource>>;
  readonly composites: Readonly<Record<string, EdifactConstituentsSource>>;
  readonly segments: Readonly<Record<string, EdifactConstituentsSource>>;
  /** Code lists checked where they decide meaning (BGM 1225); other codes are the maps' business. */
  readonly codeLists: Readonly<Record<string, readonly string[]>>;
  /**
   * Elements typed `an` whose value is a number all the same (D.01B 6060 Quantity an..35): written with
   * the partner's decimal mark like `n` elements, their syntax check the directory's (a length).
   */
  readonly decimals?: readonly string[];
  readonly messages: readonly EdifactMessageSource[];
  readonly subsets: readonly EdifactSubsetSource[];
}

// ---- compiled form ---------------------------------------------------------------------------

export interface EdifactElementFormat {
  readonly ref: string;
  /** `a` letters, `n` numeric, `an` any. */
  readonly type: 'a' | 'n' | 'an';
  readonly min: number;
  readonly max: number;
  readonly codes: ReadonlySet<string> | undefined;
  /** A number: `n`, or an `an` element of the directory's `decimals` (the decimal mark applies). */
  readonly decimal: boolean;
}

export interface EdifactConstituent {
  readonly ref: string;
  readonly mandatory: boolean;
  /** A simple element, or the components of a composite. */
  readonly format: EdifactElementFormat | undefined;
  readonly components: readonly EdifactConstituent[] | undefined;
}

export interface EdifactSegmentDef {
  readonly tag: string;
  readonly elements: readonly EdifactConstituent[];
}
