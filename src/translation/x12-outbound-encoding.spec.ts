import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseEvent, SAMPLE_EVENTS } from '../canonical/index.js';
import { encodeX12 } from '../edi/x12/index.js';
import { X12GenerationError } from '../edi/x12/generator/index.js';
import { loadPartnerProfiles } from '../partners/partner-loader.js';
import type { PartnerProfile } from '../partners/partner-profile.schema.js';
import { generateForPartner, partnerX12Encoding } from './x12-generation.js';
import { X12MapRegistry } from './x12-map-registry.js';

/**
 * Golden bytes of an outbound 850 whose buyer is named with an Ü, as the renderer writes them for a
 * partner whose profile says `x12: { encoding: latin1 }` (one byte, DC) and for one that keeps the
 * default UTF-8 (two, C3 9C). `fixtures/x12-outbound/<name>.edi`, reviewed by a person; a missing one
 * is written only with UPDATE_GOLDEN=1.
 */
const GOLDEN = join(import.meta.dirname, 'fixtures', 'x12-outbound');
const maps = new X12MapRegistry();
const acme = loadPartnerProfiles(join(import.meta.dirname, '..', '..', 'partners')).profiles.find(
  (p) => p.id === 'acme-fasteners',
)!;
const latin1Partner: PartnerProfile = { ...acme, x12: { encoding: 'latin1' } };

/** acme's 850 for the sample order with the buyer named `buyer`, as the renderer writes its bytes. */
function po850(partner: PartnerProfile, buyer: string): Buffer {
  const sample = SAMPLE_EVENTS['purchase-order.issued.v1'];
  const event = parseEvent({
    ...sample,
    payload: { ...sample.payload, buyer: { ...sample.payload.buyer, name: buyer } },
  });
  const written = generateForPartner(event, maps, partner, {
    sender: { qualifier: 'ZZ', id: 'BUYERCO' },
    now: new Date('2025-03-03T19:00:04Z'),
    controlNumbers: { interchange: 7, group: 7, sets: [7] },
  });
  return encodeX12(written.text, partnerX12Encoding(partner));
}

function golden(name: string, bytes: Buffer): Buffer {
  const file = join(GOLDEN, `${name}.edi`);
  if (!existsSync(file) && process.env.UPDATE_GOLDEN === '1') {
    mkdirSync(GOLDEN, { recursive: true });
    writeFileSync(file, bytes);
  }
  expect(existsSync(file), `${file} missing: run with UPDATE_GOLDEN=1 and review it`).toBe(true);
  return readFileSync(file);
}

/** The PER segment's bytes: the buyer's name with its Ü as the given bytes. */
const per = (u: number[]) =>
  Buffer.concat([Buffer.from('PER*BD*Dana '), Buffer.from(u), Buffer.from('nal*EM*buyer@example.com~')]);

describe('X12 written in the encoding of the partner profile (x12.encoding)', () => {
  it('writes UTF-8 by default: Ü is C3 9C', () => {
    expect(acme.x12.encoding).toBe('utf8');
    const bytes = po850(acme, 'Dana Ünal');
    expect(bytes.equals(golden('850-utf8', bytes))).toBe(true);
    expect(bytes.includes(per([0xc3, 0x9c]))).toBe(true);
  });

  it('writes ISO 8859-1 for a latin1 partner: Ü is the one byte DC', () => {
    const bytes = po850(latin1Partner, 'Dana Ünal');
    expect(bytes.equals(golden('850-latin1', bytes))).toBe(true);
    expect(bytes.includes(per([0xdc]))).toBe(true);
    expect(bytes.includes(Buffer.from([0xc3]))).toBe(false);
    // The same interchange, but for that one character.
    expect(bytes.toString('latin1')).toBe(po850(acme, 'Dana Ünal').toString('utf8'));
  });

  it('refuses, for a latin1 partner, a value with a character ISO 8859-1 has no byte for', () => {
    const refused = (() => {
      try {
        po850(latin1Partner, 'Dana Łukasz');
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    expect(refused).toBeInstanceOf(X12GenerationError);
    expect(refused).toMatchObject({
      code: 'VALUE_INVALID',
      message:
        'PER02 (data element 93, AN 1/60): "Dana Łukasz" contains Ł (U+0141), which has no byte in ISO 8859-1, the encoding the partner\'s X12 is written in',
    });
    // UTF-8 carries it.
    expect(po850(acme, 'Dana Łukasz').includes(Buffer.from('Dana Łukasz', 'utf8'))).toBe(true);
  });

  it('keeps the X12 character rules the same in both encodings', () => {
    for (const partner of [acme, latin1Partner]) {
      // Line breaks in free text become spaces, in either encoding.
      expect(po850(partner, 'Dana\r\nÜnal').includes(Buffer.from('PER*BD*Dana '))).toBe(true);
      // A C1 control character (U+0085, NEL) is a control character in both: not data (X12.6 §3.3.1).
      expect(() => po850(partner, 'Dana\u0085Ünal')).toThrow(/PER02 .*control character in data/);
    }
  });
});
