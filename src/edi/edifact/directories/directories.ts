import { compileDirectory, type EdifactMessageStructure } from './directory-loader.js';
import type { EdifactDirectorySource } from './directory.types.js';
import {
  CODE_LISTS,
  COMPOSITES_D01B_CHANGES,
  COMPOSITES_D96A,
  DECIMALS_D01B,
  ELEMENTS_D01B_CHANGES,
  ELEMENTS_D96A,
  ELEMENTS_OPEN,
  SEGMENTS_D01B_CHANGES,
  SEGMENTS_D96A,
} from './dictionary.data.js';
import { MESSAGES_D01B, MESSAGES_D96A, SUBSETS_D96A } from './messages.data.js';

export const EDIFACT_DIRECTORY_SOURCES: readonly EdifactDirectorySource[] = [
  {
    directory: 'D96A',
    elements: { ...ELEMENTS_D96A, ...ELEMENTS_OPEN },
    composites: COMPOSITES_D96A,
    segments: SEGMENTS_D96A,
    codeLists: CODE_LISTS,
    messages: MESSAGES_D96A,
    subsets: SUBSETS_D96A,
  },
  {
    directory: 'D01B',
    elements: { ...ELEMENTS_D96A, ...ELEMENTS_OPEN, ...ELEMENTS_D01B_CHANGES },
    composites: { ...COMPOSITES_D96A, ...COMPOSITES_D01B_CHANGES },
    segments: { ...SEGMENTS_D96A, ...SEGMENTS_D01B_CHANGES },
    codeLists: CODE_LISTS,
    decimals: DECIMALS_D01B,
    messages: MESSAGES_D01B,
    subsets: SUBSETS_D96A,
  },
];

/**
 * Message structures by directory, compiled once (a broken source fails the first use, loudly).
 * `find('ORDERS', 'D96A', 'EAN008')` gives the EANCOM subset when there is one, else the UNSM; CONTRL
 * (`CONTRL:D:3`, syntax 3) is found under any directory.
 */
export class EdifactDirectoryRegistry {
  private readonly byDirectory = new Map<string, Map<string, EdifactMessageStructure>>();

  constructor(sources: readonly EdifactDirectorySource[] = EDIFACT_DIRECTORY_SOURCES) {
    for (const source of sources) this.byDirectory.set(source.directory, compileDirectory(source));
  }

  find(type: string, directory: string, subset = ''): EdifactMessageStructure | undefined {
    const messages =
      this.byDirectory.get(directory) ??
      (type === 'CONTRL' ? this.byDirectory.values().next().value : undefined);
    if (!messages) return undefined;
    return (subset ? messages.get(`${type}:${subset}`) : undefined) ?? messages.get(type);
  }

  /** The directory key of a UNH S009: version `D` + release `96A` → `D96A`; CONTRL `D:3` → the first. */
  static directoryOf(version: string, release: string): string {
    return `${version}${release}`.toUpperCase();
  }

  directories(): string[] {
    return [...this.byDirectory.keys()];
  }
}

let shared: EdifactDirectoryRegistry | undefined;

/** The built-in directories (D96A, D01B) with their EANCOM subsets. */
export function defaultEdifactDirectories(): EdifactDirectoryRegistry {
  shared ??= new EdifactDirectoryRegistry();
  return shared;
}
