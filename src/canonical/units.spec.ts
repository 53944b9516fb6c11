import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CanonicalErrorCode } from './canonical.exception.js';
import { CANONICAL_DECIMAL_PATTERN, decimal as d, parseDecimal, type DecimalString } from './decimal.js';
import {
  convertMaterialQuantity,
  convertQuantity,
  EDIFACT_LEGACY_UNITS,
  isUnitCode,
  resolveUnit,
  UNIT_CODES,
  unitDefinition,
  UNITS,
  X12_UNITS,
  type MaterialUnitConversions,
} from './units.js';
import { errorOf } from './canonical-error.test-helper.js';

describe('unit tables', () => {
  it('define every code once, with canonical exact factors', () => {
    expect(UNIT_CODES).toHaveLength(UNITS.size);
    for (const unit of UNITS.values()) {
      expect(unit.code, unit.code).toMatch(/^[A-Z0-9]{2,3}$/);
      expect(unit.name.length, unit.code).toBeGreaterThan(0);
      if (unit.factor !== undefined) expect(unit.factor, unit.code).toMatch(CANONICAL_DECIMAL_PATTERN);
      if (unit.dimension === 'package') {
        expect(unit.origin, unit.code).toBe('rec21');
        expect(unit.code, unit.code).toMatch(/^X/);
        expect(unit.factor, unit.code).toBeUndefined();
      }
    }
  });

  it('include what a manufacturer buys in', () => {
    for (const code of [
      'C62',
      'H87',
      'EA',
      'KGM',
      'GRM',
      'TNE',
      'MTR',
      'MMT',
      'CMT',
      'KMT',
      'MTK',
      'MTQ',
      'LTR',
      'MLT',
      'HUR',
      'SET',
      'PR',
      'DZN',
      'LBR',
      'ONZ',
      'FOT',
      'INH',
      'GLL',
      'GLI',
      'XBX',
      'XPX',
      'XRO',
      'XST',
      'XPK',
    ])
      expect(isUnitCode(code), code).toBe(true);
  });

  it('map X12 and EDIFACT codes only to units of the table', () => {
    for (const [from, to] of [...X12_UNITS, ...EDIFACT_LEGACY_UNITS])
      expect(UNITS.has(to), `${from} → ${to}`).toBe(true);
  });

  it('use the exact definitions of customary units', () => {
    expect(unitDefinition('LBR').factor).toBe('0.45359237');
    expect(unitDefinition('INH').factor).toBe('0.0254');
    // 1 US gallon is 231 cubic inches, by definition.
    expect(convertQuantity(d('231'), 'INQ', 'GLL')).toBe('1');
    // 1 oz = 1/16 lb, 1 ft = 12 in, 1 yd = 3 ft, 1 ft² = 144 in², 1 ft³ = 1728 in³.
    expect(convertQuantity(d('16'), 'ONZ', 'LBR')).toBe('1');
    expect(convertQuantity(d('12'), 'INH', 'FOT')).toBe('1');
    expect(convertQuantity(d('3'), 'FOT', 'YRD')).toBe('1');
    expect(convertQuantity(d('144'), 'INK', 'FTK')).toBe('1');
    expect(convertQuantity(d('1728'), 'INQ', 'FTQ')).toBe('1');
    expect(convertQuantity(d('2000'), 'LBR', 'STN')).toBe('1');
    expect(convertQuantity(d('2240'), 'LBR', 'LTN')).toBe('1');
    expect(convertQuantity(d('4'), 'QTL', 'GLL')).toBe('1');
    expect(convertQuantity(d('4'), 'QTI', 'GLI')).toBe('1');
  });
});

describe('resolveUnit', () => {
  it('maps X12 DE 355 codes to Rec 20', () => {
    expect(resolveUnit('EA', { source: 'x12' })).toBe('EA');
    expect(resolveUnit('PC', { source: 'x12' })).toBe('H87');
    expect(resolveUnit('KG', { source: 'x12' })).toBe('KGM');
    expect(resolveUnit('LB', { source: 'x12' })).toBe('LBR');
    expect(resolveUnit('BX', { source: 'x12' })).toBe('XBX');
    expect(resolveUnit('CA', { source: 'x12' })).toBe('XCS');
    expect(resolveUnit(' ft ', { source: 'x12' })).toBe('FOT');
  });

  it('takes EDIFACT 6411 Rec 20 codes as they are, and legacy codes through the table', () => {
    expect(resolveUnit('KGM', { source: 'edifact' })).toBe('KGM');
    expect(resolveUnit('XBX', { source: 'edifact' })).toBe('XBX');
    expect(resolveUnit('PCE', { source: 'edifact' })).toBe('H87');
    expect(resolveUnit('BX', { source: 'edifact' })).toBe('XBX');
  });

  it('refuses unknown codes with the code and the standard', () => {
    const x12 = errorOf(() => resolveUnit('KGM', { source: 'x12' }));
    expect(x12.code).toBe(CanonicalErrorCode.UnitUnknown);
    expect(x12.message).toBe(
      `unknown X12 unit code (DE 355) "KGM": not in the gateway's table and not in the partner's unit cross-references`,
    );
    expect(
      errorOf(() => resolveUnit('ZZZ', { source: 'edifact', partnerId: 'nordic-castings' })).message,
    ).toMatch(
      /unknown EDIFACT unit code \(DE 6411\) "ZZZ": .* partner nordic-castings's unit cross-references/,
    );
    expect(errorOf(() => resolveUnit('PCE', { source: 'rec20' })).message).toMatch(
      /UN\/ECE Rec 20 unit code "PCE"/,
    );
    // Not guessed from a similar standard: TN is net ton in X12 but would be ambiguous.
    expect(errorOf(() => resolveUnit('TN', { source: 'x12' })).code).toBe(CanonicalErrorCode.UnitUnknown);
    expect(errorOf(() => resolveUnit('', { source: 'x12' })).message).toMatch(/missing/);
  });

  it("applies the partner's cross-references first (map or record), as profiles normalise them", () => {
    const partnerUnits = new Map([
      ['PC', 'XBX'],
      ['M', 'MTR'],
    ]);
    expect(resolveUnit('PC', { source: 'x12', partnerUnits })).toBe('XBX');
    expect(resolveUnit('m', { source: 'x12', partnerUnits })).toBe('MTR');
    expect(resolveUnit('KG', { source: 'x12', partnerUnits })).toBe('KGM');
    expect(resolveUnit('STK', { source: 'edifact', partnerUnits: { STK: 'H87' } })).toBe('H87');
    // A record's inherited keys are not cross-references.
    expect(errorOf(() => resolveUnit('__proto__', { source: 'x12', partnerUnits: {} })).code).toBe(
      CanonicalErrorCode.UnitUnknown,
    );
  });

  it('refuses a cross-reference that points outside the Rec 20 table', () => {
    const error = errorOf(() =>
      resolveUnit('BX', { source: 'x12', partnerUnits: { BX: 'BX' }, partnerId: 'acme-fasteners' }),
    );
    expect(error.code).toBe(CanonicalErrorCode.UnitUnknown);
    expect(error.message).toMatch(
      /partner acme-fasteners maps X12 unit code \(DE 355\) "BX" to "BX", which is not a unit/,
    );
  });
});

describe('convertQuantity', () => {
  it('converts within a dimension exactly', () => {
    expect(convertQuantity(d('1.5'), 'KGM', 'GRM')).toBe('1500');
    expect(convertQuantity(d('2500'), 'MMT', 'MTR')).toBe('2.5');
    expect(convertQuantity(d('10'), 'LBR', 'KGM')).toBe('4.5359237');
    expect(convertQuantity(d('3'), 'DZN', 'H87')).toBe('36');
    expect(convertQuantity(d('36'), 'C62', 'DZN')).toBe('3');
    expect(convertQuantity(d('1'), 'MTQ', 'LTR')).toBe('1000');
    expect(convertQuantity(d('90'), 'MIN', 'HUR')).toBe('1.5');
    expect(convertQuantity(d('-2'), 'KGM', 'GRM')).toBe('-2000');
    expect(convertQuantity(d('7.25'), 'KGM', 'KGM')).toBe('7.25');
  });

  it('rounds only when told, and says so otherwise', () => {
    const error = errorOf(() => convertQuantity(d('1'), 'KGM', 'LBR'));
    expect(error.code).toBe(CanonicalErrorCode.DecimalInexact);
    expect(error.message).toMatch(/^convert KGM → LBR: .*pass a rounding/);
    expect(convertQuantity(d('1'), 'KGM', 'LBR', { scale: 6, mode: 'half-even' })).toBe('2.204623');
    expect(convertQuantity(d('1'), 'GLL', 'LTR', { scale: 3, mode: 'half-even' })).toBe('3.785');
  });

  it('refuses different dimensions and units without a fixed size', () => {
    expect(errorOf(() => convertQuantity(d('1'), 'KGM', 'MTR')).message).toBe(
      'convert KGM → MTR: KGM (kilogram) measures mass, MTR (metre) measures length',
    );
    expect(errorOf(() => convertQuantity(d('1'), 'XBX', 'H87')).message).toMatch(/XBX \(box\) is a package/);
    expect(errorOf(() => convertQuantity(d('1'), 'PR', 'H87')).message).toMatch(/depends on the material/);
    expect(errorOf(() => convertQuantity(d('1'), 'MON', 'DAY')).message).toMatch(
      /MON \(month\) has no fixed size/,
    );
    expect(errorOf(() => convertQuantity(d('1'), 'KGM', 'XYZ')).code).toBe(CanonicalErrorCode.UnitUnknown);
  });

  it('round-trips kg → lb → kg exactly at the stated scale (property)', () => {
    fc.assert(
      fc.property(decimals(3), (kg) => {
        const lb = convertQuantity(kg, 'KGM', 'LBR', { scale: 3, mode: 'half-even' });
        expect(convertQuantity(lb, 'LBR', 'KGM', { scale: 3, mode: 'half-even' })).toBe(kg);
      }),
    );
  });

  it('round-trips lb → kg → lb with one more digit on the kg leg (property)', () => {
    fc.assert(
      fc.property(decimals(3), (lb) => {
        const kg = convertQuantity(lb, 'LBR', 'KGM', { scale: 4, mode: 'half-even' });
        expect(convertQuantity(kg, 'KGM', 'LBR', { scale: 3, mode: 'half-even' })).toBe(lb);
      }),
    );
  });

  it('round-trips every pair of one dimension when the trip out is exact (property)', () => {
    const convertible = [...UNITS.values()].filter((u) => u.factor !== undefined);
    const dimensions = [...new Set(convertible.map((u) => u.dimension))];
    const pair = fc.constantFrom(...dimensions).chain((dimension) => {
      const units = convertible.filter((u) => u.dimension === dimension);
      return fc.tuple(fc.constantFrom(...units), fc.constantFrom(...units));
    });
    fc.assert(
      fc.property(pair, decimals(2), ([from, to], value) => {
        const there = convertQuantity(value, from.code, to.code, { scale: 30, mode: 'half-even' });
        const back = convertQuantity(there, to.code, from.code, { scale: 2, mode: 'half-even' });
        expect(back).toBe(value);
      }),
    );
  });
});

describe('convertMaterialQuantity', () => {
  const bolts: MaterialUnitConversions = {
    material: '100-20455',
    baseUnit: 'H87',
    alternatives: [
      { unit: 'XBX', baseQuantity: d('12') },
      { unit: 'XPX', baseQuantity: d('480') },
      // 1000 pieces weigh 8.5 kg.
      { unit: 'KGM', quantity: d('8.5'), baseQuantity: d('1000') },
    ],
  };

  it('converts box → pieces → box exactly', () => {
    const pieces = convertMaterialQuantity(d('3'), 'XBX', 'H87', bolts);
    expect(pieces).toBe('36');
    expect(convertMaterialQuantity(pieces, 'H87', 'XBX', bolts)).toBe('3');
    expect(convertMaterialQuantity(d('2'), 'XPX', 'XBX', bolts)).toBe('80');
  });

  it('refuses a partial box unless a rounding is given', () => {
    const error = errorOf(() => convertMaterialQuantity(d('40'), 'H87', 'XBX', bolts));
    expect(error.code).toBe(CanonicalErrorCode.DecimalInexact);
    expect(error.message).toMatch(/convert H87 → XBX for material 100-20455/);
    expect(convertMaterialQuantity(d('40'), 'H87', 'XBX', bolts, { scale: 0, mode: 'up' })).toBe('4');
    expect(convertMaterialQuantity(d('18'), 'H87', 'XBX', bolts)).toBe('1.5');
  });

  it('reaches generic units through a master-data unit of the same dimension', () => {
    expect(convertMaterialQuantity(d('1000'), 'H87', 'GRM', bolts)).toBe('8500');
    expect(convertMaterialQuantity(d('17'), 'KGM', 'XPX', bolts, { scale: 3, mode: 'half-even' })).toBe(
      '4.167',
    );
    expect(convertMaterialQuantity(d('1'), 'DZN', 'XBX', bolts)).toBe('1');
    // Generic conversions need no master data at all.
    expect(convertMaterialQuantity(d('2'), 'KGM', 'GRM', bolts)).toBe('2000');
  });

  it('round-trips box → pieces → box for any whole number of boxes (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000 }), (boxes) => {
        const value = d(String(boxes));
        const pieces = convertMaterialQuantity(value, 'XBX', 'H87', bolts);
        expect(pieces).toBe(String(boxes * 12));
        expect(convertMaterialQuantity(pieces, 'H87', 'XBX', bolts)).toBe(value);
      }),
    );
  });

  it('refuses units the master data does not cover', () => {
    const error = errorOf(() => convertMaterialQuantity(d('1'), 'XCT', 'H87', bolts));
    expect(error.code).toBe(CanonicalErrorCode.UnitNotConvertible);
    expect(error.message).toBe(
      "convert XCT → H87 for material 100-20455: the material's master data has no factor for XCT (carton) (it knows H87, XBX, XPX, KGM)",
    );
    expect(errorOf(() => convertMaterialQuantity(d('1'), 'LTR', 'H87', bolts)).code).toBe(
      CanonicalErrorCode.UnitNotConvertible,
    );
  });

  it('refuses unusable master data', () => {
    const bad =
      (alternatives: MaterialUnitConversions['alternatives'], baseUnit = 'H87') =>
      () =>
        convertMaterialQuantity(d('1'), 'XBX', 'H87', { material: 'M1', baseUnit, alternatives });
    expect(errorOf(bad([{ unit: 'XBX', baseQuantity: d('0') }])).message).toMatch(
      /XBX baseQuantity must be positive/,
    );
    expect(errorOf(bad([{ unit: 'XBX', quantity: d('-1'), baseQuantity: d('2') }])).message).toMatch(
      /quantity must be positive/,
    );
    expect(
      errorOf(
        bad([
          { unit: 'XBX', baseQuantity: d('1') },
          { unit: 'XBX', baseQuantity: d('2') },
        ]),
      ).message,
    ).toMatch(/XBX is defined twice/);
    expect(errorOf(bad([{ unit: 'BOX', baseQuantity: d('1') }])).code).toBe(
      CanonicalErrorCode.UnitConversionInvalid,
    );
    expect(errorOf(bad([], 'PCE')).message).toMatch(/base unit "PCE"/);
  });
});

/** Non-negative decimals with at most `scale` fraction digits, as canonical strings. */
function decimals(scale: number): fc.Arbitrary<DecimalString> {
  return fc
    .tuple(fc.bigInt({ min: 0n, max: 10n ** 12n }), fc.integer({ min: 0, max: scale }))
    .map(([digits, places]) => {
      const text = digits.toString().padStart(places + 1, '0');
      return parseDecimal(places === 0 ? text : `${text.slice(0, -places)}.${text.slice(-places)}`);
    });
}
