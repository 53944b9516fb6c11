import {
  checkNotes,
  missingElement,
  referenceOf,
  type X12ElementFinding,
} from '../grammar/element-findings.js';
import type { X12ElementDef, X12SegmentDef } from '../grammar/grammar.types.js';
import { COMPONENT_MARK } from '../maps/map.types.js';

function pad2(k: number): string {
  return k < 10 ? `0${k}` : String(k);
}

/**
 * A composite seen as a segment of its components, so that its mandatory components and its own
 * syntax notes (C001's C0504…) are checked by the same rules, named `CTP05-01` as the inbound
 * validator names them.
 */
function compositeAsSegment(segment: X12SegmentDef, k: number, e: X12ElementDef): X12SegmentDef {
  return { id: `${segment.id}${pad2(k)}-`, name: segment.name, elements: e.components!, notes: e.notes };
}

/**
 * What a partner's translator checks of one written segment beyond its values: every mandatory
 * element present, every mandatory component of a composite present, and the syntax notes that tie
 * elements together (X12.6 §3.6: P paired, R required, E exclusion, C conditional, L list
 * conditional). Presence is a non-empty value, as the inbound validator reads it (997 AK403 1, 2,
 * 10). The findings are the grammar's own (`missingElement`, `checkNotes`), in element order.
 *
 * `row` is id first, composites joined by `COMPONENT_MARK`.
 */
export function segmentRuleFindings(row: readonly string[], def: X12SegmentDef): X12ElementFinding[] {
  const out: X12ElementFinding[] = [];
  const flagged = new Set<number>();
  const isPresent = (k: number): boolean => (row[k] ?? '') !== '';
  def.elements.forEach((e, i) => {
    const k = i + 1;
    if (!isPresent(k)) {
      if (e.requirement !== 'M') return;
      flagged.add(k);
      out.push(missingElement(def, k));
      return;
    }
    if (!e.components) return;
    const parts = ['', ...row[k]!.split(COMPONENT_MARK)];
    for (const f of segmentRuleFindings(parts, compositeAsSegment(def, k, e))) {
      flagged.add(k);
      out.push({ ...f, elementPosition: k, componentPosition: f.elementPosition });
    }
  });
  checkNotes(
    def.notes,
    isPresent,
    (k) => referenceOf(def.elements[k - 1]!),
    def.id,
    flagged,
    (f) => out.push(f),
  );
  return out;
}
