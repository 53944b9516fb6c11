import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPartnerProfiles } from '../partners/partner-loader.js';
import { EdifactMapRegistry } from './edifact-map-registry.js';
import { EdifactTranslator } from './edifact-translator.js';

/**
 * Damaged copies of the golden inputs through the whole translation (directories, maps, shaping,
 * catalogue): no exception escapes, and every event it does make is a message the directory accepted.
 */
const FIXTURES = join(import.meta.dirname, 'fixtures', 'edifact');
const seeds = readdirSync(FIXTURES)
  .filter((f) => f.endsWith('.edi'))
  .map((f) => readFileSync(join(FIXTURES, f)));
const nordic = loadPartnerProfiles(join(import.meta.dirname, '..', '..', 'partners')).profiles.find(
  (p) => p.id === 'nordic-castings',
)!;

describe('EDIFACT translation fuzzing', () => {
  it('translates 1,500 damaged interchanges without an exception', () => {
    const translator = new EdifactTranslator(new EdifactMapRegistry());
    let seed = 11;
    const rnd = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed / 4294967296;
    };
    const int = (n: number) => Math.floor(rnd() * n);
    const alphabet = Buffer.from("+:'?0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ.,");
    let events = 0;
    for (let run = 0; run < 1500; run++) {
      const data = Buffer.from(seeds[run % seeds.length]!);
      for (let k = 0; k < 1 + int(3); k++) data[int(data.length)] = alphabet[int(alphabet.length)]!;
      const result = translator.translate({ bytes: data, partner: nordic, receivedAt: new Date(0) });
      for (const m of result.messages) if (m.event) expect(m.outcome).toBe('translated');
      events += result.events.length;
    }
    expect(events).toBeGreaterThan(100);
  });
});
