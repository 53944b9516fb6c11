import type {
  X12CodeList,
  X12ElementDef,
  X12ElementType,
  X12GrammarNode,
  X12GrammarSource,
  X12LoopNode,
  X12NodeSource,
  X12SegmentDef,
  X12SegmentSource,
  X12SetGrammar,
  X12SyntaxNote,
  X12SyntaxNoteKind,
} from './grammar.types.js';

/** A grammar that does not hold together. Thrown at load, listing every problem found, never at runtime. */
export class X12GrammarError extends Error {
  override readonly name = 'X12GrammarError';

  constructor(
    readonly source: string,
    readonly problems: readonly string[],
  ) {
    super(`invalid X12 grammar ${source}:\n  - ${problems.join('\n  - ')}`);
  }
}

const TYPES: ReadonlySet<string> = new Set(['AN', 'ID', 'DT', 'TM', 'R', 'N0', 'N1', 'N2', 'N3', 'N4', 'N6']);
const ELEMENT = /^(AN|ID|DT|TM|R|N\d) (\d+)\/(\d+)$/;
const NODE = /^([A-Z0-9]{2,3}) ([MO]) (\d+|>1)$/;
const NOTE = /^([PRECL])((?:\d\d){2,})$/;
/** ">1" (unbounded) is bounded in practice: no counter can reach it. */
const UNBOUNDED = Number.MAX_SAFE_INTEGER;

/**
 * Checks a grammar source (dictionaries, code lists, every set) and compiles it into linked nodes.
 * Every problem is collected, then thrown together: unknown elements or segments, malformed
 * element specs, bad min/max, syntax notes pointing past a segment's end, duplicate loop ids, loops
 * without a trigger segment.
 */
export function loadGrammar(source: X12GrammarSource): Map<string, X12SetGrammar> {
  const problems: string[] = [];
  const codeLists = compileCodeLists(source, problems);
  const elementSpec = (
    ref: string,
    where: string,
  ): { type: X12ElementType; min: number; max: number } | undefined => {
    const spec = source.elements[ref];
    if (spec === undefined) {
      problems.push(`${where}: unknown data element ${ref}`);
      return undefined;
    }
    const m = ELEMENT.exec(spec);
    if (!m || !TYPES.has(m[1]!)) {
      problems.push(`data element ${ref}: "${spec}" is not "TYPE min/max"`);
      return undefined;
    }
    const min = Number(m[2]);
    const max = Number(m[3]);
    if (min < 1 || max < min) problems.push(`data element ${ref}: bad min/max ${min}/${max}`);
    return { type: m[1] as X12ElementType, min, max };
  };

  const composites = new Map<string, X12ElementDef[]>();
  const compositeNotes = new Map<string, X12SyntaxNote[]>();
  for (const [id, composite] of Object.entries(source.composites)) {
    const components = compileElements(
      composite,
      `composite ${id}`,
      (ref, where) => {
        const spec = elementSpec(ref, where);
        return spec && { ...spec, codes: codeLists.get(ref), components: undefined, notes: [] };
      },
      problems,
    );
    composites.set(id, components);
    compositeNotes.set(id, compileNotes(composite, components.length, `composite ${id}`, problems));
  }

  const dictionary = new Map<string, X12SegmentDef>();
  for (const [id, segment] of Object.entries(source.segments)) {
    if (!/^[A-Z0-9]{2,3}$/.test(id)) problems.push(`segment id "${id}" is not 2–3 letters or digits`);
    const elements = compileElements(
      segment,
      `segment ${id}`,
      (ref, where) => {
        if (/^C\d{3}$/.test(ref)) {
          const components = composites.get(ref);
          if (!components) {
            problems.push(`${where}: unknown composite ${ref}`);
            return undefined;
          }
          return {
            type: 'composite',
            min: 0,
            max: 0,
            codes: undefined,
            components,
            notes: compositeNotes.get(ref)!,
          };
        }
        const spec = elementSpec(ref, where);
        return spec && { ...spec, codes: codeLists.get(ref), components: undefined, notes: [] };
      },
      problems,
    );
    const notes = compileNotes(segment, elements.length, `segment ${id}`, problems);
    dictionary.set(id, Object.freeze({ id, name: segment.name, elements, notes }));
  }

  const sets = new Map<string, X12SetGrammar>();
  for (const set of source.sets) {
    const where = `set ${set.setId} (${source.version})`;
    if (sets.has(set.setId)) problems.push(`${where}: defined twice`);
    const loops = new Map<string, X12LoopNode>();
    const segmentIds = new Set<string>();
    const root = compileLoop({ loop: '', usage: 'M', max: 1, children: set.body }, undefined, 0, 0, {
      where,
      dictionary,
      loops,
      segmentIds,
      problems,
    });
    sets.set(
      set.setId,
      Object.freeze({
        setId: set.setId,
        name: set.name,
        functionalId: set.functionalId,
        version: source.version,
        root,
        segmentIds,
        dictionary,
        loops,
      }),
    );
  }
  if (problems.length > 0) throw new X12GrammarError(source.version, problems);
  return sets;
}

function compileCodeLists(source: X12GrammarSource, problems: string[]): Map<string, X12CodeList> {
  const out = new Map<string, X12CodeList>();
  for (const [ref, list] of Object.entries(source.codeLists)) {
    if (source.elements[ref] === undefined) problems.push(`code list for unknown data element ${ref}`);
    if (list.codes.length === 0) problems.push(`code list ${ref} is empty`);
    const codes = new Set(list.codes);
    if (codes.size !== list.codes.length) problems.push(`code list ${ref} repeats a code`);
    out.set(ref, Object.freeze({ scope: list.scope, codes }));
  }
  return out;
}

type Resolve = (
  ref: string,
  where: string,
) => Omit<X12ElementDef, 'ref' | 'requirement' | 'repeat'> | undefined;

function compileElements(
  segment: X12SegmentSource,
  where: string,
  resolve: Resolve,
  problems: string[],
): X12ElementDef[] {
  if (segment.elements.length === 0) problems.push(`${where}: no elements`);
  return segment.elements.map((spec, k) => {
    const at = `${where} element ${k + 1}`;
    const [ref = '', requirement = '', repeats, ...extra] = spec.split(' ');
    if (!['M', 'O', 'X'].includes(requirement))
      problems.push(`${at}: requirement "${requirement}" is not M, O or X`);
    const repeat = repeats === undefined ? 1 : Number(repeats);
    if (!Number.isInteger(repeat) || repeat < 1 || extra.length > 0)
      problems.push(`${at}: "${spec}" is not "REF REQ" or "REF REQ REPEAT"`);
    const resolved = resolve(ref, at) ?? {
      type: 'AN',
      min: 1,
      max: 1,
      codes: undefined,
      components: undefined,
      notes: [],
    };
    return Object.freeze({
      ref,
      requirement: requirement as X12ElementDef['requirement'],
      repeat: Number.isInteger(repeat) && repeat >= 1 ? repeat : 1,
      ...resolved,
    });
  });
}

function compileNotes(
  segment: X12SegmentSource,
  count: number,
  where: string,
  problems: string[],
): X12SyntaxNote[] {
  return (segment.notes ?? []).map((text) => {
    const m = NOTE.exec(text);
    if (!m) {
      problems.push(`${where}: syntax note "${text}" is not P/R/E/C/L followed by two-digit positions`);
      return { kind: 'P', positions: [], text };
    }
    const positions = (m[2]!.match(/\d\d/g) ?? []).map(Number);
    for (const p of positions) {
      if (p < 1 || p > count) problems.push(`${where}: syntax note ${text} names position ${p} of ${count}`);
    }
    if (new Set(positions).size !== positions.length)
      problems.push(`${where}: syntax note ${text} repeats a position`);
    if (m[1] === 'L' && positions.length < 3)
      problems.push(`${where}: list condition ${text} needs three positions`);
    return Object.freeze({ kind: m[1] as X12SyntaxNoteKind, positions, text });
  });
}

interface LoopContext {
  readonly where: string;
  readonly dictionary: ReadonlyMap<string, X12SegmentDef>;
  readonly loops: Map<string, X12LoopNode>;
  readonly segmentIds: Set<string>;
  readonly problems: string[];
}

function compileLoop(
  source: {
    loop: string;
    code?: string;
    usage: 'M' | 'O';
    max: number | '>1';
    children: readonly X12NodeSource[];
  },
  parent: X12LoopNode | undefined,
  index: number,
  depth: number,
  ctx: LoopContext,
): X12LoopNode {
  const { where, problems } = ctx;
  const isRoot = parent === undefined;
  const max = source.max === '>1' ? UNBOUNDED : source.max;
  if (!isRoot) {
    if (!/^[A-Z0-9/]{1,16}$/.test(source.loop))
      problems.push(`${where}: loop id "${source.loop}" is malformed`);
    if (ctx.loops.has(source.loop)) problems.push(`${where}: duplicate loop id ${source.loop}`);
    if (!Number.isInteger(max) || max < 1)
      problems.push(`${where}: loop ${source.loop} has bad max ${String(source.max)}`);
    if (source.code !== undefined && !/^[A-Z0-9]{1,4}$/.test(source.code))
      problems.push(`${where}: loop ${source.loop} code "${source.code}" is not AN 1/4`);
  }
  const children: X12GrammarNode[] = [];
  const node: X12LoopNode = {
    kind: 'loop',
    id: source.loop,
    code: '',
    usage: source.usage,
    max,
    trigger: '',
    children,
    index,
    parent,
    depth,
  };
  source.children.forEach((child, k) => {
    if (typeof child === 'string') {
      const m = NODE.exec(child);
      if (!m) {
        problems.push(`${where}: node "${child}" is not "ID USAGE MAX"`);
        return;
      }
      const def = ctx.dictionary.get(m[1]!);
      if (!def) {
        problems.push(`${where}: unknown segment id ${m[1]} in loop ${source.loop || '(set)'}`);
        return;
      }
      const segMax = m[3] === '>1' ? UNBOUNDED : Number(m[3]);
      if (segMax < 1) problems.push(`${where}: segment ${m[1]} has bad max ${m[3]}`);
      ctx.segmentIds.add(def.id);
      children.push(
        Object.freeze({
          kind: 'segment',
          id: def.id,
          usage: m[2] as 'M' | 'O',
          max: segMax,
          def,
          index: children.length,
          parent: node,
        }),
      );
    } else {
      children.push(compileLoop(child, node, children.length, depth + 1, ctx));
    }
    void k;
  });
  if (!isRoot) {
    const first = children[0];
    if (!first || first.kind !== 'segment') {
      problems.push(`${where}: loop ${source.loop} does not start with a segment`);
    } else {
      Object.assign(node, { trigger: first.id, code: source.code ?? first.id });
    }
    ctx.loops.set(source.loop, node);
  }
  if (children.length === 0) problems.push(`${where}: loop ${source.loop || '(set)'} is empty`);
  return Object.freeze(node);
}
