import { describe, expect, it } from 'vitest';
import { ReplenishmentError } from '../replenishment.exception.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCsv, readMasterDataFiles } from './master-data-file.js';
import { materialConversions, validateMasterData } from './master-data.model.js';

const valid = {
  plants: [{ plant: '1000', name: 'Riverside', timezone: 'Europe/Berlin' }],
  materials: [{ material: 'BOLT', description: 'Bolt', baseUnit: 'H87', kind: 'component' }],
  unitConversions: [{ material: 'BOLT', fromUnit: 'XBX', toUnit: 'H87', numerator: '100', denominator: '1' }],
  billsOfMaterial: [],
  sourceList: [
    {
      plant: '1000',
      material: 'BOLT',
      supplier: 'acme',
      leadTimeDays: 5,
      validFrom: '2026-01-01',
      validTo: null,
    },
  ],
};

describe('validateMasterData', () => {
  it('accepts a consistent set', () => {
    expect(validateMasterData(valid).materials).toHaveLength(1);
  });

  it('reads lotManaged as a boolean or CSV text, false when absent', () => {
    const lots = (lotManaged?: unknown) =>
      validateMasterData({ ...valid, materials: [{ ...valid.materials[0]!, lotManaged }] }).materials[0]!
        .lotManaged;
    expect(lots()).toBe(false);
    expect(lots(true)).toBe(true);
    expect(lots('true')).toBe(true);
    expect(lots('false')).toBe(false);
    expect(() => lots('perhaps')).toThrow(ReplenishmentError);
  });

  it('recognises a materials CSV with the optional lotManaged column', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sg-md-'));
    writeFileSync(
      join(dir, 'materials.csv'),
      'material,description,baseUnit,kind,lotManaged\nBOLT,Bolt,H87,component,true\n',
    );
    expect(readMasterDataFiles([join(dir, 'materials.csv')]).materials).toEqual([
      { material: 'BOLT', description: 'Bolt', baseUnit: 'H87', kind: 'component', lotManaged: 'true' },
    ]);
    writeFileSync(
      join(dir, 'odd.csv'),
      'material,description,baseUnit,kind,colour\nBOLT,Bolt,H87,component,red\n',
    );
    expect(() => readMasterDataFiles([join(dir, 'odd.csv')])).toThrow(/matches no section/);
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists every broken reference, duplicate and unknown unit', () => {
    const broken = {
      ...valid,
      materials: [...valid.materials, { ...valid.materials[0]!, baseUnit: 'PCS' }],
      sourceList: [{ ...valid.sourceList[0]!, plant: '9999', validTo: '2025-01-01' }],
    };
    let error: unknown;
    try {
      validateMasterData(broken);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ReplenishmentError);
    expect((error as ReplenishmentError).details).toEqual([
      expect.stringMatching(/^materials\.1\.baseUnit: expected a UN\/ECE Rec 20 unit code/),
    ]);
    const references = {
      ...valid,
      sourceList: [{ ...valid.sourceList[0]!, plant: '9999', validTo: '2025-01-01' }],
    };
    expect(() => validateMasterData(references)).toThrow(ReplenishmentError);
    try {
      validateMasterData(references);
    } catch (e) {
      expect((e as ReplenishmentError).details).toEqual([
        'sourceList.0.plant: unknown plant 9999',
        'sourceList.0: validTo before validFrom',
      ]);
    }
  });
});

describe('materialConversions', () => {
  it('uses conversions into the base unit as they are and inverts those out of it', () => {
    expect(
      materialConversions('BOLT', 'H87', [
        { fromUnit: 'H87', toUnit: 'XPX', numerator: '1', denominator: '2400' },
        { fromUnit: 'XBX', toUnit: 'H87', numerator: '100', denominator: '1' },
      ]).alternatives,
    ).toEqual([
      { unit: 'XBX', quantity: '1', baseQuantity: '100' },
      { unit: 'XPX', quantity: '1', baseQuantity: '2400' },
    ]);
  });
});

describe('parseCsv', () => {
  it('reads quoted fields with commas, doubled quotes and line breaks, CRLF or LF', () => {
    expect(parseCsv('a,b\r\n"x, y","say ""hi"""\n"two\nlines",\n')).toEqual([
      ['a', 'b'],
      ['x, y', 'say "hi"'],
      ['two\nlines', ''],
    ]);
  });
});
