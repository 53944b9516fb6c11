import { describe, expect, it } from 'vitest';
import { materialConversions, type MasterDataView } from '../master-data/master-data.model.js';
import { normalizePlantEvent } from './plant-event-normalizer.js';

const master: MasterDataView = {
  version: '1',
  plants: new Set(['1000']),
  materials: new Map([
    [
      'BOLT',
      {
        material: 'BOLT',
        baseUnit: 'H87',
        conversions: materialConversions('BOLT', 'H87', [
          { fromUnit: 'XBX', toUnit: 'H87', numerator: '100', denominator: '1' },
        ]),
      },
    ],
    ['STEEL', { material: 'STEEL', baseUnit: 'KGM', conversions: materialConversions('STEEL', 'KGM', []) }],
    ['PUMP', { material: 'PUMP', baseUnit: 'H87', conversions: materialConversions('PUMP', 'H87', []) }],
  ]),
};

function envelope(type: string, payload: unknown, number = 'M-1') {
  return {
    id: '2f9c1a77-5f1e-4c61-9d1e-8a3f5c7b9e10',
    type,
    schemaVersion: 'v1',
    plant: '1000',
    occurredAt: '2026-11-27T08:15:00Z',
    receivedAt: '2026-11-27T08:15:01Z',
    correlationId: 'mes:1',
    causationId: null,
    document: { kind: 'original', number, revision: '2' },
    payload,
  };
}

describe('normalizePlantEvent', () => {
  it('turns a production completion into a receipt of the finished good and component issues, in base units', () => {
    const result = normalizePlantEvent(
      envelope('production.completed', {
        productionOrder: 'PRO-1',
        material: 'PUMP',
        finishedQuantity: { value: '4', unit: 'H87' },
        scrapQuantity: { value: '1', unit: 'H87' },
        final: false,
        components: [
          { material: 'BOLT', quantity: { value: '0.32', unit: 'XBX' } },
          { material: 'STEEL', quantity: { value: '13', unit: 'GRM' } },
        ],
      }),
      master,
    );
    expect(result).toMatchObject({
      ok: true,
      producerKey: '1000/M-1/2',
      material: 'PUMP',
      movements: [
        { seq: 0, material: 'PUMP', kind: 'produced', quantity: '4' },
        { seq: 1, material: 'BOLT', kind: 'consumed', quantity: '-32' },
        { seq: 2, material: 'STEEL', kind: 'consumed', quantity: '-0.013' },
      ],
    });
  });

  it('keeps the sign of an adjustment', () => {
    const result = normalizePlantEvent(
      envelope('inventory.adjusted', {
        material: 'BOLT',
        change: { value: '-1', unit: 'XBX' },
        reason: 'damage',
      }),
      master,
    );
    expect(result).toMatchObject({ ok: true, movements: [{ kind: 'adjusted', quantity: '-100' }] });
  });

  it('refuses with a reason: not a plant event, unknown plant or material, no conversion, broken', () => {
    const consumed = (material: string, unit: string, plant = '1000') => ({
      ...envelope('material.consumed', {
        purpose: 'production',
        items: [{ material, quantity: { value: '1', unit } }],
      }),
      plant,
    });
    expect(normalizePlantEvent(consumed('BOLT', 'H87', '2000'), master)).toMatchObject({
      ok: false,
      reason: 'unknown-plant',
    });
    expect(normalizePlantEvent(consumed('NUT', 'H87'), master)).toMatchObject({
      ok: false,
      reason: 'unknown-material',
      details: ['unknown material NUT at plant 1000'],
    });
    expect(normalizePlantEvent(consumed('BOLT', 'KGM'), master)).toMatchObject({
      ok: false,
      reason: 'unit-not-convertible',
    });
    expect(normalizePlantEvent(consumed('BOLT', 'H87'), undefined)).toMatchObject({
      ok: false,
      reason: 'no-master-data',
    });
    expect(
      normalizePlantEvent({ ...consumed('BOLT', 'H87'), type: 'purchase-order.issued' }, master),
    ).toMatchObject({
      ok: false,
      reason: 'invalid-event',
    });
    expect(normalizePlantEvent('text', master)).toMatchObject({
      ok: false,
      producerKey: null,
      reason: 'invalid-event',
    });
  });
});
