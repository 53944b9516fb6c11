import { describe, expect, it } from 'vitest';
import { parseEvent } from '../../canonical/events/catalogue.js';
import { fastParsePlantEvent, fastPathTypes } from './plant-event-fast-path.js';
import { PLANT_EVENT_TYPES } from './plant-event-normalizer.js';

const ENVELOPE = {
  id: '2f9c1a77-5f1e-4c61-9d1e-8a3f5c7b9e10',
  schemaVersion: 'v1',
  plant: '1000',
  occurredAt: '2026-11-27T08:15:00Z',
  receivedAt: '2026-11-27T08:15:01.250+01:00',
  correlationId: 'mes:LINE-4:4711',
  causationId: null,
  document: { kind: 'original', number: 'MES-4711', revision: '1' },
  source: { channel: 'mes' },
};

const item = (material: string, value: string, unit = 'H87') => ({
  material,
  quantity: { value, unit },
});

/** Valid events of the three types, plain and with every optional part the schemas have. */
const VALID: Record<string, unknown>[] = [
  {
    ...ENVELOPE,
    type: 'material.consumed',
    payload: { purpose: 'production', items: [item('CMP-BOLT-M8', '16')] },
  },
  {
    type: 'material.consumed',
    ...ENVELOPE,
    partnerId: 'acme-fasteners',
    causationId: 'evt-1',
    document: { revision: '3', kind: 'replacement', number: 'MES-4712', issuedAt: '2026-11-27T08:00:00Z' },
    source: {
      channel: 'api',
      interchangeId: '42',
      standard: 'json',
      messageType: 'consumption',
      controlNumber: '0001',
    },
    payload: {
      items: [
        {
          ...item('CMP-BOLT-M8', '0.25', 'XBX'),
          supplierPartNumber: 'AF-8',
          description: 'Hex bolt',
          standardQuantity: { value: '0.2', unit: 'XBX' },
          storageLocation: 'SL-1',
          lots: [
            { lot: 'L1', quantity: { value: '10', unit: 'H87' }, producedOn: '2026-11-01' },
            { lot: 'L2', expiresOn: '2028-02-29' },
          ],
        },
        item('RAW-STEEL-S235', '12.5', 'KGM'),
      ],
      purpose: 'maintenance',
      productionOrder: 'PRO-1',
      operation: '0010',
      workCenter: 'LINE-4',
    },
  },
  {
    ...ENVELOPE,
    type: 'production.completed',
    payload: {
      productionOrder: 'PRO-1',
      material: 'FG-PUMP-100',
      finishedQuantity: { value: '4', unit: 'H87' },
      scrapQuantity: { value: '0', unit: 'H87' },
      final: true,
      components: [],
    },
  },
  {
    ...ENVELOPE,
    type: 'production.completed',
    payload: {
      productionOrder: 'PRO-2',
      operation: '0020',
      workCenter: 'LINE-4',
      material: 'FG-PUMP-100',
      supplierPartNumber: 'P100',
      description: 'Pump',
      finishedQuantity: { value: '4', unit: 'H87' },
      scrapQuantity: { value: '1', unit: 'H87' },
      lot: 'FG-L1',
      final: false,
      components: [item('CMP-HOUSING-C1', '4'), { ...item('CMP-BOLT-M8', '0.32', 'XBX'), lots: [] }],
    },
  },
  {
    ...ENVELOPE,
    type: 'inventory.adjusted',
    payload: { material: 'CMP-BOLT-M8', change: { value: '-3', unit: 'H87' }, reason: 'damage' },
  },
  {
    ...ENVELOPE,
    type: 'inventory.adjusted',
    payload: {
      material: 'RAW-STEEL-S235',
      storageLocation: 'SL-2',
      lot: 'L9',
      change: { value: '0.5', unit: 'TNE' },
      quantityAfter: { value: '2', unit: 'TNE' },
      reason: 'cycle-count',
      note: 'counted twice',
    },
  },
];

/** Values that break one leaf or another: wrong types, empty, padded, over-long, non-canonical. */
const BAD_VALUES: unknown[] = [
  undefined,
  null,
  0,
  1.5,
  true,
  '',
  ' x',
  'x ',
  // Text PostgreSQL cannot store: refused by text() (U+0000, a lone surrogate either way round).
  'a\u0000b',
  'broken \ud83d!',
  '\ude00x',
  'x'.repeat(129),
  '-0',
  '1.50',
  '1e3',
  '-1',
  'not-a-code',
  '2026-02-30T00:00:00Z',
  '2026-11-27T08:15:00',
  'ffffffff-ffff-ffff-ffff-ffffffffffff',
  [],
  {},
  [1],
];

/** Every path to a value inside `value` (object keys and array indexes). */
function paths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (typeof value !== 'object' || value === null) return [prefix];
  const keys = Array.isArray(value) ? value.map((_, i) => i) : Object.keys(value);
  return [
    prefix,
    ...keys.flatMap((k) => paths((value as Record<string | number, unknown>)[k], [...prefix, k])),
  ];
}

function edit(
  value: unknown,
  path: (string | number)[],
  change: (parent: Record<string | number, unknown>, key: string | number) => void,
): unknown {
  const copy = structuredClone(value);
  let parent = copy as Record<string | number, unknown>;
  for (const k of path.slice(0, -1)) parent = parent[k] as Record<string | number, unknown>;
  change(parent, path[path.length - 1]!);
  return copy;
}

/** The catalogue's answer (zod), or undefined when it refuses the event. */
function zodAnswer(input: unknown): unknown {
  try {
    return parseEvent(input);
  } catch {
    return undefined;
  }
}

/** The fast path answers only what zod accepts, and answers it exactly as zod does. */
function expectSameAsZod(input: unknown): 'fast' | 'zod' {
  const fast = fastParsePlantEvent(input);
  if (fast === undefined) return 'zod';
  const zod = zodAnswer(input);
  expect(zod, `fast path accepted what zod refuses: ${JSON.stringify(input)}`).toBeDefined();
  expect(fast).toStrictEqual(zod);
  expect(JSON.stringify(fast)).toBe(JSON.stringify(zod));
  expect(fast).not.toBe(input);
  return 'fast';
}

describe('fastParsePlantEvent', () => {
  it('knows all three plant event types', () => {
    expect(fastPathTypes().sort()).toEqual([...PLANT_EVENT_TYPES].sort());
  });

  it('answers valid events of each type exactly as the catalogue does, keys in schema order', () => {
    for (const event of VALID) expect(expectSameAsZod(event)).toBe('fast');
  });

  it('leaves every broken event to zod: a missing key, an extra key, a bad value anywhere', () => {
    let cases = 0;
    for (const event of VALID)
      for (const path of paths(event)) {
        if (path.length === 0) continue;
        const variants = [
          edit(event, path, (parent, key) => {
            if (Array.isArray(parent)) parent.splice(key as number, 1);
            else delete parent[key];
          }),
          ...BAD_VALUES.map((bad) =>
            edit(event, path, (parent, key) => {
              parent[key] = bad;
            }),
          ),
          edit(event, path, (parent, key) => {
            const target = parent[key];
            if (typeof target === 'object' && target !== null && !Array.isArray(target))
              (target as Record<string, unknown>).unexpected = 'x';
          }),
        ];
        for (const variant of variants) {
          expectSameAsZod(variant);
          cases += 1;
        }
      }
    expect(cases).toBeGreaterThan(1000);
  });

  it('leaves cross-field rules and unusual inputs to zod', () => {
    const [, , completed, , adjusted] = VALID as Record<string, Record<string, unknown>>[];
    const scrapInOtherUnit = {
      ...completed,
      payload: { ...completed!.payload, scrapQuantity: { value: '1', unit: 'KGM' } },
    };
    const zeroChange = {
      ...adjusted,
      payload: { ...adjusted!.payload, change: { value: '0', unit: 'H87' } },
    };
    const afterInOtherUnit = {
      ...adjusted,
      payload: { ...adjusted!.payload, quantityAfter: { value: '1', unit: 'KGM' } },
    };
    for (const input of [scrapInOtherUnit, zeroChange, afterInOtherUnit]) {
      expect(fastParsePlantEvent(input)).toBeUndefined();
      expect(zodAnswer(input)).toBeUndefined();
    }
    const withUndefinedOptional = { ...VALID[0], partnerId: undefined };
    expect(fastParsePlantEvent(withUndefinedOptional)).toBeUndefined();
    for (const input of [
      JSON.stringify(VALID[0]),
      [VALID[0]],
      null,
      'text',
      { ...VALID[0], schemaVersion: 'v2' },
    ])
      expect(fastParsePlantEvent(input)).toBeUndefined();
    const goodsReceived = { ...VALID[0], type: 'goods.received' };
    expect(fastParsePlantEvent(goodsReceived)).toBeUndefined();
  });
});
