import { describe, expect, it } from 'vitest';
import { defaultX12Grammars } from '../grammar/grammar-registry.js';
import { COMPONENT_MARK } from '../maps/map.types.js';
import { segmentRuleFindings } from './segment-rules.js';

const REF = defaultX12Grammars().find('850', '005010')!.dictionary.get('REF')!;
const composite = (...parts: string[]) => parts.join(COMPONENT_MARK);
const messages = (row: string[]) => segmentRuleFindings(row, REF).map((f) => f.message);

describe('the rules of a written segment', () => {
  it('passes a segment that keeps them', () => {
    expect(messages(['REF', 'PP', '1'])).toEqual([]);
    expect(messages(['REF', 'PO', '4500012345', '', composite('LI', '10', 'SN', '7')])).toEqual([]);
  });

  it('names a missing mandatory element and a broken segment note', () => {
    expect(messages(['REF', '', '1'])).toEqual(['REF01 is mandatory']);
    expect(messages(['REF', 'PP'])).toEqual(['REF02 is required: at least one of them is required (R0203)']);
  });

  it("checks a present composite's mandatory components and its own notes (C040 P0304)", () => {
    const findings = segmentRuleFindings(['REF', 'PO', '1', '', composite('LI', '', 'SN')], REF);
    expect(findings.map((f) => [f.message, f.elementPosition, f.componentPosition])).toEqual([
      ['REF04-02 is mandatory', 4, 2],
      ['REF04-04 is required: the elements are paired (P0304)', 4, 4],
    ]);
  });
});
