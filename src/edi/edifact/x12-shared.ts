/**
 * What the EDIFACT side reuses from the X12 side, through one door: the set walker and parsed-set
 * builder (EDIFACT segment groups are loops with a trigger), the map layer's types and component mark,
 * and the outbound body writer. Shared by reuse, not by copying (docs/edi-edifact.md, "Maps").
 */
export type {
  X12GrammarNode,
  X12LoopNode,
  X12SegmentDef,
  X12SegmentNode,
  X12SetGrammar,
} from '../x12/grammar/grammar.types.js';
export { X12ParsedSetBuilder, type X12ParsedBody } from '../x12/grammar/parsed-set.js';
export { KeptSegment, segmentIdCode, type X12Segment } from '../x12/segment.js';
export { X12SetWalker, type X12PlacementProblem } from '../x12/grammar/set-walker.js';
export { COMPONENT_MARK, type X12OutboundMap } from '../x12/maps/map.types.js';
export { writeBody, type X12OutboundConverters } from '../x12/generator/body-writer.js';
