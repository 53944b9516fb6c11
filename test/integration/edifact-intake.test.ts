import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExceptionService } from '../../src/exceptions/exception.service.js';
import { ALL_PARTNERS } from '../../src/exceptions/exception.types.js';
import { InterchangeArchive } from '../../src/interchanges/interchange-archive.service.js';
import { EdifactIntakeService } from '../../src/translation/edifact-intake.service.js';
import { startTestGateway } from '../support/gateway.js';
import { createTestDatabase, queryOnce, type TestDatabase } from '../support/postgres.js';

/** partners/nordic-castings.yaml: UNB id 7350000123457 under qualifier 14. */
const NORDIC = 'nordic-castings';
const GLN = '7350000123457';

interface Fixture {
  readonly reference: string;
  readonly sender?: string;
  readonly qualifier?: string;
  /** UNB S003: whom the interchange is addressed to (default 5790000000005:14, one of our ids here). */
  readonly recipient?: string;
  /** UNB time; vary it to send the same reference with other bytes (the archive dedupes identical bytes). */
  readonly time?: string;
  readonly ack?: '1';
  /** UNT 0074 of the second message; wrong on purpose to reject that message only. */
  readonly secondCount?: number;
}

/** One syntax-3 interchange with two DESADV messages (envelopes only matter here). */
function edifact(f: Fixture): string {
  const desadv = (ref: string, count = 4) =>
    `UNH+${ref}+DESADV:D:96A:UN'BGM+351+ASN-${ref}+9'DTM+137:20261127:102'UNT+${count}+${ref}'`;
  return (
    `UNA:+.? 'UNB+UNOC:3+${f.sender ?? GLN}:${f.qualifier ?? '14'}+${f.recipient ?? '5790000000005:14'}` +
    `+261127:${f.time ?? '0800'}` +
    `+${f.reference}${f.ack ? `++++${f.ack}` : ''}'` +
    desadv('1') +
    desadv('2', f.secondCount) +
    `UNZ+2+${f.reference}'`
  );
}

const lines = (text: string): string[] => text.split("'").filter((s) => s.length > 0);

describe('the EDIFACT intake', () => {
  let db: TestDatabase;
  let gateway: Awaited<ReturnType<typeof startTestGateway>>;
  let archive: InterchangeArchive;
  let intake: EdifactIntakeService;
  let exceptions: ExceptionService;

  const receive = async (payload: string, partnerId: string | null = NORDIC) =>
    (await archive.receive({ partnerId, channel: 'sftp', payload: Buffer.from(payload, 'latin1') })).id;
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
    db = await createTestDatabase('edifactintake');
    // We send as SUPPLIERGW:ZZZ (the default GATEWAY_EDIFACT_*) and are addressed by our GLN too.
    gateway = await startTestGateway({
      DATABASE_URL: db.url,
      EDIFACT_DUPLICATE_WINDOW_DAYS: '30',
      GATEWAY_EDIFACT_RECIPIENT_IDS: '5790000000005:14',
    });
    archive = gateway.app.get(InterchangeArchive);
    intake = gateway.app.get(EdifactIntakeService);
    exceptions = gateway.app.get(ExceptionService);
  });
  afterAll(async () => {
    await gateway?.stop();
    await db?.drop();
  });

  it('accepts a bound interchange and answers the requested CONTRL with sender and recipient swapped', async () => {
    const id = await receive(edifact({ reference: 'R101', ack: '1' }));
    const result = await intake.check(id);
    expect(result).toMatchObject({ status: 'processing', replayed: false });
    const [ic] = result.interchanges;
    expect(ic).toMatchObject({
      outcome: 'accepted',
      reason: 'accepted',
      reference: 'R101',
      sender: { id: GLN, qualifier: '14' },
      acceptedMessages: ['1', '2'],
      rejectedMessages: [],
      exceptionId: null,
    });
    expect(ic!.contrl).toMatchObject({ action: 'acknowledged', reference: '1', messageReference: '1' });
    expect(lines(ic!.contrl!.text).map((s) => s.replace(/\+\d{6}:\d{4}\+/, '+DATE+'))).toEqual([
      'UNA:+.? ',
      'UNB+UNOC:3+5790000000005:14+7350000123457:14+DATE+1',
      'UNH+1+CONTRL:D:3:UN',
      'UCI+R101+7350000123457:14+5790000000005:14+7',
      'UNT+3+1',
      'UNZ+1+1',
    ]);
    const row = await archive.get(id);
    expect(row.status).toBe('processing');
    expect(
      (row.answer as { edifactIntake: { interchanges: { contrl: { text: string } }[] } }).edifactIntake
        .interchanges[0]!.contrl.text,
    ).toBe(ic!.contrl!.text);
    expect(await counters()).toEqual({ interchange: 2, message: 2 });
  });

  it('rejects a message of a type or version it cannot read (UCM 4 / 14 at UNH S009) and passes nothing on', async () => {
    // A D.97B DESADV: no directory and no map here. Acknowledged with UCI 7 and no UCM, it used to end
    // `processed` without an event or a case.
    const d97b =
      "UNA:+.? 'UNB+UNOC:3+7350000123457:14+5790000000005:14+261127:0800+R131++++1'" +
      "UNH+1+DESADV:D:97B:UN'BGM+351+ASN-1+9'DTM+137:20261127:102'UNT+4+1'UNZ+1+R131'";
    const id = await receive(d97b);
    const result = await intake.check(id);
    expect(result.status).toBe('rejected');
    expect(result.interchanges[0]).toMatchObject({
      outcome: 'rejected',
      reason: 'all-messages-rejected',
      acceptedMessages: [],
      rejectedMessages: ['1'],
    });
    const contrl = lines(result.interchanges[0]!.contrl!.text);
    expect(contrl.filter((l) => /^UC[IM]/.test(l))).toEqual([
      'UCI+R131+7350000123457:14+5790000000005:14+7',
      'UCM+1+DESADV:D:97B:UN+4+14+UNH+3',
    ]);
    expect((await archive.get(id)).status).toBe('rejected');
  });

  it('keeps reading CONTRL and APERAK of any version beside a supported message', async () => {
    const mixed =
      "UNA:+.? 'UNB+UNOC:3+7350000123457:14+5790000000005:14+261127:0800+R132++++1'" +
      "UNH+1+DESADV:D:96A:UN'BGM+351+ASN-1+9'DTM+137:20261127:102'UNT+4+1'" +
      "UNH+2+APERAK:D:97B:UN'BGM+305+E-1+9'UNT+3+2'" +
      "UNH+3+DESADV:D:01A:UN'BGM+351+ASN-3+9'UNT+3+3'" +
      "UNZ+3+R132'";
    const result = await intake.check(await receive(mixed));
    expect(result.status).toBe('processing');
    expect(result.interchanges[0]).toMatchObject({
      outcome: 'partially-accepted',
      acceptedMessages: ['1', '2'],
      rejectedMessages: ['3'],
    });
    const contrl = lines(result.interchanges[0]!.contrl!.text);
    expect(contrl.filter((l) => l.startsWith('UCM'))).toEqual(['UCM+3+DESADV:D:01A:UN+4+14+UNH+3']);
  });

  it('raises a case for a message after UNZ, which no CONTRL can answer', async () => {
    const stray = "UNH+9+DESADV:D:96A:UN'BGM+351+ASN-9+9'DTM+137:20261127:102'UNT+4+9'";
    const id = await receive(edifact({ reference: 'R121', ack: '1' }) + stray);
    const result = await intake.check(id);
    // The interchange before it is sound and its CONTRL answers it alone (UCI 7, nothing about UNH 9).
    expect(result.status).toBe('processing');
    const contrl = lines(result.interchanges[0]!.contrl!.text);
    expect(contrl.filter((l) => /^UC[IM]/.test(l))).toEqual(['UCI+R121+7350000123457:14+5790000000005:14+7']);
    const row = await archive.get(id);
    expect(row.statusDetail).toContain('outside any interchange, not processed and not acknowledged');
    const cases = await queryOnce<{ type: string; dedupe_key: string; summary: string }>(
      db.url,
      `SELECT type, dedupe_key, summary FROM exception_case WHERE interchange_id = $1`,
      [id],
    );
    expect(cases).toEqual([
      {
        type: 'interchange.rejected',
        dedupe_key: `interchange:${id}:stream`,
        summary: expect.stringContaining('(no UNB/UNZ to answer)'),
      },
    ]);
  });

  it('sends no CONTRL for an accepted interchange that did not ask for one, and says nothing is missing', async () => {
    // Owed nothing is no problem (as X12's ackProblem): `contrlProblem` used to carry the builder's
    // "accepted, and UNB 0031 does not ask for an acknowledgment" here.
    const id = await receive(edifact({ reference: 'R102' }));
    const result = await intake.check(id);
    expect(result.interchanges[0]).toMatchObject({
      outcome: 'accepted',
      contrl: null,
      contrlProblem: null,
      exceptionId: null,
    });
    expect((await archive.get(id)).statusDetail).toBeNull();
  });

  it("accepts a partner's CONTRL without answering it, and says nothing is missing", async () => {
    const text =
      "UNA:+.? 'UNB+UNOC:3+7350000123457:14+5790000000005:14+261127:0800+R104'" +
      "UNH+1+CONTRL:D:3:UN'UCI+7+5790000000005:14+7350000123457:14+7'UNT+3+1'UNZ+1+R104'";
    const id = await receive(text);
    const result = await intake.check(id);
    // A CONTRL is never acknowledged: nothing is owed, and nothing is wrong.
    expect(result.interchanges[0]).toMatchObject({
      outcome: 'accepted',
      contrl: null,
      contrlProblem: null,
      exceptionId: null,
    });
    expect((await archive.get(id)).statusDetail).toBeNull();
    const cases = await queryOnce(db.url, `SELECT 1 FROM exception_case WHERE interchange_id = $1`, [id]);
    expect(cases).toEqual([]);
  });

  it('says why a CONTRL that is owed cannot be written: a UNB without a reference', async () => {
    const id = await receive(edifact({ reference: '' }));
    const result = await intake.check(id);
    const [ic] = result.interchanges;
    expect(ic).toMatchObject({
      outcome: 'rejected',
      reason: 'envelope',
      contrl: null,
      contrlProblem: 'the UNB has no sender, recipient or reference to answer',
    });
    // The rejection's case says the partner was told nothing, as X12's does for a TA1.
    const raised = await exceptions.get(ic!.exceptionId!, ALL_PARTNERS);
    expect(raised).toMatchObject({
      type: 'interchange.rejected',
      dedupeKey: `interchange:${id}:0`,
      differences: { acknowledgment: { expected: 'CONTRL', actual: ic!.contrlProblem } },
    });
    expect(raised.differences).toHaveProperty('envelope');
    expect(raised.summary).toContain(`EDIFACT interchange  from ${GLN}:14 rejected: interchange rejected`);
    expect(raised.summary).toMatch(
      /; the partner got no CONTRL, it could not be written \(the UNB has no sender, recipient or reference to answer\): tell the partner$/,
    );
    expect((await archive.get(id)).statusDetail).toContain(
      `(no CONTRL could be written: ${ic!.contrlProblem})`,
    );
  });

  it('partially accepts: the rejected message is named in a UCM and not passed on', async () => {
    const result = await intake.check(await receive(edifact({ reference: 'R103', secondCount: 9 })));
    expect(result.status).toBe('processing');
    const [ic] = result.interchanges;
    expect(ic).toMatchObject({
      outcome: 'partially-accepted',
      acceptedMessages: ['1'],
      rejectedMessages: ['2'],
      exceptionId: null,
    });
    expect(lines(ic!.contrl!.text).filter((s) => s.startsWith('UC'))).toEqual([
      'UCI+R103+7350000123457:14+5790000000005:14+7',
      'UCM+2+DESADV:D:96A:UN+4+29+UNT+2',
    ]);
  });

  it('rejects a foreign UNB sender with CONTRL 23 and raises an exception', async () => {
    const id = await receive(edifact({ reference: 'R201', sender: '4000000000009' }));
    const result = await intake.check(id);
    const [ic] = result.interchanges;
    expect(result.status).toBe('rejected');
    expect(ic).toMatchObject({ outcome: 'rejected', reason: 'unb-sender-not-bound', acceptedMessages: [] });
    expect(lines(ic!.contrl!.text).filter((s) => s.startsWith('UC'))).toEqual([
      'UCI+R201+4000000000009:14+5790000000005:14+4+23+UNB+3',
    ]);
    expect((await archive.get(id)).statusDetail).toContain('4000000000009:14');
    const raised = await exceptions.get(ic!.exceptionId!, ALL_PARTNERS);
    expect(raised).toMatchObject({
      type: 'interchange.rejected',
      references: { partnerId: NORDIC, interchangeId: id },
      differences: { unbSender: { expected: ['14/7350000123457'], actual: '4000000000009:14' } },
    });
  });

  it('rejects an interchange addressed to someone else with CONTRL 43, sent from our own id, and raises a case', async () => {
    const id = await receive(edifact({ reference: 'R204', recipient: '4000000000016:14', ack: '1' }));
    const result = await intake.check(id);
    const [ic] = result.interchanges;
    expect(result.status).toBe('rejected');
    expect(ic).toMatchObject({
      outcome: 'rejected',
      reason: 'unb-recipient-not-ours',
      acceptedMessages: [],
      rejectedMessages: ['1', '2'],
    });
    const segs = lines(ic!.contrl!.text);
    // From our sending identity, not in the name of the party the partner addressed by mistake.
    expect(segs[1]).toMatch(/^UNB\+UNOC:3\+SUPPLIERGW:ZZZ\+7350000123457:14\+/);
    expect(segs.filter((s) => s.startsWith('UC'))).toEqual([
      'UCI+R204+7350000123457:14+4000000000016:14+4+43+UNB+4',
    ]);
    const row = await archive.get(id);
    expect(row.status).toBe('rejected');
    expect(row.statusDetail).toContain('4000000000016:14');
    const raised = await exceptions.get(ic!.exceptionId!, ALL_PARTNERS);
    expect(raised).toMatchObject({
      type: 'interchange.rejected',
      references: { partnerId: NORDIC, interchangeId: id },
      differences: {
        unbRecipient: { expected: ['SUPPLIERGW:ZZZ', '5790000000005:14'], actual: '4000000000016:14' },
      },
    });
  });

  it('rejects our id under a qualifier we are not known by; takes it without a qualifier, in any case', async () => {
    const wrong = await intake.check(
      await receive(edifact({ reference: 'R205', recipient: '5790000000005:ZZZ' })),
    );
    expect(wrong.interchanges[0]).toMatchObject({ outcome: 'rejected', reason: 'unb-recipient-not-ours' });
    // S003 0007 is conditional: the id alone names us.
    const bare = await intake.check(
      await receive(edifact({ reference: 'R206', recipient: '5790000000005' })),
    );
    expect(bare.interchanges[0]).toMatchObject({ outcome: 'accepted' });
    const ours = await intake.check(
      await receive(edifact({ reference: 'R207', recipient: 'supplierGW:zzz' })),
    );
    expect(ours.interchanges[0]).toMatchObject({ outcome: 'accepted' });
  });

  it("rejects the partner's id under another qualifier, and a receipt no partner was identified for", async () => {
    const other = await intake.check(await receive(edifact({ reference: 'R202', qualifier: 'ZZ' })));
    expect(other.interchanges[0]).toMatchObject({ outcome: 'rejected', reason: 'unb-sender-not-bound' });
    const id = await receive(edifact({ reference: 'R203' }), null);
    const nobody = await intake.check(id);
    expect(nobody.interchanges[0]).toMatchObject({ outcome: 'rejected', reason: 'unidentified-partner' });
    expect(nobody.interchanges[0]!.contrl!.text).toContain("+4+23+UNB+3'");
    const raised = await exceptions.get(nobody.interchanges[0]!.exceptionId!, ALL_PARTNERS);
    expect(raised.references).toMatchObject({ partnerId: null, interchangeId: id });
  });

  it('answers a repeated UNB reference with CONTRL 26, naming the original, and does not process it', async () => {
    const original = await receive(edifact({ reference: 'R301' }));
    expect((await intake.check(original)).status).toBe('processing');
    const before = await counters();
    const copy = await receive(edifact({ reference: 'R301', time: '0815' }));
    const result = await intake.check(copy);
    const [ic] = result.interchanges;
    expect(result.status).toBe('rejected');
    expect(ic).toMatchObject({
      outcome: 'rejected',
      reason: 'duplicate',
      duplicateOf: { interchangeId: original },
      exceptionId: null,
      acceptedMessages: [],
      rejectedMessages: ['1', '2'],
    });
    expect(lines(ic!.contrl!.text).filter((s) => s.startsWith('UC'))).toEqual([
      'UCI+R301+7350000123457:14+5790000000005:14+4+26+UNB+6',
    ]);
    expect((await archive.get(copy)).statusDetail).toContain(`duplicate of interchange ${original}`);
    expect(await counters()).toEqual({ interchange: before.interchange! + 1, message: before.message! + 1 });
  });

  it('accepts the same reference once the window has passed, and a resend of a rejected one', async () => {
    const original = await receive(edifact({ reference: 'R401' }));
    await intake.check(original);
    await queryOnce(
      db.url,
      `UPDATE edifact_interchange_reference SET received_at = received_at - interval '31 days'
        WHERE interchange_id = $1`,
      [original],
    );
    const later = await intake.check(await receive(edifact({ reference: 'R401', time: '0900' })));
    expect(later.interchanges[0]).toMatchObject({ outcome: 'accepted' });
    const bad = await intake.check(await receive(edifact({ reference: 'R501', qualifier: 'ZZ' })));
    expect(bad.status).toBe('rejected');
    const resend = await intake.check(await receive(edifact({ reference: 'R501', time: '0830' })));
    expect(resend.interchanges[0]).toMatchObject({ outcome: 'accepted', reason: 'accepted' });
  });

  it('lets exactly one of two concurrent copies pass', async () => {
    const a = await receive(edifact({ reference: 'R601', time: '1000' }));
    const b = await receive(edifact({ reference: 'R601', time: '1001' }));
    const results = await Promise.all([intake.check(a), intake.check(b)]);
    expect(results.map((r) => r.interchanges[0]!.reason).sort()).toEqual(['accepted', 'duplicate']);
    const rows = await queryOnce(
      db.url,
      `SELECT 1 FROM edifact_interchange_reference WHERE reference = 'R601'`,
    );
    expect(rows).toHaveLength(1);
  });

  it('answers a job retry with the recorded result, taking no new references', async () => {
    const id = await receive(edifact({ reference: 'R701', ack: '1' }));
    const first = await intake.check(id);
    const before = await counters();
    const again = await intake.check(id);
    expect(again.replayed).toBe(true);
    expect(again.interchanges).toEqual(first.interchanges);
    expect(await counters()).toEqual(before);
  });

  it('rejects an envelope error with its code, and a file without UNB with an exception only', async () => {
    const broken = edifact({ reference: 'R801' }).replace("UNZ+2+R801'", "UNZ+2+R899'");
    const result = await intake.check(await receive(broken));
    expect(result.interchanges[0]).toMatchObject({ outcome: 'rejected', reason: 'envelope' });
    expect(result.interchanges[0]!.contrl!.text).toContain(
      "UCI+R801+7350000123457:14+5790000000005:14+4+28+UNZ+3'",
    );
    const bare = await receive("UNH+1+DESADV:D:96A:UN'BGM+351+X+9'UNT+3+1'");
    const none = await intake.check(bare);
    expect(none).toMatchObject({ status: 'rejected', interchanges: [] });
    expect(none.detail).toContain('message without UNB');
  });
});
