import { describe, expect, it } from 'vitest';
import { CanonicalErrorCode } from '../canonical.exception.js';
import {
  EVENT_CATALOGUE,
  EVENT_NAMES,
  eventName,
  parseEvent,
  parseEventOf,
  type CanonicalEvent,
  type EventName,
} from './catalogue.js';
import { SAMPLE_EVENTS } from './sample-events.js';
import { errorOf } from '../canonical-error.test-helper.js';

/** A deep copy of a sample, changed by `edit`, as plain JSON data. */
function sample(name: EventName, edit: (event: any) => void = () => {}): any {
  const copy = structuredClone(SAMPLE_EVENTS[name]) as any;
  edit(copy);
  return copy;
}

/** The details of the EventInvalid error parsing `event` gives. */
function problems(event: unknown): string[] {
  const error = errorOf(() => parseEvent(event));
  expect(error.code).toBe(CanonicalErrorCode.EventInvalid);
  return [...error.details];
}

describe('the catalogue', () => {
  it('names every event <type>.<version>, past tense, kebab-case', () => {
    expect(EVENT_NAMES).toHaveLength(16);
    for (const name of EVENT_NAMES) expect(name).toMatch(/^[a-z]+(?:-[a-z]+)*\.[a-z]+(?:-[a-z]+)*\.v[0-9]+$/);
    for (const name of EVENT_NAMES) expect(name.split('.')[1], name).toMatch(/(?:ed|sent)$/);
  });

  it('has a sample of every event, and every sample is valid, also as JSON text', () => {
    expect(Object.keys(SAMPLE_EVENTS).sort()).toEqual([...EVENT_NAMES].sort());
    for (const name of EVENT_NAMES) {
      const event = parseEvent(SAMPLE_EVENTS[name]);
      expect(eventName(event), name).toBe(name);
      expect(parseEvent(JSON.stringify(SAMPLE_EVENTS[name]))).toEqual(event);
    }
  });

  it('keeps the envelope in every schema', () => {
    for (const name of EVENT_NAMES)
      for (const field of [
        'id',
        'type',
        'schemaVersion',
        'partnerId',
        'plant',
        'occurredAt',
        'receivedAt',
        'correlationId',
        'causationId',
        'document',
        'source',
        'payload',
      ])
        expect(EVENT_CATALOGUE[name].shape, `${name}.${field}`).toHaveProperty(field);
  });

  it('returns a union that narrows on type', () => {
    const event: CanonicalEvent = parseEvent(SAMPLE_EVENTS['purchase-order.acknowledged.v1']);
    if (event.type !== 'purchase-order.acknowledged') throw new Error('wrong type');
    // Compiles only because `type` narrowed the payload.
    expect(event.payload.lines[0]?.status).toBe('changed');
    expect(parseEventOf('goods.received.v1', SAMPLE_EVENTS['goods.received.v1']).payload.lines).toHaveLength(
      1,
    );
    expect(
      errorOf(() => parseEventOf('goods.received.v1', SAMPLE_EVENTS['inventory.adjusted.v1'])).message,
    ).toBe('expected a goods.received.v1 event, got inventory.adjusted.v1');
  });
});

describe('parseEvent refuses', () => {
  it('an unknown type, naming the known ones', () => {
    const error = errorOf(() => parseEvent(sample('goods.received.v1', (e) => (e.type = 'goods.recieved'))));
    expect(error.code).toBe(CanonicalErrorCode.EventUnknownType);
    expect(error.message).toMatch(
      /^unknown event type "goods.recieved"; the catalogue has purchase-order.issued, /,
    );
    expect(errorOf(() => parseEvent({ schemaVersion: 'v1' })).code).toBe(CanonicalErrorCode.EventUnknownType);
  });

  it('an unknown version of a known type, naming the known versions', () => {
    const error = errorOf(() => parseEvent(sample('goods.received.v1', (e) => (e.schemaVersion = 'v2'))));
    expect(error.code).toBe(CanonicalErrorCode.EventUnknownVersion);
    expect(error.message).toBe('event type goods.received has no schema version "v2"; known: v1');
    expect(errorOf(() => parseEvent(sample('goods.received.v1', (e) => delete e.schemaVersion))).code).toBe(
      CanonicalErrorCode.EventUnknownVersion,
    );
  });

  it('text that is not JSON, and JSON that is not an object', () => {
    expect(errorOf(() => parseEvent('{"type":')).code).toBe(CanonicalErrorCode.EventInvalidJson);
    expect(errorOf(() => parseEvent('[]')).message).toBe('an event is a JSON object');
    expect(errorOf(() => parseEvent(null)).code).toBe(CanonicalErrorCode.EventInvalid);
  });

  it('a float quantity, with the path and the reason', () => {
    const event = sample('purchase-order.issued.v1', (e) => (e.payload.lines[0].quantity.value = 10000.5));
    expect(problems(event)).toContain(
      'payload.lines.0.quantity.value: expected a decimal string such as "12.5" (numbers are not accepted: they are floats)',
    );
    // The same in JSON text, where the number never was a string.
    const json = JSON.stringify(sample('goods.received.v1')).replace('"value":"4750"', '"value":4750');
    expect(errorOf(() => parseEvent(json)).details).toContain(
      'payload.lines.0.quantity.value: expected a decimal string such as "12.5" (numbers are not accepted: they are floats)',
    );
  });

  it('non-canonical, negative or exponent decimals', () => {
    for (const value of ['10000.00', '1e4', '-5', '+5', '10 000'])
      expect(
        problems(
          sample('purchase-order.issued.v1', (e) => (e.payload.lines[0].quantity.value = value)),
        ).join(),
        value,
      ).toMatch(/payload\.lines\.0\.quantity\.value: expected a non-negative canonical decimal string/);
    expect(
      problems(sample('purchase-order.issued.v1', (e) => (e.payload.lines[0].unitPrice.amount = '4.250'))),
    ).toContain(
      'payload.lines.0.unitPrice.amount: expected a non-negative canonical decimal string: plain digits, no exponent, no trailing zeros ("12.5", "0")',
    );
  });

  it('a missing correlation id, and malformed trace ids', () => {
    expect(problems(sample('purchase-order.acknowledged.v1', (e) => delete e.correlationId))).toEqual([
      'correlationId: Invalid input: expected string, received undefined',
    ]);
    expect(problems(sample('purchase-order.acknowledged.v1', (e) => delete e.causationId))).toHaveLength(1);
    expect(
      problems(sample('purchase-order.acknowledged.v1', (e) => (e.correlationId = 'a b'))).join(),
    ).toMatch(/^correlationId: expected an id of 1-128 letters/);
  });

  it('an unknown line status or change', () => {
    expect(
      problems(sample('purchase-order.acknowledged.v1', (e) => (e.payload.lines[0].status = 'partial'))),
    ).toContain('payload.lines.0.status: expected a line status: accepted, changed, rejected, backordered');
    expect(
      problems(
        sample('purchase-order.acknowledged.v1', (e) => (e.payload.lines[0].changes = ['colour'])),
      ).join(),
    ).toMatch(/^payload\.lines\.0\.changes\.0: /);
  });

  it('line statuses that contradict themselves or the order', () => {
    expect(
      problems(sample('purchase-order.acknowledged.v1', (e) => delete e.payload.lines[0].changes)),
    ).toEqual(['payload.lines.0.changes: a changed line says what changed']);
    expect(
      problems(
        sample('purchase-order.acknowledged.v1', (e) => {
          e.payload.lines[0].status = 'rejected';
          delete e.payload.lines[0].changes;
        }),
      ),
    ).toEqual(['payload.lines.0.schedule: a rejected line confirms no schedule']);
    expect(
      problems(sample('purchase-order.acknowledged.v1', (e) => (e.payload.status = 'accepted'))),
    ).toEqual([
      'payload.lines.0.status: the order is accepted, but line 10 is changed: the order is accepted-with-changes',
    ]);
    expect(
      problems(
        sample('purchase-order.change-answered.v1', (e) => delete e.payload.purchaseOrder.revision),
      ).join(),
    ).toMatch(/^payload\.purchaseOrder\.revision: /);
  });

  it('schedule lines that do not add up to the line, or use another unit', () => {
    expect(
      problems(
        sample('purchase-order.issued.v1', (e) => (e.payload.lines[0].schedule[1].quantity.value = '4000')),
      ),
    ).toEqual(['payload.lines.0.schedule: schedule lines add up to 9000 H87, the line quantity is 10000']);
    expect(
      problems(
        sample('purchase-order.issued.v1', (e) => (e.payload.lines[0].schedule[1].quantity.unit = 'C62')),
      ),
    ).toEqual([
      "payload.lines.0.schedule.1.quantity.unit: schedule quantity in C62, line quantity in H87: use the line's unit",
    ]);
    expect(
      problems(sample('purchase-order.acknowledged.v1', (e) => (e.payload.lines[0].quantity.value = '9000'))),
    ).toEqual(['payload.lines.0.schedule: schedule lines add up to 9600 H87, the line quantity is 9000']);
  });

  it('units outside the Rec 20 table', () => {
    expect(
      problems(sample('goods.received.v1', (e) => (e.payload.lines[0].quantity.unit = 'PCE'))).join(),
    ).toMatch(/^payload\.lines\.0\.quantity\.unit: expected a UN\/ECE Rec 20 unit code/);
    expect(problems(sample('ship-notice.received.v1', (e) => (e.payload.grossWeight.unit = 'LTR')))).toEqual([
      'payload.grossWeight: expected a weight in a mass unit (KGM, LBR, …)',
    ]);
  });

  it('times without an offset, and impossible dates', () => {
    expect(
      problems(sample('goods.received.v1', (e) => (e.occurredAt = '2025-03-21T08:40:00'))).join(),
    ).toMatch(/^occurredAt: expected an ISO 8601 date-time with an offset/);
    expect(
      problems(
        sample(
          'purchase-order.issued.v1',
          (e) => (e.payload.lines[0].schedule[0].deliveryDate = '2025-02-30'),
        ),
      ),
    ).toContain('payload.lines.0.schedule.0.deliveryDate: expected an ISO 8601 date, such as 2025-03-14');
  });

  it('misspelt or unknown fields', () => {
    expect(
      problems(
        sample('goods.received.v1', (e) => (e.payload.lines[0].quantiy = e.payload.lines[0].quantity)),
      ),
    ).toEqual(['payload.lines.0: Unrecognized key: "quantiy"']);
    expect(problems(sample('goods.received.v1', (e) => (e.correlation_id = 'x'))).join()).toMatch(
      /Unrecognized key/,
    );
  });

  it('envelope fields a type requires', () => {
    expect(problems(sample('ship-notice.received.v1', (e) => delete e.partnerId)).join()).toMatch(
      /^partnerId: /,
    );
    expect(problems(sample('goods.received.v1', (e) => delete e.plant)).join()).toMatch(/^plant: /);
    expect(
      problems(sample('purchase-order.cancelled.v1', (e) => (e.document.kind = 'original'))).join(),
    ).toMatch(/^document\.kind: expected document kind cancellation/);
    expect(problems(sample('purchase-order.issued.v1', (e) => delete e.document.revision)).join()).toMatch(
      /^document\.revision: /,
    );
    expect(problems(sample('purchase-order.issued.v1', (e) => (e.id = 'not-a-uuid')))).toEqual([
      'id: expected the event id as a UUID',
    ]);
  });

  it('SSCCs with a wrong check digit, repeated, or with an unknown parent', () => {
    const packs = (e: any) => e.payload.orders[0].packs;
    expect(
      problems(sample('ship-notice.received.v1', (e) => (packs(e)[0].sscc = '000123456789012347'))),
    ).toEqual(['payload.orders.0.packs.0.sscc: the SSCC check digit is wrong']);
    expect(
      problems(sample('ship-notice.received.v1', (e) => packs(e).push(structuredClone(packs(e)[0])))),
    ).toEqual([
      'payload.orders.0.packs.1.sscc: SSCC 000123456789012343 appears twice (also at orders.0.packs.0)',
    ]);
    expect(
      problems(sample('ship-notice.received.v1', (e) => (packs(e)[0].parentSscc = '000123456789012350'))),
    ).toEqual([
      'payload.orders.0.packs.0.parentSscc: parent SSCC 000123456789012350 is not a pack of this shipment',
    ]);
  });

  it('packs without items, unless they hold other packs (a pallet of cartons)', () => {
    const packs = (e: any) => e.payload.orders[0].packs;
    expect(problems(sample('ship-notice.received.v1', (e) => (packs(e)[0].items = [])))).toEqual([
      'payload.orders.0.packs.0.items: expected at least one item in the pack (only a pack that holds other packs may have none)',
    ]);
    const pallet = { sscc: '000123456789012350', packaging: 'XPX', items: [] };
    const palletized = sample('ship-notice.received.v1', (e) => {
      packs(e).unshift(pallet);
      packs(e)[1].parentSscc = pallet.sscc;
    });
    expect((parseEvent(palletized) as any).payload.orders[0].packs[0]).toEqual(pallet);
  });

  it('duplicate line numbers', () => {
    expect(
      problems(
        sample('purchase-order.issued.v1', (e) => e.payload.lines.push(structuredClone(e.payload.lines[0]))),
      ),
    ).toEqual(['payload.lines.1: line number 10 appears twice (also at 0)']);
  });

  it('other contradictions', () => {
    expect(problems(sample('inventory.adjusted.v1', (e) => (e.payload.change.value = '0')))).toEqual([
      'payload.change.value: an adjustment changes the stock: not 0',
    ]);
    expect(
      problems(sample('functional-acknowledgment.received.v1', (e) => (e.payload.ackType = 'CONTRL'))),
    ).toEqual(['payload.ackType: CONTRL is an EDIFACT acknowledgment, not x12']);
    expect(problems(sample('exception.changed.v1', (e) => (e.payload.to = 'open')))).toEqual([
      'payload.to: a change changes the state or the owner',
    ]);
    expect(problems(sample('replenishment.decided.v1', (e) => (e.payload.decision = 'modified')))).toEqual([
      'payload.decision: a modified decision gives the decided quantity or date',
    ]);
    expect(
      problems(sample('production.completed.v1', (e) => (e.payload.scrapQuantity.unit = 'KGM'))),
    ).toEqual(['payload.scrapQuantity.unit: scrap in KGM, finished quantity in H87: use one unit']);
    expect(
      problems(sample('purchase-order.changed.v1', (e) => (e.payload.lines[0].changedFields = []))),
    ).toEqual(['payload.lines.0.changedFields: expected what changed on the line']);
  });

  it('lists every problem at once', () => {
    const event = sample('goods.received.v1', (e) => {
      delete e.correlationId;
      e.payload.lines[0].quantity.value = 1.5;
      e.payload.lines[0].discrepancies[0].kind = 'missing';
    });
    expect(problems(event)).toHaveLength(3);
  });
});
