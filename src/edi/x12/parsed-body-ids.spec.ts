import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CP037_TO_LATIN1 } from '../core/ebcdic.js';
import { x12ReadOptions } from './grammar/content-validator.js';
import type { X12ParsedSet } from './grammar/parsed-set.js';
import { readX12 } from './reader.js';
import { segmentIdCode } from './segment.js';

/**
 * A kept set's body carries each segment's id code (`idCodes`), taken from the tokenizer's id key
 * where it has one: map selectors compare these instead of going back to every segment's id. They
 * must be the codes of the ids the segments hold, whatever the encoding or the id.
 */
describe('a kept set body', () => {
  it("holds each segment's id code, as map selectors compare it", () => {
    const dir = join(import.meta.dirname, 'grammar', 'fixtures');
    const inputs: Uint8Array[] = readdirSync(dir).flatMap((set) =>
      readdirSync(join(dir, set))
        .filter((f) => f.endsWith('.edi'))
        .map((f) => readFileSync(join(dir, set, f))),
    );
    // The first fixture as cp037 bytes: the tokenizer reads EBCDIC through its Latin-1 translation.
    const toCp037 = new Uint8Array(256);
    CP037_TO_LATIN1.forEach((latin1, ebcdic) => void (toCp037[latin1] = ebcdic));
    inputs.push(Uint8Array.from(inputs[0]!, (b) => toCp037[b]!));
    // Ids the tokenizer has no key for (one character, four, lower case): no X12 grammar places them,
    // so the body leaves them out (the code of a kept id without a key is taken from its text, a path
    // no X12 grammar reaches), and the segments around them must still line up with their codes.
    inputs.push(
      Buffer.from(
        'ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *240131*1230*U*00401*000000001*0*P*>~' +
          'GS*PO*S*R*20240131*1230*1*X*004010~ST*850*0001~BEG*00*SA*PO-1**20240131~N*1~ZZZZ*1~n1*ST~' +
          'PO1*1*2*EA~CTT*1~SE*9*0001~GE*1*1~IEA*1*000000001~',
        'latin1',
      ),
    );
    let segments = 0;
    let ebcdic = 0;
    for (const [k, bytes] of inputs.entries()) {
      const sets: X12ParsedSet[] = [];
      readX12(bytes, {}, x12ReadOptions({ onSet: (p) => sets.push(p) }));
      for (const { body } of sets) {
        expect(body.idCodes).toEqual(body.segments.map((s) => segmentIdCode(s.id)));
        segments += body.segments.length;
        if (k === inputs.length - 2) ebcdic += body.segments.length;
      }
    }
    expect(segments).toBeGreaterThan(100);
    expect(ebcdic).toBeGreaterThan(5);
  });
});
