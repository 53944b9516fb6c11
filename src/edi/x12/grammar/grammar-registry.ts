import {
  ACK_COMPOSITES_004010,
  ACK_COMPOSITES_005010,
  ACK_ELEMENTS_004010,
  ACK_ELEMENTS_005010,
  ACK_SEGMENTS_004010,
  ACK_SEGMENTS_005010,
} from './dictionary/ack-dictionary.js';
import { ackCodeLists } from './ack-code-lists.js';
import { CODE_LISTS } from './dictionary/code-lists.js';
import { ELEMENTS_004010, ELEMENTS_005010 } from './dictionary/elements.js';
import { COMPOSITES, SEGMENTS_004010, SEGMENTS_005010 } from './dictionary/segments.js';
import { loadGrammar } from './grammar-loader.js';
import type { X12GrammarSource, X12SetGrammar } from './grammar.types.js';
import type { X12CodeVersion } from '../versions.js';
import { SET_997_004010, SET_997_005010, SET_999 } from './sets/acknowledgment.sets.js';
import { SET_850, SET_855, SET_860, SET_865 } from './sets/purchasing.sets.js';
import { SET_856 } from './sets/ship-notice.set.js';

const SETS = [SET_850, SET_855, SET_856, SET_860, SET_865];

export const X12_GRAMMAR_SOURCES: readonly X12GrammarSource[] = [
  {
    version: '004010',
    elements: { ...ELEMENTS_004010, ...ACK_ELEMENTS_004010 },
    segments: { ...SEGMENTS_004010, ...ACK_SEGMENTS_004010 },
    composites: { ...COMPOSITES, ...ACK_COMPOSITES_004010 },
    codeLists: { ...CODE_LISTS, ...ackCodeLists('004010', false) },
    // The 999 exists from 005010 on.
    sets: [...SETS, SET_997_004010],
  },
  {
    version: '005010',
    elements: { ...ELEMENTS_005010, ...ACK_ELEMENTS_005010 },
    segments: { ...SEGMENTS_005010, ...ACK_SEGMENTS_005010 },
    composites: { ...COMPOSITES, ...ACK_COMPOSITES_005010 },
    codeLists: { ...CODE_LISTS, ...ackCodeLists('005010', false) },
    sets: [...SETS, SET_997_005010, SET_999],
  },
];

/** Sets by version, compiled once on first use (a broken grammar fails the first read, loudly). */
export class X12GrammarRegistry {
  private readonly byVersion = new Map<string, Map<string, X12SetGrammar>>();

  constructor(sources: readonly X12GrammarSource[] = X12_GRAMMAR_SOURCES) {
    for (const source of sources) this.byVersion.set(source.version, loadGrammar(source));
  }

  /** The grammar for ST01 in a group whose GS08 starts with the version ("004010VICS" → 004010). */
  find(setId: string, gs08: string): X12SetGrammar | undefined {
    return this.byVersion.get(gs08.slice(0, 6))?.get(setId);
  }

  versions(): string[] {
    return [...this.byVersion.keys()];
  }
}

let shared: X12GrammarRegistry | undefined;
let strictAcks: X12GrammarRegistry | undefined;

/**
 * The 997 / 999 grammars with every code list complete (`ackCodeLists`): what the acknowledgments we
 * write are checked against. The default grammars read partners' acknowledgments, whose explanatory
 * codes they only note when unknown.
 */
export function strictAckGrammars(): X12GrammarRegistry {
  strictAcks ??= new X12GrammarRegistry(
    X12_GRAMMAR_SOURCES.map((source) => ({
      ...source,
      codeLists: { ...CODE_LISTS, ...ackCodeLists(source.version as X12CodeVersion, true) },
      sets: source.sets.filter((set) => set.setId === '997' || set.setId === '999'),
    })),
  );
  return strictAcks;
}

/** The built-in grammars (850, 855, 856, 860, 865, 997 in 004010 and 005010; 999 in 005010). */
export function defaultX12Grammars(): X12GrammarRegistry {
  shared ??= new X12GrammarRegistry();
  return shared;
}
