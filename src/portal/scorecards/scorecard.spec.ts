import { describe, expect, it } from 'vitest';
import {
  acknowledgmentOutcomes,
  asnOutcomes,
  deliveryOutcomes,
  lastMonths,
  latency,
  ratio,
  scorecard,
  type AcknowledgmentEventRow,
} from './scorecard.js';

const NOW = new Date('2026-11-27T12:00:00.000Z');
let seq = 0;
const request = (poNumber: string, revision: number, at: string): AcknowledgmentEventRow => ({
  kind: 'request',
  poNumber,
  revision,
  at,
  sequence: ++seq,
});
const answer = (poNumber: string, at: string, revision: number | null = null): AcknowledgmentEventRow => ({
  kind: 'answer',
  poNumber,
  revision,
  at,
  sequence: ++seq,
});

describe('lastMonths', () => {
  it('ends with the current UTC month, oldest first, across a year', () => {
    expect(lastMonths(new Date('2026-02-10T00:00:00Z'), 3)).toEqual(['2025-12', '2026-01', '2026-02']);
  });
});

describe('acknowledgmentOutcomes', () => {
  it('is empty without events', () => {
    expect(acknowledgmentOutcomes([], 48, NOW)).toEqual([]);
  });

  it('times the first answer against the SLA and ignores later acknowledgments of the same revision', () => {
    const out = acknowledgmentOutcomes(
      [
        request('P1', 0, '2026-11-01T00:00:00Z'),
        answer('P1', '2026-11-02T00:00:00Z'),
        answer('P1', '2026-11-05T00:00:00Z'),
      ],
      48,
      NOW,
    );
    expect(out).toEqual([expect.objectContaining({ revision: 0, latencyHours: 24, onTime: true })]);
  });

  it('a late answer is not on time; an unanswered order past the SLA is late, within it pending', () => {
    const out = acknowledgmentOutcomes(
      [
        request('P1', 0, '2026-11-01T00:00:00Z'),
        answer('P1', '2026-11-04T00:00:00Z'),
        request('P2', 0, '2026-11-20T00:00:00Z'),
        request('P3', 0, '2026-11-27T00:00:00Z'),
      ],
      48,
      NOW,
    );
    expect(out.map((o) => [o.poNumber, o.latencyHours, o.onTime])).toEqual([
      ['P1', 72, false],
      ['P2', null, false],
      ['P3', null, null],
    ]);
  });

  it('an answer after a change answers the change; the superseded revision is not counted', () => {
    const out = acknowledgmentOutcomes(
      [
        request('P1', 0, '2026-11-01T00:00:00Z'),
        request('P1', 1, '2026-11-02T00:00:00Z'),
        answer('P1', '2026-11-02T06:00:00Z', 1),
      ],
      48,
      NOW,
    );
    expect(out).toEqual([expect.objectContaining({ revision: 1, latencyHours: 6, onTime: true })]);
  });

  it('acknowledged, then changed and answered: two outcomes; a stale answer to the old revision changes nothing', () => {
    const out = acknowledgmentOutcomes(
      [
        request('P1', 0, '2026-11-01T00:00:00Z'),
        answer('P1', '2026-11-01T12:00:00Z'),
        request('P1', 1, '2026-11-10T00:00:00Z'),
        answer('P1', '2026-11-10T01:00:00Z', 0),
        answer('P1', '2026-11-13T00:00:00Z', 1),
      ],
      48,
      NOW,
    );
    expect(out.map((o) => [o.revision, o.latencyHours, o.onTime])).toEqual([
      [0, 12, true],
      [1, 72, false],
    ]);
  });

  it('follows the log order, not the clock: an answer before the recorded delivery counts as 0 h', () => {
    const out = acknowledgmentOutcomes(
      [request('P1', 0, '2026-11-01T10:00:00Z'), answer('P1', '2026-11-01T09:00:00Z')],
      48,
      NOW,
    );
    expect(out).toEqual([expect.objectContaining({ latencyHours: 0, onTime: true })]);
  });
});

describe('latency and ratio', () => {
  it('median of an even count is the mean of the middle two; p90 is the nearest rank', () => {
    // sorted 1,2,3,4,5,6,7,8,9,10: median (5+6)/2 = 5.5; p90 rank ceil(0.9×10) = 9 → 9
    expect(latency([10, 1, 9, 2, 8, 3, 7, 4, 6, 5])).toEqual({ count: 10, medianHours: 5.5, p90Hours: 9 });
    // one value: median and p90 are it
    expect(latency([2.25])).toEqual({ count: 1, medianHours: 2.3, p90Hours: 2.3 });
    expect(latency([])).toEqual({ count: 0, medianHours: null, p90Hours: null });
  });

  it('percent to one decimal, null when nothing counted', () => {
    expect(ratio(2, 3)).toEqual({ hits: 2, total: 3, percent: 66.7 });
    expect(ratio(0, 0).percent).toBeNull();
  });
});

describe('asnOutcomes', () => {
  const lines = [
    { shipmentNumber: 'S1', poNumber: 'P1', lineNumber: '10', quantity: '100' },
    { shipmentNumber: 'S1', poNumber: 'P1', lineNumber: '20', quantity: '50' },
    { shipmentNumber: 'S2', poNumber: 'P2', lineNumber: '10', quantity: '10' },
    { shipmentNumber: 'S3', poNumber: 'P3', lineNumber: '10', quantity: '10' },
  ];
  it('accurate when every line received equals announced, over several receipts; unreceived notices not counted', () => {
    const out = asnOutcomes(lines, [
      {
        shipmentNumber: 'S1',
        poNumber: 'P1',
        lineNumber: '10',
        quantity: '60',
        receivedAt: '2026-11-05T00:00:00Z',
      },
      {
        shipmentNumber: 'S1',
        poNumber: 'P1',
        lineNumber: '10',
        quantity: '40.000',
        receivedAt: '2026-11-04T00:00:00Z',
      },
      {
        shipmentNumber: 'S1',
        poNumber: 'P1',
        lineNumber: '20',
        quantity: '50',
        receivedAt: '2026-11-05T00:00:00Z',
      },
      // S2 short by one
      {
        shipmentNumber: 'S2',
        poNumber: 'P2',
        lineNumber: '10',
        quantity: '9',
        receivedAt: '2026-11-06T00:00:00Z',
      },
      // receipts without a notice do not judge any notice
      {
        shipmentNumber: null,
        poNumber: 'P3',
        lineNumber: '10',
        quantity: '10',
        receivedAt: '2026-11-06T00:00:00Z',
      },
    ]);
    expect(out).toEqual([
      { shipmentNumber: 'S1', receivedAt: '2026-11-04T00:00:00Z', accurate: true },
      { shipmentNumber: 'S2', receivedAt: '2026-11-06T00:00:00Z', accurate: false },
    ]);
  });

  it('a line received that the notice did not announce, or an announced line not received, is inaccurate', () => {
    const out = asnOutcomes(lines.slice(0, 2), [
      {
        shipmentNumber: 'S1',
        poNumber: 'P1',
        lineNumber: '10',
        quantity: '100',
        receivedAt: '2026-11-05T00:00:00Z',
      },
    ]);
    expect(out[0]!.accurate).toBe(false);
  });
});

describe('deliveryOutcomes', () => {
  const line = (poNumber: string, dueDate: string, quantity = '100') => ({
    poNumber,
    lineNumber: '10',
    quantity,
    dueDate,
  });
  it('partial by the due date, late then complete, complete early, pending, overdue and nothing received', () => {
    const out = deliveryOutcomes(
      [
        line('ONTIME', '2026-11-10'),
        line('PARTIAL', '2026-11-10'),
        line('LATE', '2026-11-10'),
        line('PENDING', '2026-12-10'),
        line('NONE', '2026-11-10'),
      ],
      [
        {
          shipmentNumber: null,
          poNumber: 'ONTIME',
          lineNumber: '10',
          quantity: '30',
          receivedAt: '2026-11-01T08:00:00Z',
        },
        {
          shipmentNumber: null,
          poNumber: 'ONTIME',
          lineNumber: '10',
          quantity: '70',
          receivedAt: '2026-11-10T23:59:00Z',
        },
        {
          shipmentNumber: null,
          poNumber: 'PARTIAL',
          lineNumber: '10',
          quantity: '99',
          receivedAt: '2026-11-09T00:00:00Z',
        },
        {
          shipmentNumber: null,
          poNumber: 'LATE',
          lineNumber: '10',
          quantity: '50',
          receivedAt: '2026-11-09T00:00:00Z',
        },
        {
          shipmentNumber: null,
          poNumber: 'LATE',
          lineNumber: '10',
          quantity: '50',
          receivedAt: '2026-11-11T00:00:00Z',
        },
        {
          shipmentNumber: null,
          poNumber: 'PENDING',
          lineNumber: '10',
          quantity: '10',
          receivedAt: '2026-11-11T00:00:00Z',
        },
      ],
      NOW,
    );
    expect(out.map((o) => [o.poNumber, o.completedOn, o.onTimeInFull])).toEqual([
      ['ONTIME', '2026-11-10', true],
      ['PARTIAL', null, false],
      ['LATE', '2026-11-11', false],
      ['PENDING', null, null],
      ['NONE', null, false],
    ]);
  });

  it('a line due today is not overdue yet', () => {
    expect(deliveryOutcomes([line('P', '2026-11-27')], [], NOW)[0]!.onTimeInFull).toBeNull();
  });
});

describe('scorecard', () => {
  it('with no data every figure is empty, every month present', () => {
    const card = scorecard({
      acknowledgments: [],
      shipNoticeLines: [],
      receipts: [],
      deliveryLines: [],
      slaHours: 48,
      months: lastMonths(NOW, 3),
      now: NOW,
    });
    expect(card.months.map((m) => m.month)).toEqual(['2026-09', '2026-10', '2026-11']);
    expect(card.total).toEqual({
      acknowledgmentOnTime: { hits: 0, total: 0, percent: null },
      acknowledgmentLatency: { count: 0, medianHours: null, p90Hours: null },
      asnAccuracy: { hits: 0, total: 0, percent: null },
      onTimeInFull: { hits: 0, total: 0, percent: null },
    });
  });

  it('puts each figure in its month and leaves out what falls before the period', () => {
    const card = scorecard({
      acknowledgments: [
        request('OLD', 0, '2026-08-31T23:00:00Z'),
        answer('OLD', '2026-09-01T01:00:00Z'),
        request('OCT', 0, '2026-10-15T00:00:00Z'),
        answer('OCT', '2026-10-16T00:00:00Z'),
        request('NOV', 0, '2026-11-01T00:00:00Z'),
        answer('NOV', '2026-11-04T00:00:00Z'),
      ],
      shipNoticeLines: [{ shipmentNumber: 'S1', poNumber: 'OCT', lineNumber: '10', quantity: '5' }],
      receipts: [
        {
          shipmentNumber: 'S1',
          poNumber: 'OCT',
          lineNumber: '10',
          quantity: '5',
          receivedAt: '2026-10-20T00:00:00Z',
        },
      ],
      deliveryLines: [{ poNumber: 'OCT', lineNumber: '10', quantity: '5', dueDate: '2026-10-21' }],
      slaHours: 48,
      months: lastMonths(NOW, 3),
      now: NOW,
    });
    const [sep, oct, nov] = card.months;
    expect(sep!.acknowledgmentOnTime.total).toBe(0);
    expect(oct).toMatchObject({
      acknowledgmentOnTime: { hits: 1, total: 1, percent: 100 },
      acknowledgmentLatency: { count: 1, medianHours: 24, p90Hours: 24 },
      asnAccuracy: { hits: 1, total: 1, percent: 100 },
      onTimeInFull: { hits: 1, total: 1, percent: 100 },
    });
    expect(nov!.acknowledgmentOnTime).toEqual({ hits: 0, total: 1, percent: 0 });
    // OCT on time, NOV 72 h late: 1 of 2 = 50 %; latencies 24, 72: median 48, p90 rank 2 = 72
    expect(card.total.acknowledgmentOnTime).toEqual({ hits: 1, total: 2, percent: 50 });
    expect(card.total.acknowledgmentLatency).toEqual({ count: 2, medianHours: 48, p90Hours: 72 });
  });
});
