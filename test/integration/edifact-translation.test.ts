import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { DataSource } from 'typeorm';
import { parseEvent, SAMPLE_EVENTS } from '../../src/canonical/index.js';
import { readEdifactWithDirectories } from '../../src/edi/edifact/directories/index.js';
import { EdifactGenerationError } from '../../src/edi/edifact/generator/index.js';
import { OutboundRenderer } from '../../src/outbound/outbound-renderer.js';
import { PartnerRegistry } from '../../src/partners/partner-registry.js';
import { InterchangeArchive } from '../../src/interchanges/interchange-archive.service.js';
import { CanonicalEventStore } from '../../src/translation/canonical-event.store.js';
import { EdifactIntakeService } from '../../src/translation/edifact-intake.service.js';
import { EdifactOutboundService } from '../../src/translation/edifact-outbound.service.js';
import { EdifactTranslationService } from '../../src/translation/edifact-translation.service.js';
import { TRANSLATION_CHUNK } from '../../src/translation/settled-events.js';
import { despatchAdviceInterchange } from '../support/edifact-despatch-advices.js';
import { startTestGateway } from '../support/gateway.js';
import { createTestDatabase, queryOnce, type TestDatabase } from '../support/postgres.js';

const NORDIC = 'nordic-castings';
const FIXTURES = new URL('../../src/translation/fixtures/edifact/', import.meta.url);
const fixture = (name: string) => readFileSync(new URL(name, FIXTURES));
const US = { id: '5790000000005', qualifier: '14' };

describe('the EDIFACT translation job and the outbound generator on PostgreSQL', () => {
  let db: TestDatabase;
  let gateway: Awaited<ReturnType<typeof startTestGateway>>;
  let archive: InterchangeArchive;
  let intake: EdifactIntakeService;
  let translation: EdifactTranslationService;
  let store: CanonicalEventStore;
  let outbound: EdifactOutboundService;
  let dataSource: DataSource;

  const receive = async (payload: Buffer) =>
    (await archive.receive({ partnerId: NORDIC, channel: 'as2', payload })).id;
  const counters = async () =>
    Object.fromEntries(
      (
        await queryOnce<{ kind: string; next_value: string }>(
          db.url,
          `SELECT kind, next_value::text AS next_value FROM edifact_reference_counter WHERE partner_id = $1`,
          [NORDIC],
        )
      ).map((r) => [r.kind, Number(r.next_value)]),
    );

  beforeAll(async () => {
    db = await createTestDatabase('edifacttranslation');
    // Payloads over 64 KiB go to the blob store, which the translation job then reads as a stream.
    gateway = await startTestGateway({ DATABASE_URL: db.url, ARCHIVE_INLINE_MAX_BYTES: '65536' });
    archive = gateway.app.get(InterchangeArchive);
    intake = gateway.app.get(EdifactIntakeService);
    translation = gateway.app.get(EdifactTranslationService);
    store = gateway.app.get(CanonicalEventStore);
    outbound = gateway.app.get(EdifactOutboundService);
    dataSource = gateway.app.get(DataSource);
  });
  afterAll(async () => {
    await gateway?.stop();
    await db?.drop();
  });
  afterEach(() => vi.restoreAllMocks());

  it('stores the events of an accepted interchange once, after the intake enqueued the job', async () => {
    const id = await receive(fixture('ORDRSP-D96A.edi'));
    const checked = await intake.check(id);
    expect(checked.status).toBe('processing');
    const jobs = await queryOnce<{ job_key: string }>(
      db.url,
      `SELECT job_key FROM outbox WHERE job_key = $1`,
      [`translation.edifact-translate:${id}`],
    );
    expect(jobs).toHaveLength(1);

    // The worker may have run the job already: then this call returns its record (replayed).
    const record = await translation.translate(id);
    expect(record).toMatchObject({ interchangeId: id, status: 'accepted', errors: [] });
    expect(record.events).toEqual([
      { id: expect.any(String), type: 'purchase-order.acknowledged', stored: true },
    ]);
    expect((await archive.get(id)).status).toBe('processed');
    expect(await translation.translate(id)).toMatchObject({ replayed: true, events: record.events });

    const stored = await store.listByInterchange(dataSource, id);
    expect(stored.map((e) => [e.type, e.document.number, e.document.revision])).toEqual([
      ['purchase-order.acknowledged', 'NC-SO-7781', 'NC0001-1'],
    ]);
    expect(() => parseEvent(stored[0])).not.toThrow();
    expect(await store.listByCorrelation(dataSource, 'po:4500012399')).toHaveLength(1);
  });

  it('answers directory errors in the CONTRL and turns only the sound message into an event', async () => {
    const id = await receive(fixture('DESADV-D96A-invalid.edi'));
    const checked = await intake.check(id);
    const contrl = checked.interchanges[0]!.contrl!.text;
    expect(contrl).toContain("UCM+1+DESADV:D:96A:UN+4'");
    expect(contrl).toContain("UCS+4'UCD+39+2:2'");
    expect(checked.interchanges[0]).toMatchObject({
      outcome: 'partially-accepted',
      acceptedMessages: ['2'],
      rejectedMessages: ['1'],
    });
    const record = await translation.translate(id);
    expect(record.messages.map((m) => [m.reference, m.outcome])).toEqual([['2', 'translated']]);
    expect(await store.listByDocument(dataSource, 'DES-BAD')).toEqual([]);
    expect((await store.listByDocument(dataSource, 'DES-OK')).map((e) => e.type)).toEqual([
      'ship-notice.received',
    ]);
  });

  it('rejects a message with a NUL in its data in the CONTRL (21) and translates the sound one', async () => {
    // Message 1 carries BGM+231+NC-SO<NUL>7781 (UNOC); message 2 is the same answer, sound.
    const id = await receive(fixture('ORDRSP-D96A-nul.edi'));
    const checked = await intake.check(id);
    expect(checked.interchanges[0]).toMatchObject({
      outcome: 'partially-accepted',
      acceptedMessages: ['2'],
      rejectedMessages: ['1'],
    });
    const contrl = checked.interchanges[0]!.contrl!.text;
    expect(contrl).toContain("UCM+1+ORDRSP:D:96A:UN:EAN009+4'UCS+2+21'");
    expect(contrl).not.toContain('UCM+2+');
    const record = await translation.translate(id);
    expect(record.messages.map((m) => [m.reference, m.outcome])).toEqual([['2', 'translated']]);
    expect((await archive.get(id)).status).toBe('processed');
    expect((await store.listByDocument(dataSource, 'NC-SO-7782')).map((e) => e.type)).toEqual([
      'purchase-order.acknowledged',
    ]);
    const events = await queryOnce<{ document_number: string }>(
      db.url,
      `SELECT document_number FROM canonical_event WHERE interchange_id = $1`,
      [id],
    );
    expect(events).toEqual([{ document_number: 'NC-SO-7782' }]);
  });

  it("makes no acknowledgment event of a partner's CONTRL the validator rejected", async () => {
    // Two CONTRLs (UCI 0083 = 4: each rejects an interchange we sent). The first's UNT 0074 says 4
    // segments where it has 3, so the validator rejects it (0085 29); the second is sound.
    const id = await receive(
      Buffer.from(
        [
          "UNA:+.? '",
          "UNB+UNOC:3+7350000123457:14+SUPPLIERGW:ZZZ+261127:1200+C901'",
          "UNH+1+CONTRL:D:3:UN'",
          "UCI+OURS1+SUPPLIERGW:ZZZ+7350000123457:14+4'",
          "UNT+4+1'",
          "UNH+2+CONTRL:D:3:UN'",
          "UCI+OURS2+SUPPLIERGW:ZZZ+7350000123457:14+4'",
          "UNT+3+2'",
          "UNZ+2+C901'",
        ].join(''),
      ),
    );
    const checked = await intake.check(id);
    expect(checked.interchanges[0]).toMatchObject({ acceptedMessages: ['2'], rejectedMessages: ['1'] });
    await translation.translate(id);
    const acks = (await store.listByInterchange(dataSource, id)).filter(
      (e) => e.type === 'functional-acknowledgment.received',
    );
    expect(acks.map((e) => e.payload)).toEqual([
      expect.objectContaining({ acknowledged: { interchangeControlNumber: 'OURS2' } }),
    ]);
  });

  it('raises a case for a message the CONTRL accepts whose map cannot make a valid event', async () => {
    // The DESADV fixture under a new reference, its first SSCC's check digit wrong (…895 → …896).
    const text = fixture('DESADV-D96A.edi')
      .toString('latin1')
      .replaceAll('NC0003', 'NC0331')
      .replace('DES-2025-0319', 'DES-2025-0331')
      .replace('GIN+BJ+373500001234567895', 'GIN+BJ+373500001234567896');
    const id = await receive(Buffer.from(text, 'latin1'));
    const checked = await intake.check(id);
    expect(checked.interchanges[0]).toMatchObject({ outcome: 'accepted', acceptedMessages: ['3'] });
    const record = await translation.translate(id);
    expect(record.messages.map((m) => [m.reference, m.outcome])).toEqual([['3', 'failed']]);
    expect(record.events).toEqual([]);
    const raised = await queryOnce<{ type: string; summary: string; dedupe_key: string; partner_id: string }>(
      db.url,
      `SELECT type, summary, dedupe_key, partner_id FROM exception_case WHERE interchange_id = $1`,
      [id],
    );
    expect(raised).toEqual([
      {
        type: 'interchange.translation-failed',
        summary: expect.stringMatching(/^EDIFACT DESADV NC0331\/3 from nordic-castings .*SSCC/),
        dedupe_key: `interchange:${id}:set:NC0331/3`,
        partner_id: NORDIC,
      },
    ]);
  });

  it("stores a file larger than the job's chunk, read from the blob store, as its messages settle", async () => {
    // Two interchanges, about 110 KB: 3 groups of 40 despatch advices, then 100 outside any group.
    const text = despatchAdviceInterchange('611', 3, 40) + despatchAdviceInterchange('612', 0, 100);
    expect(text.length).toBeGreaterThan(TRANSLATION_CHUNK);
    const id = await receive(Buffer.from(text, 'latin1'));
    const [row] = await queryOnce<{ blob_key: string | null }>(
      db.url,
      `SELECT blob_key FROM interchange WHERE id = $1`,
      [id],
    );
    expect(row!.blob_key).not.toBeNull();
    // What the job does, in order: each read of the payload, each event stored (the job may run in the
    // worker after the intake, or in the call below: either is watched).
    const done: string[] = [];
    const chunks = archive.payloadChunks.bind(archive);
    vi.spyOn(archive, 'payloadChunks').mockImplementation(async (...args) => {
      const source = await chunks(...args);
      return (async function* () {
        for await (const chunk of source) {
          done.push('read');
          yield chunk;
        }
      })();
    });
    const append = store.append.bind(store);
    vi.spyOn(store, 'append').mockImplementation((...args) => {
      done.push('store');
      return append(...args);
    });
    expect((await intake.check(id)).status).toBe('processing');
    const record = await translation.translate(id);
    expect(record.status).toBe('accepted');
    expect(record.messages).toHaveLength(220);
    expect(record.messages.every((m) => m.outcome === 'translated' && m.eventId !== null)).toBe(true);
    expect(record.messages.map((m) => m.reference)).toEqual([
      ...Array.from({ length: 120 }, (_, i) => `611${String(i + 1).padStart(4, '0')}`),
      ...Array.from({ length: 100 }, (_, i) => `612${String(i + 1).padStart(4, '0')}`),
    ]);
    const stored = await store.listByInterchange(dataSource, id);
    expect(stored.map((e) => e.id).sort()).toEqual(record.messages.map((m) => m.eventId).sort());
    expect(new Set(stored.map((e) => e.document.number)).size).toBe(220);
    // Read in more than one piece, and events stored before the last piece was read.
    expect(done.filter((d) => d === 'read').length).toBeGreaterThan(1);
    expect(done.indexOf('store')).toBeLessThan(done.lastIndexOf('read'));
  });

  it('takes back the events of an interchange whose end rejects it, keeping the others', async () => {
    // UNZ 0020 of the second interchange is not its UNB 0020, which today's intake rejects (UCI 4 /
    // 0085 29); the archive row here carries the record of an intake that accepted both (an older
    // version, say), so the translation reads the second interchange's messages (outside groups), stores
    // each at its UNT, and only then meets its end.
    const text = despatchAdviceInterchange('621', 1, 2) + despatchAdviceInterchange('622', 0, 3, '999');
    const id = await receive(Buffer.from(text, 'latin1'));
    const accepted = (position: number, reference: string, messages: string[]) => ({
      position,
      reference,
      sender: { id: '7350000123457', qualifier: '14' },
      outcome: 'accepted',
      reason: 'accepted',
      detail: '',
      acceptedMessages: messages,
      rejectedMessages: [],
      duplicateOf: null,
      contrl: null,
      contrlProblem: null,
      exceptionId: null,
    });
    await queryOnce(db.url, `UPDATE interchange SET status = 'processing', answer = $2 WHERE id = $1`, [
      id,
      JSON.stringify({
        edifactIntake: {
          interchangeId: id,
          status: 'processing',
          detail: null,
          interchanges: [
            accepted(0, '621', ['6210001', '6210002']),
            accepted(1, '622', ['6220001', '6220002', '6220003']),
          ],
        },
      }),
    ]);
    const append = store.append.bind(store);
    const appended: string[] = [];
    vi.spyOn(store, 'append').mockImplementation((tx, event) => {
      appended.push(event.document.number);
      return append(tx, event);
    });
    const record = await translation.translate(id);
    expect(record.messages.map((m) => [m.interchangeReference, m.outcome, m.eventId !== null])).toEqual([
      ['621', 'translated', true],
      ['621', 'translated', true],
      ['622', 'rejected', false],
      ['622', 'rejected', false],
      ['622', 'rejected', false],
    ]);
    expect(record.status).toBe('partially-accepted');
    expect(record.errors[0]).toBe('622/6220001 DESADV rejected: interchange 622 rejected');
    expect(record.events).toHaveLength(2);
    // The second interchange's events were stored before its UNZ was read, then taken back.
    expect(appended).toEqual(['DES-6210001', 'DES-6210002', 'DES-6220001', 'DES-6220002', 'DES-6220003']);
    const stored = await store.listByInterchange(dataSource, id);
    expect(stored.map((e) => e.document.number).sort()).toEqual(['DES-6210001', 'DES-6210002']);
    // What the rolled-back events had done in the same transaction is gone with them.
    expect(await store.listByDocument(dataSource, 'DES-6220001')).toEqual([]);
    const notices = await queryOnce(
      db.url,
      `SELECT 1 FROM canonical_event WHERE document_number LIKE 'DES-622%'`,
    );
    expect(notices).toEqual([]);
    expect((await archive.get(id)).status).toBe('processed');
  });

  it('writes outbound EDIFACT with references taken in the same transaction (no gaps)', async () => {
    const issued = parseEvent({ ...SAMPLE_EVENTS['purchase-order.issued.v1'], partnerId: NORDIC });
    const before = await counters();
    const first = await dataSource.transaction((tx) => outbound.generate(tx, issued, { sender: US }));
    // nordic-castings: UNOC syntax 3 with a UNA; UNB to its GLN; a test partner (UNB 0035 1).
    expect(first.text.startsWith("UNA:+.? 'UNB+UNOC:3+5790000000005:14+7350000123457:14+")).toBe(true);
    expect(first.interchangeReference).toBe(String(before.interchange ?? 1));
    expect(first.text).toContain(`+${first.interchangeReference}++++1++1'`);

    // A rollback after generating gives the references back.
    await expect(
      dataSource.transaction(async (tx) => {
        await outbound.generate(tx, issued, { sender: US });
        throw new Error('the caller failed after generating');
      }),
    ).rejects.toThrow('the caller failed');
    const second = await dataSource.transaction((tx) => outbound.generate(tx, issued, { sender: US }));
    expect(Number(second.interchangeReference)).toBe(Number(first.interchangeReference) + 1);

    // Service characters in values are released, never corrupting the output.
    const quoted = { ...issued, document: { ...issued.document, number: "4500'01+2:3" } };
    const third = await dataSource.transaction((tx) => outbound.generate(tx, quoted, { sender: US }));
    expect(third.text).toContain("BGM+220+4500?'01?+2?:3+9'");

    // A value the map cannot write is refused before any reference is taken.
    const bad = {
      ...issued,
      payload: { ...issued.payload, orderType: 'unheard-of' },
    } as unknown as typeof issued;
    const mid = await counters();
    await expect(dataSource.transaction((tx) => outbound.generate(tx, bad, { sender: US }))).rejects.toThrow(
      EdifactGenerationError,
    );
    expect(await counters()).toEqual(mid);
    const rows = await queryOnce<{ n: string }>(
      db.url,
      `SELECT count(*)::text AS n FROM edifact_outbound_document WHERE partner_id = $1`,
      [NORDIC],
    );
    expect(rows[0]!.n).toBe('3');
  });

  it('sends UNOC output as ISO 8859-1 bytes and refuses a name it cannot carry before taking a reference', async () => {
    const renderer = gateway.app.get(OutboundRenderer);
    const nordic = gateway.app.get(PartnerRegistry).require(NORDIC);
    const sample = SAMPLE_EVENTS['purchase-order.issued.v1'];
    const named = (name: string) =>
      parseEvent({
        ...sample,
        partnerId: NORDIC,
        payload: { ...sample.payload, buyer: { name } },
      });
    const rendered = await dataSource.transaction((tx) => renderer.render(tx, nordic, named('Jörg Müller')));
    // ISO 8859-1: ö is 0xF6, ü 0xFC (UTF-8 would be C3 B6, C3 BC).
    expect(rendered.payload.includes(Buffer.from([0x4a, 0xf6, 0x72, 0x67, 0x20, 0x4d, 0xfc]))).toBe(true);
    expect(rendered.payload.includes(Buffer.from([0xc3, 0xb6]))).toBe(false);
    expect(rendered.contentType).toBe('application/edifact; charset=ISO-8859-1');

    const before = await counters();
    await expect(
      dataSource.transaction((tx) => renderer.render(tx, nordic, named('Łukasz Nowak'))),
    ).rejects.toMatchObject({ code: 'VALUE_INVALID', message: expect.stringMatching(/U\+0141 .*UNOC/) });
    expect(await counters()).toEqual(before);
  });

  it('splits long free text over C108, refuses values longer than the directory allows', async () => {
    const sample = SAMPLE_EVENTS['purchase-order.issued.v1'];
    const po = (payload: Record<string, unknown>) =>
      parseEvent({ ...sample, partnerId: NORDIC, payload: { ...sample.payload, ...payload } });
    const note = 'Deliver to dock 4 between 6 and 14 hours only. '.repeat(4).trim(); // 187 characters
    const written = await dataSource.transaction((tx) =>
      outbound.generate(tx, po({ notes: [note] }), { sender: US }),
    );
    // C108 is five 4440 (an..70): 70 + 70 + 47 characters, as the standard allows.
    expect(written.text).toContain(
      `FTX+PUR+++${note.slice(0, 70)}:${note.slice(70, 140)}:${note.slice(140)}'`,
    );
    const read = readEdifactWithDirectories(written.bytes).interchanges[0]!;
    expect(read.status).toBe('accepted');
    expect(read.messages.map((m) => m.status)).toEqual(['accepted']);

    const before = await counters();
    const lines = (sample.payload as { lines: Record<string, unknown>[] }).lines;
    const refusals = [
      [
        po({ buyer: { name: 'Procurement Department Plant 100 Cleveland' } }),
        /CTA 3412 component 2: longer than 35/,
      ],
      [
        po({ lines: [{ ...lines[0], lineNumber: '0000100010' }] }),
        /LIN 1082: more than 6 digits \("0000100010"\)/,
      ],
      [po({ notes: ['x'.repeat(351)] }), /FTX 4440 component 5: longer than 70/],
    ] as const;
    for (const [event, message] of refusals)
      await expect(
        dataSource.transaction((tx) => outbound.generate(tx, event, { sender: US })),
      ).rejects.toMatchObject({
        code: 'VALUE_INVALID',
        message: expect.stringMatching(message),
      });
    expect(await counters()).toEqual(before);
  });
});
