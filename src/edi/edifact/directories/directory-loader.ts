import type {
  X12GrammarNode,
  X12LoopNode,
  X12SegmentDef,
  X12SegmentNode,
  X12SetGrammar,
} from '../x12-shared.js';
import type {
  EdifactConstituent,
  EdifactDirectorySource,
  EdifactElementFormat,
  EdifactMessageSource,
  EdifactNodeSource,
  EdifactSegmentDef,
  EdifactSubsetSource,
} from './directory.types.js';

/** Every problem of a directory source, found at load (never while reading a message). */
export class EdifactDirectoryError extends Error {
  constructor(
    readonly directory: string,
    readonly problems: readonly string[],
  ) {
    super(`EDIFACT directory ${directory}: ${problems.length} problem(s): ${problems.join('; ')}`);
    this.name = 'EdifactDirectoryError';
  }
}

/**
 * A message structure in the form the X12 set walker and parsed-set builder read (segment groups are
 * loops whose trigger is their first segment), plus the EDIFACT element definitions of its segments.
 * Loop ids are trigger paths: `NAD`, `NAD/RFF`, `LIN/PRI`, `CPS/PAC/PCI/GIN`; the group number is the
 * loop's `code` (`SG2`).
 */
export interface EdifactMessageStructure extends X12SetGrammar {
  readonly directory: string;
  /** EANCOM subset (UNH 0057) this structure is restricted to, '' for the UNSM. */
  readonly subset: string;
  readonly segments: ReadonlyMap<string, EdifactSegmentDef>;
  /** Tags placed by the structure whose elements are not checked (no dictionary entry here). */
  readonly unchecked: ReadonlySet<string>;
}

const FORMAT = /^(a|n|an)(\.\.)?([0-9]{1,3})$/;

function parseFormat(
  ref: string,
  text: string,
  codes: readonly string[] | undefined,
  decimal: boolean,
): EdifactElementFormat | string {
  const m = FORMAT.exec(text);
  if (!m) return `element ${ref}: format "${text}" is not a, n or an with a length (an..35, n3)`;
  const max = Number(m[3]);
  const type = m[1] as EdifactElementFormat['type'];
  if (decimal && type === 'a') return `element ${ref}: a decimal cannot be alphabetic (${text})`;
  return {
    ref,
    type,
    min: m[2] ? 1 : max,
    max,
    codes: codes ? new Set(codes) : undefined,
    decimal: type === 'n' || decimal,
  };
}

/** Compiles the dictionaries of a directory: every reference resolved, every format parsed. */
function compileSegments(source: EdifactDirectorySource, problems: string[]): Map<string, EdifactSegmentDef> {
  const formats = new Map<string, EdifactElementFormat>();
  const decimals = new Set(source.decimals ?? []);
  for (const ref of decimals)
    if (source.elements[ref] === undefined)
      problems.push(`decimal ${ref} is not an element of the directory`);
  for (const [ref, text] of Object.entries(source.elements)) {
    const f = parseFormat(ref, text, source.codeLists[ref], decimals.has(ref));
    if (typeof f === 'string') problems.push(f);
    else formats.set(ref, f);
  }
  const constituent = (
    spec: string,
    where: string,
    allowComposite: boolean,
  ): EdifactConstituent | undefined => {
    const m = /^([CS]?[0-9]{3,4}) ([MC])$/.exec(spec.trim());
    if (!m) {
      problems.push(`${where}: "${spec}" is not "REF M" or "REF C"`);
      return undefined;
    }
    const ref = m[1]!;
    const mandatory = m[2] === 'M';
    if (/^[CS]/.test(ref)) {
      const composite = source.composites[ref];
      if (!allowComposite) problems.push(`${where}: composite ${ref} inside a composite`);
      if (composite === undefined) {
        problems.push(`${where}: composite ${ref} is not in the directory`);
        return undefined;
      }
      const components = composite
        .split('|')
        .map((c, i) => constituent(c, `${ref}/${i + 1}`, false))
        .filter((c): c is EdifactConstituent => c !== undefined);
      return { ref, mandatory, format: undefined, components };
    }
    const format = formats.get(ref);
    if (!format) problems.push(`${where}: element ${ref} is not in the directory`);
    return { ref, mandatory, format, components: undefined };
  };
  const out = new Map<string, EdifactSegmentDef>();
  for (const [tag, spec] of Object.entries(source.segments)) {
    if (!/^[A-Z]{3}$/.test(tag)) problems.push(`segment "${tag}" is not a three-letter tag`);
    const elements = spec
      .split('|')
      .map((e, i) => constituent(e, `${tag}/${i + 1}`, true))
      .filter((c): c is EdifactConstituent => c !== undefined);
    out.set(tag, { tag, elements });
  }
  return out;
}

interface Restrictions {
  readonly mandatory: ReadonlySet<string>;
  readonly max: ReadonlyMap<string, number>;
  readonly removed: ReadonlySet<string>;
  readonly seen: Set<string>;
}

/** One message (optionally restricted to a subset) as a linked structure. */
function compileMessage(
  directory: string,
  message: EdifactMessageSource,
  subset: EdifactSubsetSource | undefined,
  segments: ReadonlyMap<string, EdifactSegmentDef>,
  problems: string[],
): EdifactMessageStructure {
  const where = `${message.type}${subset ? ` (${subset.subset})` : ''}`;
  const restrictions: Restrictions = {
    mandatory: new Set(subset?.mandatory ?? []),
    max: new Map(Object.entries(subset?.max ?? {})),
    removed: new Set(subset?.removed ?? []),
    seen: new Set(),
  };
  const loops = new Map<string, X12LoopNode>();
  const segmentIds = new Set<string>();
  const unchecked = new Set<string>();
  const dictionary = new Map<string, X12SegmentDef>();
  const defOf = (tag: string): X12SegmentDef => {
    let def = dictionary.get(tag);
    if (!def) {
      def = { id: tag, name: tag, elements: [], notes: [] };
      dictionary.set(tag, def);
    }
    return def;
  };
  for (const tag of segments.keys()) defOf(tag);

  const build = (
    nodes: readonly EdifactNodeSource[],
    loop: { id: string; parent: X12LoopNode | undefined; depth: number; index: number },
    code: string,
    usage: 'M' | 'O',
    max: number,
  ): X12LoopNode => {
    const children: X12GrammarNode[] = [];
    const node: X12LoopNode = {
      kind: 'loop',
      id: loop.id,
      code,
      usage,
      max,
      trigger: '',
      children,
      index: loop.index,
      parent: loop.parent,
      depth: loop.depth,
    };
    for (const [i, child] of nodes.entries()) {
      if (typeof child === 'string') {
        const m = /^([A-Z]{3}) ([MC]) ([0-9]+)$/.exec(child);
        if (!m) {
          problems.push(`${where} ${loop.id || 'body'}: "${child}" is not "TAG M|C MAX"`);
          continue;
        }
        const tag = m[1]!;
        const path = `${loop.id}:${tag}`;
        if (restrictions.removed.has(path)) {
          restrictions.seen.add(path);
          continue;
        }
        if (i === 0 && loop.parent && (m[2] !== 'M' || m[3] !== '1'))
          problems.push(`${where} ${loop.id}: a group's first segment is M 1 (ISO 9735-1 §9.3)`);
        segmentIds.add(tag);
        if (!segments.has(tag)) unchecked.add(tag);
        const forced = restrictions.mandatory.has(path);
        if (forced) restrictions.seen.add(path);
        const limit = restrictions.max.get(path);
        if (limit !== undefined) restrictions.seen.add(path);
        const segment: X12SegmentNode = {
          kind: 'segment',
          id: tag,
          usage: m[2] === 'M' || forced ? 'M' : 'O',
          max: Math.min(Number(m[3]), limit ?? Infinity),
          def: defOf(tag),
          index: children.length,
          parent: node,
        };
        children.push(segment);
        continue;
      }
      const first = child.children[0];
      const trigger = typeof first === 'string' ? first.slice(0, 3) : '';
      if (!trigger) {
        problems.push(`${where} ${child.group}: a group starts with a segment`);
        continue;
      }
      let id = loop.id ? `${loop.id}/${trigger}` : trigger;
      if (loops.has(id)) id = `${id}#${child.group}`;
      if (restrictions.removed.has(id)) {
        restrictions.seen.add(id);
        continue;
      }
      const forced = restrictions.mandatory.has(id);
      if (forced) restrictions.seen.add(id);
      const limit = restrictions.max.get(id);
      if (limit !== undefined) restrictions.seen.add(id);
      const inner = build(
        child.children,
        { id, parent: node, depth: loop.depth + 1, index: children.length },
        child.group,
        child.status === 'M' || forced ? 'M' : 'O',
        Math.min(child.max, limit ?? Infinity),
      );
      (inner as { trigger: string }).trigger = trigger;
      loops.set(id, inner);
      children.push(inner);
    }
    return node;
  };
  const root = build(message.body, { id: '', parent: undefined, depth: 0, index: 0 }, '', 'M', 1);
  for (const path of [...restrictions.mandatory, ...restrictions.max.keys(), ...restrictions.removed])
    if (!restrictions.seen.has(path)) problems.push(`${where}: subset path ${path} is not in the message`);
  return {
    setId: message.type,
    name: message.name,
    functionalId: message.type,
    version: directory,
    directory,
    subset: subset?.subset ?? '',
    root,
    segmentIds,
    dictionary,
    loops,
    segments,
    unchecked,
  };
}

/** Every message of a directory and its subsets, keyed `ORDERS` and `ORDERS:EAN008`. */
export function compileDirectory(source: EdifactDirectorySource): Map<string, EdifactMessageStructure> {
  const problems: string[] = [];
  const segments = compileSegments(source, problems);
  const out = new Map<string, EdifactMessageStructure>();
  for (const message of source.messages) {
    if (out.has(message.type)) problems.push(`message ${message.type} defined twice`);
    out.set(message.type, compileMessage(source.directory, message, undefined, segments, problems));
  }
  for (const subset of source.subsets) {
    const message = source.messages.find((m) => m.type === subset.message);
    if (!message) {
      problems.push(`subset ${subset.subset}: no message ${subset.message}`);
      continue;
    }
    out.set(
      `${message.type}:${subset.subset}`,
      compileMessage(source.directory, message, subset, segments, problems),
    );
  }
  if (problems.length > 0) throw new EdifactDirectoryError(source.directory, problems);
  return out;
}
