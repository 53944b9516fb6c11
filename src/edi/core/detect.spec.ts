import { describe, expect, it } from 'vitest';
import { detectEdiStandard } from './detect.js';

const detect = (text: string | number[]) =>
  detectEdiStandard(typeof text === 'string' ? Buffer.from(text, 'latin1') : Uint8Array.from(text));

describe('detectEdiStandard', () => {
  it('detects EDIFACT by UNA, UNB or a bare UNH, after a BOM and blank lines', () => {
    expect(detect("UNA:+.? 'UNB+UNOC:3")).toEqual({ standard: 'edifact', bareMessage: false, offset: 0 });
    expect(detect('\xef\xbb\xbfUNB+UNOB:1')).toEqual({ standard: 'edifact', bareMessage: false, offset: 3 });
    expect(detect("\r\n UNH+1+ORDERS:D:96A:UN'")).toEqual({
      standard: 'edifact',
      bareMessage: true,
      offset: 3,
    });
  });

  it('detects X12 in ASCII and EBCDIC, and nothing else', () => {
    expect(detect('ISA*00*')).toMatchObject({ standard: 'x12' });
    expect(detect([0xc9, 0xe2, 0xc1, 0x5c])).toMatchObject({ standard: 'x12' });
    expect(detect("BGM+380+1'")).toMatchObject({ standard: 'unknown' });
    expect(detect('')).toMatchObject({ standard: 'unknown', offset: 0 });
    expect(detect('UN')).toMatchObject({ standard: 'unknown' });
  });
});
