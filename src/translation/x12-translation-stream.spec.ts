import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { shipNoticeInterchange as interchange } from '../../test/support/x12-ship-notices.js';
import { loadPartnerProfiles } from '../partners/partner-loader.js';
import { X12MapRegistry } from './x12-map-registry.js';
import { X12Translator, type X12TranslatedSet } from './x12-translator.js';

/**
 * The stream form of the translation, which the translation job uses so that it never holds a whole
 * file's events: groups are handed over at their GE, an interchange's verdict at its IEA.
 */
const acme = loadPartnerProfiles(join(import.meta.dirname, '..', '..', 'partners')).profiles.find(
  (p) => p.id === 'acme-fasteners',
)!;
const translator = new X12Translator(new X12MapRegistry());
const RECEIVED = new Date('2025-03-19T20:21:05Z');
const INPUT = { partner: acme, interchangeId: '4711', channel: 'sftp', receivedAt: RECEIVED } as const;

type Heard =
  | { group: number; sets: readonly X12TranslatedSet[] }
  | { interchange: number; voided: readonly X12TranslatedSet[] | undefined };

function listen(): { heard: Heard[]; stream: ReturnType<X12Translator['stream']> } {
  const heard: Heard[] = [];
  const stream = translator.stream(
    { ...INPUT, origin: INPUT.interchangeId },
    {
      group: (sets, index) => void heard.push({ group: index, sets }),
      interchange: (index, voided) => void heard.push({ interchange: index, voided }),
    },
  );
  return { heard, stream };
}

describe('the X12 translation stream', () => {
  it("hands each group's events over at its GE, before the rest of the file is read", () => {
    const text = interchange('000000104', 2, 3);
    const firstGe = text.indexOf('GE*3*1~') + 'GE*3*1~'.length;
    const { heard, stream } = listen();
    stream.write(Buffer.from(text.slice(0, firstGe), 'latin1'));
    expect(heard).toHaveLength(1);
    const [first] = heard as { group: number; sets: readonly X12TranslatedSet[] }[];
    expect(first!.group).toBe(0);
    expect(first!.sets.map((s) => [s.groupControlNumber, s.controlNumber, s.outcome])).toEqual([
      ['1', '1040001', 'translated'],
      ['1', '1040002', 'translated'],
      ['1', '1040003', 'translated'],
    ]);
    expect(first!.sets.every((s) => s.event?.type === 'ship-notice.received')).toBe(true);

    stream.write(Buffer.from(text.slice(firstGe), 'latin1'));
    stream.end();
    expect(
      heard.slice(1).map((h) => ('group' in h ? `group of ${h.sets.length}` : `end ${h.interchange}`)),
    ).toEqual(['group of 3', 'end 0']);
    expect(heard[2]).toEqual({ interchange: 0, voided: undefined });
  });

  it('gives the same sets and events however the bytes are cut', () => {
    const text = interchange('000000104', 3, 2) + interchange('000000105', 1, 2);
    const whole = translator.translate({ ...INPUT, bytes: text });
    expect(whole.events).toHaveLength(8);
    for (const size of [1, 7, 64, 4096]) {
      const { heard, stream } = listen();
      const bytes = Buffer.from(text, 'latin1');
      for (let at = 0; at < bytes.length; at += size) stream.write(bytes.subarray(at, at + size));
      stream.end();
      const sets = heard.flatMap((h) => ('group' in h ? h.sets : []));
      expect(sets, `chunks of ${size}`).toEqual(whole.sets);
      expect(heard.filter((h) => 'interchange' in h)).toEqual([
        { interchange: 0, voided: undefined },
        { interchange: 1, voided: undefined },
      ]);
    }
  });

  it('keeps nothing of a chunk after its write: the reader may reuse its buffer', () => {
    const text = interchange('000000104', 3, 2);
    const whole = translator.translate({ ...INPUT, bytes: text });
    const bytes = Buffer.from(text, 'latin1');
    const buffer = Buffer.alloc(100);
    const { heard, stream } = listen();
    for (let at = 0; at < bytes.length; at += buffer.length) {
      const n = bytes.copy(buffer, 0, at, at + buffer.length);
      stream.write(buffer.subarray(0, n));
      buffer.fill('~');
    }
    stream.end();
    expect(heard.flatMap((h) => ('group' in h ? h.sets : []))).toEqual(whole.sets);
  });

  it('makes the same event ids from text as from its bytes, without an archive id', () => {
    // Text is read as Latin-1; its digest (the ids' origin) was of its UTF-8 encoding.
    const text = interchange('000000104', 1, 1).replace('N1*SF*Acme Fasteners', 'N1*SF*Acme Fästeners');
    const { interchangeId: _archived, ...cli } = INPUT;
    const fromText = translator.translate({ ...cli, bytes: text });
    const fromBytes = translator.translate({ ...cli, bytes: Buffer.from(text, 'latin1') });
    expect(fromText.events).toHaveLength(1);
    expect(fromText.events.map((e) => e.id)).toEqual(fromBytes.events.map((e) => e.id));
  });

  it('voids the events handed over when the IEA then rejects the interchange', () => {
    // IEA02 is not ISA13: the interchange is rejected at its very end, after its groups were handed over.
    const text = interchange('000000104', 2, 2, '000000999') + interchange('000000105', 1, 1);
    const { heard, stream } = listen();
    stream.write(Buffer.from(text, 'latin1'));
    stream.end();
    expect(heard.map((h) => ('group' in h ? `group ${h.group}` : `end ${h.interchange}`))).toEqual([
      'group 0',
      'group 0',
      'end 0',
      'group 1',
      'end 1',
    ]);
    const handed = heard
      .filter((h) => 'group' in h && h.group === 0)
      .flatMap((h) => ('group' in h ? h.sets : []));
    expect(handed.every((s) => s.event !== undefined)).toBe(true);
    const end = heard[2] as { interchange: number; voided: readonly X12TranslatedSet[] };
    expect(end.voided.map((s) => [s.controlNumber, s.outcome, s.event])).toEqual([
      ['1040001', 'rejected', undefined],
      ['1040002', 'rejected', undefined],
      ['1040003', 'rejected', undefined],
      ['1040004', 'rejected', undefined],
    ]);
    expect(end.voided[0]!.problems).toEqual(['interchange 000000104 rejected']);
    expect((heard[4] as { voided: unknown }).voided).toBeUndefined();

    // The whole-input form reports the same: the first interchange's sets rejected, no event of them.
    const whole = translator.translate({ ...INPUT, bytes: text });
    expect(whole.sets.map((s) => `${s.interchangeIndex} ${s.outcome}`)).toEqual([
      '0 rejected',
      '0 rejected',
      '0 rejected',
      '0 rejected',
      '1 translated',
    ]);
    expect(whole.events.map((e) => e.source?.controlNumber)).toEqual(['1050001']);
  });

  it('voids a rejected group at its GE, before its interchange ends', () => {
    // GE01 counts 5 sets, the group holds 2: the group is rejected (AK905 5), its sets never events.
    const text = interchange('000000104', 1, 2).replace('GE*2*1~', 'GE*5*1~');
    const ge = text.indexOf('GE*5*1~') + 'GE*5*1~'.length;
    const { heard, stream } = listen();
    stream.write(Buffer.from(text.slice(0, ge), 'latin1'));
    expect(heard).toHaveLength(1);
    const [group] = heard as { sets: readonly X12TranslatedSet[] }[];
    expect(group!.sets.map((s) => [s.outcome, s.event])).toEqual([
      ['rejected', undefined],
      ['rejected', undefined],
    ]);
    expect(group!.sets[0]!.problems).toEqual([expect.stringMatching(/^group 1 rejected: GE01/)]);
    stream.write(Buffer.from(text.slice(ge), 'latin1'));
    stream.end();
    expect(heard[1]).toEqual({ interchange: 0, voided: undefined });
  });
});
