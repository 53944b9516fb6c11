import type { EntityManager } from 'typeorm';
import { describe, expect, it } from 'vitest';
import type { DecimalString } from '../../canonical/decimal.js';
import type { AcceptedEvent, StoredPlantEvent } from './plant-event-normalizer.js';
import { PlantEventRepository } from './plant-event.repository.js';

/** Text that JSON must escape, or that looks as if it might: quotes, controls, surrogates, U+2028. */
const AWKWARD = [
  'plain',
  'quote"d',
  'back\\slash',
  'tab\there',
  'nul\u0000',
  '\u001f',
  'ümlaut',
  '\u2028',
  '😀',
  '\ud800',
  'x\udfff',
  '',
];

function accepted(i: number, text: string, raw?: string): AcceptedEvent {
  const event = { type: 'material.consumed', note: text } as unknown as StoredPlantEvent;
  return {
    ok: true,
    producerKey: `1000/${text}/${i}`,
    type: 'material.consumed',
    plant: `P${text}`,
    material: `M${text}`,
    occurredAt: '2026-11-27T08:15:00Z',
    event,
    movements: [
      { seq: 0, material: `M${text}`, kind: 'consumed', quantity: '-1.5' as DecimalString },
      { seq: 1, material: text, kind: 'produced', quantity: '2' as DecimalString },
    ],
    ...(raw === undefined ? {} : { raw }),
  };
}

/** The parameters as the statement got them before they were built in one pass (JSON.stringify throughout). */
function reference(events: AcceptedEvent[]): [string, string] {
  const rows = `[${events
    .map(
      (e) =>
        `{"k":${JSON.stringify(e.producerKey)},"ty":${JSON.stringify(e.type)},"p":${JSON.stringify(e.plant)},` +
        `"m":${JSON.stringify(e.material)},"at":${JSON.stringify(e.occurredAt)},"e":${e.raw ?? JSON.stringify(e.event)}}`,
    )
    .join(',')}]`;
  const movements = events.flatMap((e) =>
    e.movements.map((m) => ({
      k: e.producerKey,
      s: m.seq,
      p: e.plant,
      m: m.material,
      kind: m.kind,
      q: m.quantity,
      at: e.occurredAt,
    })),
  );
  return [rows, JSON.stringify(movements)];
}

describe('PlantEventRepository.insertBatch', () => {
  it('sends the events and movements as JSON text identical to JSON.stringify’s, awkward text included', async () => {
    const events = AWKWARD.map((text, i) => accepted(i, text, i % 2 === 0 ? `{"raw":${i}}` : undefined));
    let params: unknown[] = [];
    const tx = {
      query: (_sql: string, p: unknown[]) => {
        params = p;
        return Promise.resolve([]);
      },
    } as unknown as EntityManager;
    await new PlantEventRepository().insertBatch(tx, events, 'api', 60);
    const sorted = [...events].sort((a, b) =>
      a.producerKey < b.producerKey ? -1 : a.producerKey > b.producerKey ? 1 : 0,
    );
    expect(params.slice(0, 2)).toEqual(reference(sorted));
    expect(params.slice(2)).toEqual(['api', 60]);
  });
});
