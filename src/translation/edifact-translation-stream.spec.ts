import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { despatchAdviceInterchange as interchange } from '../../test/support/edifact-despatch-advices.js';
import { loadPartnerProfiles } from '../partners/partner-loader.js';
import { EdifactMapRegistry } from './edifact-map-registry.js';
import { EdifactTranslator, type EdifactTranslatedMessage } from './edifact-translator.js';

/**
 * The stream form of the EDIFACT translation, which the translation job uses so that it never holds a
 * whole file's events: a group's messages are handed over at its UNE, a message outside groups at its
 * UNT, an interchange's verdict at its UNZ.
 */
const nordic = loadPartnerProfiles(join(import.meta.dirname, '..', '..', 'partners')).profiles.find(
  (p) => p.id === 'nordic-castings',
)!;
const translator = new EdifactTranslator(new EdifactMapRegistry());
const RECEIVED = new Date('2025-04-02T11:40:00Z');
const INPUT = { partner: nordic, interchangeId: '4713', channel: 'as2', receivedAt: RECEIVED } as const;

type Heard =
  | { messages: readonly EdifactTranslatedMessage[]; index: number }
  | { interchange: number; voided: readonly EdifactTranslatedMessage[] | undefined };

function listen(): { heard: Heard[]; stream: ReturnType<EdifactTranslator['stream']> } {
  const heard: Heard[] = [];
  const stream = translator.stream(
    { ...INPUT, origin: INPUT.interchangeId },
    {
      messages: (messages, index) => void heard.push({ messages, index }),
      interchange: (index, voided) => void heard.push({ interchange: index, voided }),
    },
  );
  return { heard, stream };
}

const handed = (heard: readonly Heard[]) => heard.flatMap((h) => ('messages' in h ? h.messages : []));
const utf8 = (text: string) => Buffer.from(text, 'utf8');

describe('the EDIFACT translation stream', () => {
  it("hands a group's messages over at its UNE, before the rest of the file is read", () => {
    const text = interchange('501', 2, 3);
    const firstUne = text.indexOf("UNE+3+1'") + "UNE+3+1'".length;
    const { heard, stream } = listen();
    stream.write(utf8(text.slice(0, firstUne - 1)));
    // The group's messages are read and translated, but its UNE can still reject the group.
    expect(heard).toEqual([]);
    stream.write(utf8(text.slice(firstUne - 1, firstUne)));
    expect(heard).toHaveLength(1);
    const [first] = heard as { messages: readonly EdifactTranslatedMessage[]; index: number }[];
    expect(first!.index).toBe(0);
    expect(first!.messages.map((m) => [m.groupReference, m.reference, m.outcome])).toEqual([
      ['1', '5010001', 'translated'],
      ['1', '5010002', 'translated'],
      ['1', '5010003', 'translated'],
    ]);
    expect(first!.messages.every((m) => m.event?.type === 'ship-notice.received')).toBe(true);

    stream.write(utf8(text.slice(firstUne)));
    stream.end();
    expect(
      heard.slice(1).map((h) => ('messages' in h ? `${h.messages.length} messages` : `end ${h.interchange}`)),
    ).toEqual(['3 messages', 'end 0']);
    expect(heard[2]).toEqual({ interchange: 0, voided: undefined });
  });

  it('hands a message outside groups over at its UNT, before the rest of the file is read', () => {
    const text = interchange('502', 0, 3);
    const secondUnt = text.indexOf("UNT+20+5020002'") + "UNT+20+5020002'".length;
    const { heard, stream } = listen();
    stream.write(utf8(text.slice(0, secondUnt)));
    expect(heard.map((h) => ('messages' in h ? h.messages.map((m) => m.reference) : h))).toEqual([
      ['5020001'],
      ['5020002'],
    ]);
    expect(handed(heard).every((m) => m.outcome === 'translated' && m.event !== undefined)).toBe(true);
    stream.write(utf8(text.slice(secondUnt)));
    stream.end();
    expect(heard.slice(2)).toEqual([
      { messages: [expect.objectContaining({ reference: '5020003', outcome: 'translated' })], index: 0 },
      { interchange: 0, voided: undefined },
    ]);
  });

  it('gives the same messages and events however the bytes are cut', () => {
    const text = interchange('503', 2, 2) + interchange('504', 0, 3);
    const whole = translator.translate({ ...INPUT, bytes: text });
    expect(whole.events).toHaveLength(7);
    const bytes = utf8(text);
    for (const size of [1, 7, 64, 4096]) {
      const { heard, stream } = listen();
      for (let at = 0; at < bytes.length; at += size) stream.write(bytes.subarray(at, at + size));
      expect(stream.end()).toEqual(whole.validation);
      expect(handed(heard), `chunks of ${size}`).toEqual(whole.messages);
      expect(heard.filter((h) => 'interchange' in h)).toEqual([
        { interchange: 0, voided: undefined },
        { interchange: 1, voided: undefined },
      ]);
    }
  });

  it('keeps nothing of a chunk after its write: the reader may reuse its buffer', () => {
    const text = interchange('505', 0, 4) + interchange('506', 2, 1);
    const whole = translator.translate({ ...INPUT, bytes: text });
    const bytes = utf8(text);
    const buffer = Buffer.alloc(100);
    const { heard, stream } = listen();
    for (let at = 0; at < bytes.length; at += buffer.length) {
      const n = bytes.copy(buffer, 0, at, at + buffer.length);
      stream.write(buffer.subarray(0, n));
      buffer.fill("'");
    }
    stream.end();
    expect(handed(heard)).toEqual(whole.messages);
    expect(whole.events).toHaveLength(6);
  });

  it('voids the messages handed over when the UNZ then rejects the interchange', () => {
    // UNZ 0020 is not UNB 0020: the interchange is rejected at its very end, after its messages (outside
    // groups, each handed over at its UNT) were handed over.
    const text = interchange('507', 0, 3, '999') + interchange('508', 0, 1);
    const { heard, stream } = listen();
    stream.write(utf8(text));
    stream.end();
    expect(heard.map((h) => ('messages' in h ? `message ${h.index}` : `end ${h.interchange}`))).toEqual([
      'message 0',
      'message 0',
      'message 0',
      'end 0',
      'message 1',
      'end 1',
    ]);
    expect(handed(heard.slice(0, 3)).every((m) => m.event !== undefined)).toBe(true);
    const end = heard[3] as { interchange: number; voided: readonly EdifactTranslatedMessage[] };
    expect(end.voided.map((m) => [m.reference, m.outcome, m.event])).toEqual([
      ['5070001', 'rejected', undefined],
      ['5070002', 'rejected', undefined],
      ['5070003', 'rejected', undefined],
    ]);
    expect(end.voided[0]!.problems).toEqual(['interchange 507 rejected']);
    expect((heard[5] as { voided: unknown }).voided).toBeUndefined();

    // The whole-input form reports the same: the first interchange's messages rejected, no event of them.
    const whole = translator.translate({ ...INPUT, bytes: text });
    expect(whole.messages.map((m) => `${m.interchangeIndex} ${m.outcome}`)).toEqual([
      '0 rejected',
      '0 rejected',
      '0 rejected',
      '1 translated',
    ]);
    expect(whole.events.map((e) => e.source?.controlNumber)).toEqual(['5080001']);
  });

  it("voids a group's messages when the UNZ rejects the interchange after their UNE", () => {
    // UNZ 0036 counts 3 groups, the interchange holds 2.
    const text = interchange('509', 2, 1).replace("UNZ+2+509'", "UNZ+3+509'");
    const { heard, stream } = listen();
    stream.write(utf8(text));
    stream.end();
    expect(handed(heard.slice(0, 2)).map((m) => m.outcome)).toEqual(['translated', 'translated']);
    expect(heard[2]).toEqual({
      interchange: 0,
      voided: [
        expect.objectContaining({ groupReference: '1', outcome: 'rejected', event: undefined }),
        expect.objectContaining({ groupReference: '2', outcome: 'rejected', event: undefined }),
      ],
    });
  });

  it('rejects a group at its UNE, before its interchange ends', () => {
    // UNE 0060 of the first group counts 5 messages, the group holds 2: the group is rejected (UCF),
    // its messages never events.
    const text = interchange('510', 2, 2).replace("UNE+2+1'", "UNE+5+1'");
    const une = text.indexOf("UNE+5+1'") + "UNE+5+1'".length;
    const { heard, stream } = listen();
    stream.write(utf8(text.slice(0, une)));
    expect(heard).toHaveLength(1);
    const [group] = heard as { messages: readonly EdifactTranslatedMessage[] }[];
    expect(group!.messages.map((m) => [m.outcome, m.event])).toEqual([
      ['rejected', undefined],
      ['rejected', undefined],
    ]);
    expect(group!.messages[0]!.problems).toEqual(['group 1 rejected']);
    stream.write(utf8(text.slice(une)));
    stream.end();
    // The second group stands: the interchange is partially accepted, nothing of it is voided.
    expect(handed(heard.slice(1, 2)).map((m) => m.outcome)).toEqual(['translated', 'translated']);
    expect(heard[2]).toEqual({ interchange: 0, voided: undefined });
  });
});
