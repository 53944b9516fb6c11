import { describe, expect, it } from 'vitest';
import type { ChainDeadLetter, ChainStep, TrackingHit } from '../tracking/tracking.service.js';
import { chainHref, chainView, groupHits } from './tracking-view.js';

const names = (id: string) => ({ 'acme-fasteners': 'ACME Fasteners' })[id] ?? id;

const hit = (over: Partial<TrackingHit>): TrackingHit => ({
  kind: 'interchange',
  id: '1',
  matched: 'isa13',
  partnerId: 'acme-fasteners',
  direction: 'inbound',
  status: 'processed',
  summary: 'inbound as2',
  correlationId: 'c-1',
  at: '2026-11-27T10:15:02.000000Z',
  ...over,
});

const step = (over: Partial<ChainStep>): ChainStep => ({
  at: '2026-11-27T10:15:02.000000Z',
  kind: 'interchange',
  id: '1',
  summary: 's',
  status: null,
  partnerId: null,
  causedBy: null,
  link: null,
  ...over,
});

const letter = (over: Partial<ChainDeadLetter>): ChainDeadLetter => ({
  id: '9',
  jobName: 'erp.post',
  error: 'ErpUnavailableError',
  deadAt: '2026-11-27T11:00:00.000000Z',
  replayedAt: null,
  replayedBy: null,
  postingId: null,
  ...over,
});

describe('groupHits', () => {
  it('groups by what matched in a fixed order, control numbers of every standard together', () => {
    const groups = groupHits(
      [
        hit({ id: '1', matched: 'correlation-id' }),
        hit({ id: '2', matched: 'unb-reference' }),
        hit({
          kind: 'purchase-order',
          id: '4500012345',
          matched: 'purchase-order-number',
          direction: 'outbound',
        }),
        hit({ kind: 'outbound-document', id: '3', matched: 'control-number', direction: 'outbound' }),
        hit({ id: '4', matched: 'something-new' }),
      ],
      names,
      '4500012345',
    );
    expect(groups.map((g) => [g.label, g.hits.map((h) => h.id)])).toEqual([
      ['Purchase order', ['4500012345']],
      ['Control number', ['2', '3']],
      ['Correlation id', ['1']],
      ['Other', ['4']],
    ]);
    expect(groups[0]!.hits[0]).toMatchObject({
      kind: 'Purchase order',
      partner: 'ACME Fasteners',
      direction: 'to the partner',
      chainHref: '/portal/tracking/chain?c=c-1&q=4500012345',
    });
  });

  it('names a dead posting dead-lettered and flags it, an unknown outcome too', () => {
    const [group] = groupHits(
      [
        hit({
          kind: 'erp-posting',
          id: '7',
          matched: 'erp-document-number',
          partnerId: null,
          status: 'dead',
        }),
        hit({ kind: 'erp-posting', id: '8', matched: 'erp-document-number', status: 'outcome-unknown' }),
        hit({ kind: 'erp-posting', id: '9', matched: 'erp-document-number', status: 'posted' }),
      ],
      names,
      'x',
    );
    expect(group!.hits.map((h) => [h.status, h.statusClass, h.problem, h.partner])).toEqual([
      ['dead-lettered', 'dead', true, '—'],
      ['unknown outcome', 'outcome-unknown', true, 'ACME Fasteners'],
      ['posted', 'posted', false, 'ACME Fasteners'],
    ]);
  });
});

describe('chainHref', () => {
  it('encodes every correlation id as its own parameter', () => {
    expect(chainHref(['po:1', 'a&b'])).toBe('/portal/tracking/chain?c=po%3A1&c=a%26b');
  });
});

describe('chainView', () => {
  const chain = {
    correlationIds: ['c-1'],
    steps: [
      step({ kind: 'interchange', id: '5', status: 'processed', partnerId: 'acme-fasteners' }),
      step({ kind: 'business-document', id: 'e-1', causedBy: 'interchange 5' }),
      step({ kind: 'erp-posting', id: '77', status: 'dead', causedBy: 'event e-1' }),
      step({ kind: 'erp-posting', id: '78', status: 'posted', causedBy: 'event e-elsewhere' }),
    ],
  };

  it('indents steps under their cause, links causes on the chain, and offers the raw bytes of interchanges', () => {
    const view = chainView(chain, [], names);
    expect(view.steps.map((s) => [s.anchor, s.depth, s.causedBy?.href ?? null, s.rawHref])).toEqual([
      ['interchange-5', 0, null, '/portal/tracking/interchanges/5/raw'],
      ['business-document-e-1', 1, '#interchange-5', null],
      ['erp-posting-77', 2, '#business-document-e-1', null],
      ['erp-posting-78', 0, null, null],
    ]);
    expect(view.steps[0]!.partner).toBe('ACME Fasteners');
    expect(view.problems).toBe(1);
  });

  it('places a step under its cause even when the cause was written later, and survives a cycle', () => {
    const view = chainView(
      {
        correlationIds: ['c-1'],
        steps: [
          step({ kind: 'business-document', id: 'e-2', causedBy: 'interchange 6' }),
          step({ kind: 'interchange', id: '6' }),
          step({ kind: 'outbound-document', id: '8', causedBy: 'outbound-document 9' }),
          step({ kind: 'outbound-document', id: '9', causedBy: 'outbound-document 8' }),
        ],
      },
      [],
      names,
    );
    expect(view.steps.map((s) => [s.anchor, s.depth])).toEqual([
      ['interchange-6', 0],
      ['business-document-e-2', 1],
      ['outbound-document-8', 0],
      ['outbound-document-9', 1],
    ]);
  });

  it("attaches a posting's open dead letter to the posting, and lists the others apart", () => {
    const view = chainView(
      chain,
      [
        letter({ id: '12', postingId: '77' }),
        letter({
          id: '11',
          postingId: '77',
          replayedAt: '2026-11-27T10:00:00.000000Z',
          replayedBy: 'user a',
        }),
        letter({ id: '13', jobName: 'outbound.deliver' }),
        letter({ id: '14', postingId: '999' }),
      ],
      names,
    );
    expect(view.steps[2]!.replay).toMatchObject({
      deadLetterId: '12',
      replayable: true,
      action: '/portal/tracking/dead-letters/12/replay',
    });
    expect(view.steps[3]!.replay).toBeNull();
    expect(view.otherDeadLetters.map((l) => l.deadLetterId)).toEqual(['11', '13', '14']);
    // The dead posting and the two open dead letters apart from it (11 was replayed).
    expect(view.problems).toBe(1 + 2);
  });

  it('shows a replayed dead letter without a form', () => {
    const view = chainView(
      chain,
      [
        letter({
          id: '11',
          postingId: '77',
          replayedAt: '2026-11-27T10:00:00.000000Z',
          replayedBy: 'user a',
        }),
      ],
      names,
    );
    expect(view.steps[2]!.replay).toMatchObject({ replayable: false, replayedBy: 'user a' });
    expect(view.otherDeadLetters).toEqual([]);
  });
});
