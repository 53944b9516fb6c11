/**
 * Transaction-set grammars (850, 855, 856, 860, 865, 997 in 004010 and 005010; 999 in 005010) and the
 * content validator that feeds their findings into the 997/999. See docs/edi-x12.md, "Transaction-set grammars".
 */
export {
  x12GrammarValidator,
  x12ReadOptions,
  type X12GrammarFindingInfo,
  type X12GrammarValidatorOptions,
} from './content-validator.js';
export { X12GrammarRegistry, X12_GRAMMAR_SOURCES, defaultX12Grammars } from './grammar-registry.js';
export { loadGrammar, X12GrammarError } from './grammar-loader.js';
export {
  buildHierarchy,
  walkHierarchy,
  DEFAULT_MAX_HL_DEPTH,
  type X12Hierarchy,
  type X12HierarchyProblem,
  type X12HlNode,
  type X12HlRecord,
} from './hierarchy.js';
export type { X12LoopRecord, X12ParsedBody, X12ParsedSet } from './parsed-set.js';
export type * from './grammar.types.js';
