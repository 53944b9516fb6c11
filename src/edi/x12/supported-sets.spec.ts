import { describe, expect, it } from 'vitest';
import { gs, isa, PO_BODY, set } from './fixtures/build.js';
import { validateX12 } from './reader.js';
import { isSupportedX12Set } from './supported-sets.js';

describe('supported sets', () => {
  it('takes 850/855/856/860/865/997/999 in 004010 and 005010, industry identifiers included', () => {
    for (const version of ['004010', '004010VICS', '005010', '005010X231A1']) {
      for (const setId of ['850', '855', '856', '860', '865', '997', '999']) {
        expect(isSupportedX12Set({ setId, version }), `${setId} ${version}`).toBe(true);
      }
    }
    expect(isSupportedX12Set({ setId: '810', version: '004010' })).toBe(false);
    expect(isSupportedX12Set({ setId: '850', version: '003010' })).toBe(false);
    expect(isSupportedX12Set({ setId: '856', version: '004060' })).toBe(false);
    expect(isSupportedX12Set({ setId: '850', version: '0040' })).toBe(false);
  });

  it('answers an untranslated set AK5 R / AK502 1 and still checks its envelope', () => {
    const text =
      isa() +
      gs({ functionalId: 'IN', version: '004010' }) +
      set('810', '0001', PO_BODY, { count: '9' }) +
      'GE*1*7~IEA*1*000000101~';
    const r = validateX12(text, { isSetSupported: isSupportedX12Set });
    const s = r.interchanges[0]!.groups[0]!.sets[0]!;
    expect(s.status).toBe('rejected');
    expect(s.issues.map((i) => i.code)).toEqual(['1', '4']);
    expect(r.interchanges[0]!.groups[0]!.status).toBe('rejected');
    expect(r.interchanges[0]!.status).toBe('accepted');
  });
});
