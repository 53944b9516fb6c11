/**
 * Declarative X12 maps (`edi-maps/x12/<version>/<set>.<direction>.yaml`): the file format, the loader
 * that checks them against the grammars and the event fields, and the inbound interpreter. See
 * docs/edi-x12.md, "Maps and translation".
 */
export {
  applyOverride,
  EDIFACT_MAP_LAYOUT,
  X12_MAP_LAYOUT,
  type MapFileLayout,
  compileMap,
  loadX12Maps,
  parseMapSource,
  readMapSources,
  X12MapError,
  type X12MapLoadContext,
} from './map-loader.js';
export {
  interpretInbound,
  setPath,
  type X12InboundContext,
  type X12InboundResult,
  type X12MapConverters,
} from './inbound-interpreter.js';
export type { X12InboundMapSource, X12MapOverride, X12MapSource, X12ValueKind } from './map-schema.js';
export type * from './map.types.js';
export { sumDecimals } from './value-rules.js';
export { parseSelector, ENVELOPE_VALUES, X12SelectorError, type X12Selector } from './selector.js';
export { selectAll } from './selector-compile.js';
