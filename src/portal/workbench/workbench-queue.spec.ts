import { describe, expect, it } from 'vitest';
import {
  compareImpact,
  decodeQueueCursor,
  encodeQueueCursor,
  queueQuery,
  type ImpactKey,
} from './workbench-queue.js';

const key = (
  id: string,
  valueAtRisk: string | null,
  daysLate: number | null,
  createdAt: string,
): ImpactKey => ({
  id,
  valueAtRisk,
  daysLate,
  createdAt,
});

describe('compareImpact', () => {
  it('ranks by value at risk (exactly, not as floats), then days late, unknown figures last, then the oldest', () => {
    const cases = [
      key('00000000-0000-4000-8000-000000000001', null, 9, '2026-11-01T00:00:00.000000Z'),
      key('00000000-0000-4000-8000-000000000002', '90.5', null, '2026-11-02T00:00:00.000000Z'),
      key('00000000-0000-4000-8000-000000000003', '1000', 2, '2026-11-03T00:00:00.000000Z'),
      key('00000000-0000-4000-8000-000000000004', '1000', 5, '2026-11-04T00:00:00.000000Z'),
      key('00000000-0000-4000-8000-000000000005', '1000.000', 5, '2026-11-01T00:00:00.000000Z'),
      key(
        '00000000-0000-4000-8000-000000000006',
        '12345678901234567890.01',
        0,
        '2026-11-05T00:00:00.000000Z',
      ),
      key(
        '00000000-0000-4000-8000-000000000007',
        '12345678901234567890.001',
        0,
        '2026-11-05T00:00:00.000000Z',
      ),
      key('00000000-0000-4000-8000-000000000008', null, null, '2026-10-01T00:00:00.000000Z'),
    ];
    const ranked = [...cases].sort(compareImpact).map((c) => c.id.slice(-1));
    expect(ranked).toEqual(['6', '7', '5', '4', '3', '2', '1', '8']);
  });

  it('is total: two cases compare equal only when they are the same case', () => {
    const a = key('00000000-0000-4000-8000-00000000000a', '5', 1, '2026-11-01T00:00:00.000000Z');
    const b = { ...a, id: '00000000-0000-4000-8000-00000000000b' };
    expect(compareImpact(a, b)).toBeLessThan(0);
    expect(compareImpact(b, a)).toBeGreaterThan(0);
    expect(compareImpact(a, { ...a })).toBe(0);
  });
});

describe('the queue cursor', () => {
  it('round-trips and refuses anything it did not give out', () => {
    const cursor = {
      negValue: '-1250.5',
      negDays: -3,
      createdAt: '2026-11-27T10:00:00.123456Z',
      id: '8a3f2c1e-5b7d-4e9a-8c2f-1d3e5f7a9b0c',
    };
    expect(decodeQueueCursor(encodeQueueCursor(cursor))).toEqual(cursor);
    expect(decodeQueueCursor('not-a-cursor')).toBeUndefined();
    expect(
      decodeQueueCursor(Buffer.from(JSON.stringify(['w1', "1'; drop", 0, 'x', 'y'])).toString('base64url')),
    ).toBeUndefined();
    expect(decodeQueueCursor(undefined)).toBeUndefined();
  });
});

describe('queueQuery', () => {
  it('defaults to what waits for a buyer and drops malformed filters instead of failing', () => {
    expect(queueQuery.parse({})).toMatchObject({ state: 'action' });
    const q = queueQuery.parse({
      state: 'bogus',
      type: 'Not A Type!',
      minValue: '1e9',
      age: '-2',
      owner: 'someone',
      partner: '  ',
      plant: '1000',
    });
    expect(q).toEqual({
      state: 'action',
      type: undefined,
      partner: undefined,
      plant: '1000',
      age: undefined,
      minValue: undefined,
      owner: undefined,
      after: undefined,
    });
    expect(
      queueQuery.parse({ type: 'acknowledgment', minValue: '250.5', age: '3', owner: 'me' }),
    ).toMatchObject({
      type: 'acknowledgment',
      minValue: '250.5',
      age: 3,
      owner: 'me',
    });
  });
});
