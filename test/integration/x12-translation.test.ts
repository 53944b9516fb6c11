import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataSource } from 'typeorm';
import { parseEvent, SAMPLE_EVENTS, type CanonicalEvent } from '../../src/canonical/index.js';
import { X12GenerationError } from '../../src/edi/x12/generator/index.js';
import { InterchangeArchive } from '../../src/interchanges/interchange-archive.service.js';
import { CanonicalEventStore } from '../../src/translation/canonical-event.store.js';
import { X12IntakeService } from '../../src/translation/x12-intake.service.js';
import { X12OutboundService } from '../../src/translation/x12-outbound.service.js';
import { X12TranslationService } from '../../src/translation/x12-translation.service.js';
import { TRANSLATION_CHUNK } from '../../src/translation/settled-events.js';
import { startTestGateway } from '../support/gateway.js';
import { createTestDatabase, queryOnce, type TestDatabase } from '../support/postgres.js';
import { shipNoticeInterchange } from '../support/x12-ship-notices.js';

const ACME = 'acme-fasteners';
const FIXTURES = new URL('../../src/translation/fixtures/x12/', import.meta.url);
const fixture = (name: string) => readFileSync(new URL(name, FIXTURES), 'latin1');
const US = { qualifier: 'ZZ', id: 'BUYERCO' };

describe('the X12 translation job and the outbound generator on PostgreSQL', () => {
  let db: TestDatabase;
  let gateway: Awaited<ReturnType<typeof startTestGateway>>;
  let archive: InterchangeArchive;
  let intake: X12IntakeService;
  let translation: X12TranslationService;
  let store: CanonicalEventStore;
  let outbound: X12OutboundService;
  let dataSource: DataSource;

  const receive = async (payload: string) =>
    (await archive.receive({ partnerId: ACME, channel: 'sftp', payload: Buffer.from(payload, 'latin1') })).id;
  const counters = async () =>
    Object.fromEntries(
      (
        await queryOnce<{ kind: string; next_value: string }>(
          db.url,
          `SELECT kind, next_value::text AS next_value FROM x12_control_counter WHERE partner_id = $1`,
          [ACME],
        )
      ).map((r) => [r.kind, Number(r.next_value)]),
    );

  beforeAll(async () => {
    db = await createTestDatabase('x12translation');
    // Payloads over 64 KiB go to the blob store, which the translation job then reads as a stream.
    gateway = await startTestGateway({ DATABASE_URL: db.url, ARCHIVE_INLINE_MAX_BYTES: '65536' });
    archive = gateway.app.get(InterchangeArchive);
    intake = gateway.app.get(X12IntakeService);
    translation = gateway.app.get(X12TranslationService);
    store = gateway.app.get(CanonicalEventStore);
    outbound = gateway.app.get(X12OutboundService);
    dataSource = gateway.app.get(DataSource);
  });
  afterAll(async () => {
    await gateway?.stop();
    await db?.drop();
  });

  it('stores the events of an accepted interchange once, with its status and acknowledgment', async () => {
    const id = await receive(fixture('856-004010.edi'));
    const checked = await intake.check(id);
    expect(checked.status).toBe('processing');
    // The intake enqueued the translation in its own transaction.
    const jobs = await queryOnce<{ job_key: string }>(
      db.url,
      `SELECT job_key FROM outbox WHERE job_key = $1`,
      [`translation.x12-translate:${id}`],
    );
    expect(jobs).toHaveLength(1);

    // The worker may have run the job already: then this call returns its record (replayed).
    const record = await translation.translate(id);
    expect(record).toMatchObject({ interchangeId: id, status: 'accepted', errors: [] });
    expect(record.events).toHaveLength(1);
    expect(record.acknowledgments).toEqual([
      { controlNumber: checked.interchanges[0]!.ack!.controlNumber, functional: '997', ta1: false },
    ]);
    expect((await archive.get(id)).status).toBe('processed');
    const again = await translation.translate(id);
    expect(again).toMatchObject({ replayed: true, events: record.events });

    const stored = await store.listByInterchange(dataSource, id);
    expect(stored.map((e) => [e.type, e.document.number, e.document.revision])).toEqual([
      ['ship-notice.received', 'ASN-20250319-07', '20250319T2020'],
    ]);
    expect(() => parseEvent(stored[0])).not.toThrow();
    expect(await store.listByCorrelation(dataSource, 'po:4500012345')).toHaveLength(1);
  });

  it('never stores an event twice for the same type, document and revision', async () => {
    const [event] = await store.listByDocument(dataSource, 'ASN-20250319-07', {
      type: 'ship-notice.received',
    });
    const copy = { ...event!, id: '0b9a7c1e-4f2d-4e8a-b6c5-d4e3f2a1b0ff' };
    const result = await dataSource.transaction((tx) => store.append(tx, copy));
    expect(result).toEqual({ stored: false, id: event!.id });
    const rows = await queryOnce(db.url, `SELECT id FROM canonical_event WHERE document_number = $1`, [
      'ASN-20250319-07',
    ]);
    expect(rows).toHaveLength(1);
  });

  it('turns no invalid set into an event and says so in the status', async () => {
    // Two 855s in one group: the second has BAK04 "LATER" (AK403 8), so only the first is an event.
    const good = 'ST*855*0001~BAK*00*AD*4500077001*20250304~SE*3*0001~';
    const bad = 'ST*855*0002~BAK*00*AD*4500077002*LATER~SE*3*0002~';
    const text =
      'ISA*00*          *00*          *ZZ*ACMEFAST       *ZZ*BUYERCO        *250304*1412*U*00401*000000301*0*T*>~' +
      `GS*PR*ACMEFAST*BUYERCO*20250304*1412*301*X*004010~${good}${bad}GE*2*301~IEA*1*000000301~`;
    const id = await receive(text);
    const checked = await intake.check(id);
    // The 997 already told the partner: AK5 R for the second set.
    expect(checked.interchanges[0]!.ack!.text).toContain(
      'AK2*855*0002~AK3*BAK*2**8~AK4*4*373*8*LATER~AK5*R*5',
    );
    const record = await translation.translate(id);
    expect(record.status).toBe('accepted-with-errors');
    expect(record.errors).toEqual([expect.stringContaining('000000301/301/0002 855 rejected: AK502 5')]);
    expect(record.sets.map((s) => [s.controlNumber, s.outcome])).toEqual([
      ['0001', 'translated'],
      ['0002', 'rejected'],
    ]);
    expect(await store.listByDocument(dataSource, '4500077002')).toEqual([]);
    expect((await store.listByDocument(dataSource, '4500077001')).map((e) => e.type)).toEqual([
      'purchase-order.acknowledged',
    ]);
    expect((await archive.get(id)).statusDetail).toContain('accepted-with-errors');
  });

  it("makes no acknowledgment event of a partner's 997 / 999 the validator rejected", async () => {
    const ackEvents = async (id: string) =>
      (await store.listByInterchange(dataSource, id)).filter(
        (e) => e.type === 'functional-acknowledgment.received',
      );
    // AK9 R against our group 7001: believed, it would mark our document rejected and raise a case.
    const ack997 = 'ST*997*0001~AK1*PO*7001~AK2*850*0001~AK5*R*5~AK9*R*1*1*0~SE*6*0001~';
    const isa = (control: string, version: string) =>
      `ISA*00*          *00*          *ZZ*ACMEFAST       *ZZ*BUYERCO        *250304*1412*U*${version}*${control}*0*T*>~`;

    // GE02 does not match GS06: the group is rejected (AK905 4), and so is the 997 inside it.
    const badGroup = await receive(
      `${isa('000000311', '00401')}GS*FA*ACMEFAST*BUYERCO*20250304*1412*311*X*004010~${ack997}GE*1*312~IEA*1*000000311~`,
    );
    expect((await intake.check(badGroup)).status).toBe('processing');
    const first = await translation.translate(badGroup);
    expect(first.sets.map((s) => [s.setId, s.outcome])).toEqual([['997', 'rejected']]);
    expect(first.events).toEqual([]);
    expect(await ackEvents(badGroup)).toEqual([]);

    // A 999 whose SE01 says 7 segments where it has 8: the set is rejected (IK502 4).
    const ack999 = 'ST*999*0001*005010X231A1~AK1*PO*7001*005010~AK2*850*0001~IK5*R*5~AK9*R*1*1*0~SE*7*0001~';
    const badCount = await receive(
      `${isa('000000312', '00501')}GS*FA*ACMEFAST*BUYERCO*20250304*1412*312*X*005010X231A1~${ack999}GE*1*312~IEA*1*000000312~`,
    );
    expect((await intake.check(badCount)).status).toBe('processing');
    const second = await translation.translate(badCount);
    expect(second.sets.map((s) => [s.setId, s.outcome])).toEqual([['999', 'rejected']]);
    expect(second.events).toEqual([]);
    expect(await ackEvents(badCount)).toEqual([]);

    // The same 997 in a sound group is the partner's word: one event.
    const sound = await receive(
      `${isa('000000313', '00401')}GS*FA*ACMEFAST*BUYERCO*20250304*1412*313*X*004010~${ack997}GE*1*313~IEA*1*000000313~`,
    );
    await intake.check(sound);
    await translation.translate(sound);
    expect((await ackEvents(sound)).map((e) => e.document.number)).toEqual(['000000313-313-0001-7001']);
  });

  it("stores a file larger than the job's chunk, read from the blob store, group by group, every event once", async () => {
    // 5 groups of 30 ship notices, about 90 KB: groups settle in the first chunk, in the second, and across.
    const text = shipNoticeInterchange('000000361', 5, 30);
    expect(text.length).toBeGreaterThan(TRANSLATION_CHUNK);
    const id = await receive(text);
    const [row] = await queryOnce<{ blob_key: string | null }>(
      db.url,
      `SELECT blob_key FROM interchange WHERE id = $1`,
      [id],
    );
    expect(row!.blob_key).not.toBeNull();
    expect((await intake.check(id)).status).toBe('processing');
    const record = await translation.translate(id);
    expect(record.status).toBe('accepted');
    expect(record.sets).toHaveLength(150);
    expect(record.sets.every((s) => s.outcome === 'translated' && s.eventId !== null)).toBe(true);
    expect(record.sets.map((s) => s.controlNumber)).toEqual(
      Array.from({ length: 150 }, (_, i) => `361${String(i + 1).padStart(4, '0')}`),
    );
    const stored = await store.listByInterchange(dataSource, id);
    expect(stored.map((e) => e.id).sort()).toEqual(record.sets.map((s) => s.eventId).sort());
    expect(new Set(stored.map((e) => e.document.number)).size).toBe(150);
  });

  it('takes back the events of an interchange whose end rejects it, keeping the others', async () => {
    // IEA02 of the second interchange is not its ISA13, which today's intake rejects (TA1 R); the
    // archive row here carries the record of an intake that accepted both (an older version, say), so
    // the translation reads the second interchange's groups, stores them, and only then meets its end.
    const text =
      shipNoticeInterchange('000000371', 2, 2) + shipNoticeInterchange('000000372', 2, 2, '000000999');
    const id = await receive(text);
    const accepted = (position: number, controlNumber: string) => ({
      position,
      controlNumber,
      outcome: 'accepted',
      reason: 'accepted',
      detail: '',
      duplicateOf: null,
      ack: null,
      ackProblem: null,
      exceptionId: null,
    });
    await queryOnce(db.url, `UPDATE interchange SET status = 'processing', answer = $2 WHERE id = $1`, [
      id,
      JSON.stringify({
        x12Intake: {
          interchangeId: id,
          status: 'processing',
          detail: null,
          interchanges: [accepted(0, '000000371'), accepted(1, '000000372')],
        },
      }),
    ]);
    const record = await translation.translate(id);
    expect(record.sets.map((s) => [s.interchangeControlNumber, s.outcome, s.eventId !== null])).toEqual([
      ['000000371', 'translated', true],
      ['000000371', 'translated', true],
      ['000000371', 'translated', true],
      ['000000371', 'translated', true],
      ['000000372', 'rejected', false],
      ['000000372', 'rejected', false],
      ['000000372', 'rejected', false],
      ['000000372', 'rejected', false],
    ]);
    expect(record.status).toBe('accepted-with-errors');
    expect(record.errors[0]).toContain('000000372/1/3720001 856 rejected: interchange 000000372 rejected');
    expect(record.events).toHaveLength(4);
    const stored = await store.listByInterchange(dataSource, id);
    expect(stored.map((e) => e.document.number).sort()).toEqual([
      'ASN-3710001',
      'ASN-3710002',
      'ASN-3710003',
      'ASN-3710004',
    ]);
    // What the rolled-back events had done in the same transaction is gone with them.
    expect(await store.listByDocument(dataSource, 'ASN-3720001')).toEqual([]);
    const notices = await queryOnce(
      db.url,
      `SELECT 1 FROM canonical_event WHERE document_number LIKE 'ASN-372%'`,
    );
    expect(notices).toEqual([]);
  });

  it('raises a case for a set acknowledged as accepted whose map cannot make a valid event', async () => {
    // The 856 of the first test under new control numbers, its first SSCC's check digit wrong (…343 → …344).
    const text = fixture('856-004010.edi')
      .replaceAll('000000104', '000000331')
      .replace('*104*X*004010', '*331*X*004010')
      .replace('GE*1*104', 'GE*1*331')
      .replace('ASN-20250319-07', 'ASN-20250319-31')
      .replace('MAN*GM*000123456789012343', 'MAN*GM*000123456789012344');
    const id = await receive(text);
    const checked = await intake.check(id);
    // The syntax is sound: the partner is told AK5 A, so only a person can act on what follows.
    expect(checked.interchanges[0]!.ack!.text).toContain('AK5*A');
    const record = await translation.translate(id);
    expect(record.sets.map((s) => [s.controlNumber, s.outcome])).toEqual([['0001', 'failed']]);
    expect(record.events).toEqual([]);
    const raised = await queryOnce<{ type: string; summary: string; dedupe_key: string; partner_id: string }>(
      db.url,
      `SELECT type, summary, dedupe_key, partner_id FROM exception_case WHERE interchange_id = $1`,
      [id],
    );
    expect(raised).toEqual([
      {
        type: 'interchange.translation-failed',
        summary: expect.stringMatching(/^X12 856 000000331\/331\/0001 from acme-fasteners .*SSCC/),
        dedupe_key: `interchange:${id}:set:000000331/331/0001`,
        partner_id: ACME,
      },
    ]);
  });

  it('writes outbound X12 with control numbers taken in the same transaction (no gaps, ISA13 wraps)', async () => {
    const issued = parseEvent(SAMPLE_EVENTS['purchase-order.issued.v1']);
    const before = await counters();
    const first = await dataSource.transaction((tx) => outbound.generate(tx, issued, { sender: US }));
    expect(
      first.text.startsWith('ISA*00*          *00*          *ZZ*BUYERCO        *ZZ*ACMEFAST       *'),
    ).toBe(true);
    expect(first.interchangeControlNumber).toBe(String(before.interchange ?? 1).padStart(9, '0'));

    // A rollback after generating gives the numbers back.
    await expect(
      dataSource.transaction(async (tx) => {
        await outbound.generate(tx, issued, { sender: US });
        throw new Error('the caller failed after generating');
      }),
    ).rejects.toThrow('the caller failed');
    const second = await dataSource.transaction((tx) => outbound.generate(tx, issued, { sender: US }));
    expect(Number(second.interchangeControlNumber)).toBe(Number(first.interchangeControlNumber) + 1);

    // A value holding a delimiter is refused before any number is taken.
    const bad = { ...issued, document: { ...issued.document, number: '4500*012345' } };
    const mid = await counters();
    await expect(dataSource.transaction((tx) => outbound.generate(tx, bad, { sender: US }))).rejects.toThrow(
      X12GenerationError,
    );
    expect(await counters()).toEqual(mid);
    // So is a value that does not fit its element (BEG03, DE 324 AN 1/22): never truncated.
    const long = { ...issued, document: { ...issued.document, number: '4500012345-0123456789AB' } };
    await expect(dataSource.transaction((tx) => outbound.generate(tx, long, { sender: US }))).rejects.toThrow(
      'BEG03 (data element 324, AN 1/22): "4500012345-0123456789AB" is longer than 22',
    );
    expect(await counters()).toEqual(mid);
    // And a segment without a mandatory element (BEG05, the order date).
    const undated = { ...issued, payload: { ...issued.payload, orderDate: undefined } } as CanonicalEvent;
    await expect(
      dataSource.transaction((tx) => outbound.generate(tx, undated, { sender: US })),
    ).rejects.toThrow('850 (004010) segment BEG at position 2: BEG05 is mandatory');
    expect(await counters()).toEqual(mid);

    // ISA13 999999999 is followed by 000000001.
    await queryOnce(
      db.url,
      `UPDATE x12_control_counter SET next_value = 999999999 WHERE partner_id = $1 AND kind = 'interchange'`,
      [ACME],
    );
    const last = await dataSource.transaction((tx) => outbound.generate(tx, issued, { sender: US }));
    const wrapped = await dataSource.transaction((tx) => outbound.generate(tx, issued, { sender: US }));
    expect([last.interchangeControlNumber, wrapped.interchangeControlNumber]).toEqual([
      '999999999',
      '000000001',
    ]);
    const rows = await queryOnce<{ n: string }>(
      db.url,
      `SELECT count(*)::text AS n FROM x12_outbound_document WHERE partner_id = $1`,
      [ACME],
    );
    expect(rows[0]!.n).toBe('4');
  });
  it("joins a partner's 997 to our group only when it comes back the way the group went", async () => {
    const issued = parseEvent(SAMPLE_EVENTS['purchase-order.issued.v1']);
    const ours = await dataSource.transaction((tx) => outbound.generate(tx, issued, { sender: US }));
    // A later document for the same partner under the same GS06, sent from another of our ids (as
    // after an id change, or a counter that wrapped): newest, so matching GS06 alone would pick it.
    const other = ours.text
      .replace('*ZZ*BUYERCO        *ZZ*ACMEFAST', '*ZZ*OTHERUS        *ZZ*ACMEFAST')
      .replaceAll(ours.interchangeControlNumber, '999999998')
      .replace('*BUYERCO*ACMEFAST*', '*OTHERUS*ACMEFAST*');
    await queryOnce(
      db.url,
      `INSERT INTO x12_outbound_document (partner_id, set_id, interchange_control_number, group_control_number,
              set_control_number, content)
       VALUES ($1, '850', '999999998', $2, $3, $4)`,
      [ACME, ours.groupControlNumber, ours.setControlNumber, other],
    );
    const id = await receive(
      'ISA*00*          *00*          *ZZ*ACMEFAST       *ZZ*BUYERCO        *250304*1412*U*00401*000000341*0*T*>~' +
        'GS*FA*ACMEFAST*BUYERCO*20250304*1412*341*X*004010~' +
        `ST*997*0001~AK1*PO*${ours.groupControlNumber}~AK2*850*${ours.setControlNumber}~AK5*A~AK9*A*1*1*1~SE*6*0001~` +
        'GE*1*341~IEA*1*000000341~',
    );
    await intake.check(id);
    await translation.translate(id);
    const [ack] = (await store.listByInterchange(dataSource, id)).filter(
      (e) => e.type === 'functional-acknowledgment.received',
    );
    expect(ack?.payload).toMatchObject({
      acknowledged: {
        interchangeControlNumber: ours.interchangeControlNumber,
        groupControlNumber: ours.groupControlNumber,
      },
    });
  });
});
