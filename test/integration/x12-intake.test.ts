import { copyFileSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExceptionService } from '../../src/exceptions/exception.service.js';
import { ALL_PARTNERS } from '../../src/exceptions/exception.types.js';
import { InterchangeArchive } from '../../src/interchanges/interchange-archive.service.js';
import { X12IntakeService } from '../../src/translation/x12-intake.service.js';
import { X12TranslationService } from '../../src/translation/x12-translation.service.js';
import { startTestGateway } from '../support/gateway.js';
import { createTestDatabase, queryOnce, type TestDatabase } from '../support/postgres.js';

const ACME = 'acme-fasteners';
/**
 * A partner whose ISA06 holds "*": it sends with "|" as element separator and "^" as component
 * separator, so its interchanges are sound, and an answer must use them: with our default "*" its id
 * could not be echoed. No outbound format is agreed with it.
 */
const PIPE = 'pipe-works';
/** A partner whose ISA06 holds ">", the component separator it sends with (ISA06 is fixed-width data). */
const ANGLE = 'angle-works';
const PARTNER_YAML = {
  [PIPE]: `id: ${PIPE}
name: Pipe Works
status: test
identities:
  x12: [{ qualifier: ZZ, id: 'PIPE*WORKS' }]
  gs: [PIPEWORKS]
documents:
  inbound: [{ standard: x12, version: '004010', type: '855' }]
acknowledgments: { functional: '997' }
`,
  [ANGLE]: `id: ${ANGLE}
name: Angle Works
status: test
identities:
  x12: [{ qualifier: ZZ, id: 'ANGLE>WORKS' }]
  gs: [ANGLEWORKS]
documents:
  inbound: [{ standard: x12, version: '004010', type: '855' }]
acknowledgments: { functional: '997' }
`,
};

/** The repository's partners, PIPE and ANGLE. */
function partnersDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sg-x12-intake-partners-'));
  for (const file of readdirSync('partners').filter((f) => f.endsWith('.yaml')))
    copyFileSync(join('partners', file), join(dir, file));
  for (const [id, yaml] of Object.entries(PARTNER_YAML)) writeFileSync(join(dir, `${id}.yaml`), yaml);
  return dir;
}

interface Fixture {
  readonly isa13: string;
  readonly qualifier?: string;
  readonly sender?: string;
  readonly gs02?: string;
  /** GS03: the application the group is addressed to (default BUYERCO, one of our codes here). */
  readonly gs03?: string;
  /** ISA07/ISA08: whom the interchange is addressed to (default ZZ/BUYERCO, one of our ids here). */
  readonly receiverQualifier?: string;
  readonly receiver?: string;
  /** ISA10; vary it to send the same ISA13 with other bytes (the archive dedupes identical bytes). */
  readonly time?: string;
  readonly ackRequested?: '0' | '1';
}

/** One 004010 interchange with one PR group holding one 855 (envelopes only matter here). */
function x12(f: Fixture): string {
  const gs06 = String(Number(f.isa13) % 1000 || 1);
  return (
    `ISA*00*          *00*          *${f.qualifier ?? 'ZZ'}*${(f.sender ?? 'ACMEFAST').padEnd(15)}` +
    `*${f.receiverQualifier ?? 'ZZ'}*${(f.receiver ?? 'BUYERCO').padEnd(15)}` +
    `*261127*${f.time ?? '0800'}*U*00401*${f.isa13}*${f.ackRequested ?? '0'}*P*>~` +
    `GS*PR*${f.gs02 ?? 'ACMEFAST'}*${f.gs03 ?? 'BUYERCO'}*20261127*0800*${gs06}*X*004010~` +
    `ST*855*0001~BAK*00*AC*4500012345*20261127~SE*3*0001~GE*1*${gs06}~IEA*1*${f.isa13}~`
  );
}

/** The fixture in PIPE's delimiters: "|" between elements, "^" between components (ISA16), "~" after segments. */
function piped(f: Fixture): string {
  return x12({ ...f, sender: f.sender?.replace('*', '#') })
    .replaceAll('*', '|')
    .replace('|P|>~', '|P|^~')
    .replace('#', '*');
}

/** Element separator, ISA16 and segment terminator of an acknowledgment (its ISA is fixed-width). */
const delimitersOf = (text: string): string[] => [text[3]!, text[104]!, text[105]!];

/** Segments of an acknowledgment text, split on its own delimiters (ISA byte 4, terminator after ISA16). */
function segments(text: string): string[][] {
  const element = text[3]!;
  const terminator = text[105]!;
  return text
    .split(terminator)
    .filter((s) => s.length > 0)
    .map((s) => s.split(element));
}

describe('the X12 intake', () => {
  let db: TestDatabase;
  let gateway: Awaited<ReturnType<typeof startTestGateway>>;
  let archive: InterchangeArchive;
  let intake: X12IntakeService;
  let exceptions: ExceptionService;
  let translation: X12TranslationService;
  let partners: string;

  const receive = async (payload: string, partnerId: string | null = ACME) =>
    (await archive.receive({ partnerId, channel: 'sftp', payload: Buffer.from(payload, 'latin1') })).id;
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
    db = await createTestDatabase('x12intake');
    partners = partnersDir();
    // We send as ZZ/SUPPLIERGW (the default GATEWAY_X12_*) and are addressed as ZZ/BUYERCO too.
    gateway = await startTestGateway({
      DATABASE_URL: db.url,
      X12_DUPLICATE_WINDOW_DAYS: '30',
      GATEWAY_X12_RECEIVER_IDS: 'ZZ/BUYERCO',
      GATEWAY_X12_APPLICATION_RECEIVER_CODES: 'BUYERCO',
      PARTNERS_DIR: partners,
    });
    archive = gateway.app.get(InterchangeArchive);
    intake = gateway.app.get(X12IntakeService);
    exceptions = gateway.app.get(ExceptionService);
    translation = gateway.app.get(X12TranslationService);
  });
  afterAll(async () => {
    await gateway?.stop();
    await db?.drop();
    if (partners) rmSync(partners, { recursive: true, force: true });
  });

  it('accepts a bound interchange and answers a 997 with sender and receiver swapped', async () => {
    const before = await counters();
    const id = await receive(x12({ isa13: '000000101' }));
    const result = await intake.check(id);
    expect(result).toMatchObject({ status: 'processing', replayed: false });
    const [ic] = result.interchanges;
    expect(ic).toMatchObject({ outcome: 'accepted', reason: 'accepted', controlNumber: '000000101' });
    expect(ic!.ack).toMatchObject({ functional: '997', ta1: null, acknowledgedGroups: ['101'] });
    const segs = segments(ic!.ack!.text);
    const isa = segs[0]!;
    expect([isa[5], isa[6]!.trim(), isa[7], isa[8]!.trim()]).toEqual(['ZZ', 'BUYERCO', 'ZZ', 'ACMEFAST']);
    expect(segs.find((s) => s[0] === 'GS')!.slice(1, 3)).toEqual(['FA', 'BUYERCO']);
    expect(segs.find((s) => s[0] === 'GS')![3]).toBe('ACMEFAST');
    expect(segs.find((s) => s[0] === 'AK9')![1]).toBe('A');
    // Control numbers come from the partner's counters (a fresh database starts them at 1).
    const first = before.interchange ?? 1;
    expect(isa[13]).toBe(String(first).padStart(9, '0'));
    expect(segs.find((s) => s[0] === 'GS')![6]).toBe(String(before.group ?? 1));
    expect(segs.find((s) => s[0] === 'ST')![2]).toBe(String(before.set ?? 1).padStart(4, '0'));

    const row = await archive.get(id);
    expect(row.status).toBe('processing');
    expect(
      (row.answer as { x12Intake: { interchanges: { ack: { text: string } }[] } }).x12Intake.interchanges[0]!
        .ack.text,
    ).toBe(ic!.ack!.text);
  });

  it("accepts a partner's 997 without answering it, and says nothing is missing", async () => {
    const text =
      'ISA*00*          *00*          *ZZ*ACMEFAST       *ZZ*BUYERCO        *261127*0800*U*00401*000000291*0*P*>~' +
      'GS*FA*ACMEFAST*BUYERCO*20261127*0800*291*X*004010~' +
      'ST*997*0001~AK1*PO*17~AK9*A*1*1*1~SE*4*0001~GE*1*291~IEA*1*000000291~';
    const id = await receive(text);
    const [ic] = (await intake.check(id)).interchanges;
    // Acknowledgments are never acknowledged: nothing is owed, and nothing is wrong.
    expect(ic).toMatchObject({ outcome: 'accepted', ack: null, ackProblem: null, exceptionId: null });
    expect((await archive.get(id)).statusDetail ?? '').not.toContain('no acknowledgment could be written');
  });

  it('rejects a foreign ISA06 with TA1 006, marks the row rejected and raises an exception', async () => {
    const id = await receive(x12({ isa13: '000000201', sender: 'NORDICCAST' }));
    const result = await intake.check(id);
    const [ic] = result.interchanges;
    expect(result.status).toBe('rejected');
    expect(ic).toMatchObject({ outcome: 'rejected', reason: 'isa-sender-not-bound' });
    expect(ic!.ack).toMatchObject({ functional: null, ta1: { status: 'R', noteCode: '006' } });
    const segs = segments(ic!.ack!.text);
    expect(segs.map((s) => s[0])).toEqual(['ISA', 'TA1', 'IEA']); // no 997 for its sets
    expect(segs[1]!.slice(1)).toEqual(['000000201', '261127', '0800', 'R', '006']);

    const row = await archive.get(id);
    expect(row.status).toBe('rejected');
    expect(row.statusDetail).toContain('ZZ/NORDICCAST');
    const raised = await exceptions.get(ic!.exceptionId!, ALL_PARTNERS);
    expect(raised).toMatchObject({
      type: 'interchange.rejected',
      references: { partnerId: ACME, interchangeId: id },
      differences: { isaSender: { expected: ['ZZ/ACMEFAST', '01/081466849'], actual: 'ZZ/NORDICCAST' } },
    });
  });

  it('rejects an interchange addressed to someone else with TA1 009, sent from our own id, and raises a case', async () => {
    const id = await receive(x12({ isa13: '000000206', receiver: 'OTHERBUYER' }));
    const result = await intake.check(id);
    const [ic] = result.interchanges;
    expect(result.status).toBe('rejected');
    expect(ic).toMatchObject({ outcome: 'rejected', reason: 'isa-receiver-not-ours' });
    expect(ic!.ack).toMatchObject({ functional: null, ta1: { status: 'R', noteCode: '009' } });
    const segs = segments(ic!.ack!.text);
    expect(segs.map((s) => s[0])).toEqual(['ISA', 'TA1', 'IEA']);
    // From our sending identity, not in the name of the party the partner addressed by mistake.
    const isa = segs[0]!;
    expect([isa[5], isa[6]!.trim(), isa[7], isa[8]!.trim()]).toEqual(['ZZ', 'SUPPLIERGW', 'ZZ', 'ACMEFAST']);
    expect(segs[1]!.slice(1)).toEqual(['000000206', '261127', '0800', 'R', '009']);

    const row = await archive.get(id);
    expect(row.status).toBe('rejected');
    expect(row.statusDetail).toContain('ZZ/OTHERBUYER');
    const raised = await exceptions.get(ic!.exceptionId!, ALL_PARTNERS);
    expect(raised).toMatchObject({
      type: 'interchange.rejected',
      references: { partnerId: ACME, interchangeId: id },
      differences: { isaReceiver: { expected: ['ZZ/SUPPLIERGW', 'ZZ/BUYERCO'], actual: 'ZZ/OTHERBUYER' } },
    });
  });

  it('answers one of our ids under a qualifier we are not known by with TA1 007', async () => {
    const result = await intake.check(await receive(x12({ isa13: '000000207', receiverQualifier: '01' })));
    expect(result.interchanges[0]).toMatchObject({ outcome: 'rejected', reason: 'isa-receiver-not-ours' });
    expect(result.interchanges[0]!.ack!.ta1).toMatchObject({ status: 'R', noteCode: '007' });
  });

  it.each([
    ['NUL', '\u0000', '208'],
    ['SOH', '\u0001', '218'],
    ['DEL', '\u007f', '228'],
  ])(
    'rejects a %s in ISA06 or ISA08 with TA1 R 006 / 008, echoing no control character',
    async (_n, c, n) => {
      // ISA08 holds no valid id: answered from our own id, and quoted storably in the case.
      const receiver = await intake.check(
        await receive(x12({ isa13: `000000${n}`, receiver: `BUY${c}RCO` })),
      );
      expect(receiver.interchanges[0]).toMatchObject({
        outcome: 'rejected',
        reason: 'envelope',
        ack: { functional: null, ta1: { status: 'R', noteCode: '008' } },
      });
      const answer = segments(receiver.interchanges[0]!.ack!.text);
      expect(answer.map((s) => s[0])).toEqual(['ISA', 'TA1', 'IEA']);
      const isa = answer[0]!;
      expect([isa[5], isa[6]!.trim(), isa[7], isa[8]!.trim()]).toEqual([
        'ZZ',
        'SUPPLIERGW',
        'ZZ',
        'ACMEFAST',
      ]);
      const controls = [...receiver.interchanges[0]!.ack!.text].filter((ch) => ch < ' ' || ch === '\u007f');
      expect(controls).toEqual([]);
      const raised = await exceptions.get(receiver.interchanges[0]!.exceptionId!, ALL_PARTNERS);
      expect(raised.summary).toContain('008 ISA08 receiver id holds a control character');

      // ISA06: TA1 R 006, addressed to the sender's id without the control character.
      const sender = await intake.check(
        await receive(x12({ isa13: `000000${Number(n) + 1}`, sender: `ACME${c}FAST` })),
      );
      expect(sender.interchanges[0]).toMatchObject({
        outcome: 'rejected',
        reason: 'envelope',
        ackProblem: null,
        ack: { functional: null, ta1: { status: 'R', noteCode: '006' } },
      });
      const back = segments(sender.interchanges[0]!.ack!.text);
      expect(back[0]![8]!.trim()).toBe('ACMEFAST');
      expect(back[1]!.slice(1)).toEqual([`000000${Number(n) + 1}`, '261127', '0800', 'R', '006']);
      const rejected = await exceptions.get(sender.interchanges[0]!.exceptionId!, ALL_PARTNERS);
      if (c === '\u0000') expect(rejected.summary).toContain('ZZ/ACME\ufffdFAST');
      expect(rejected.summary).toContain('006 ISA06 sender id holds a control character');
    },
  );

  it('rejects a group addressed to a GS03 not ours (004010: AK9 R without a code) and translates none of it', async () => {
    const id = await receive(x12({ isa13: '000000231', gs03: 'OTHERAPP' }));
    const result = await intake.check(id);
    // The interchange is ours and sound: accepted, its group rejected in the 997.
    expect(result.status).toBe('processing');
    expect(result.interchanges[0]).toMatchObject({ outcome: 'accepted', ack: { functional: '997' } });
    const answer = segments(result.interchanges[0]!.ack!.text);
    // Answered from our GS02 (GATEWAY_X12_ID here), not in the name of the application it named.
    expect(answer.find((s) => s[0] === 'GS')!.slice(1, 4)).toEqual(['FA', 'SUPPLIERGW', 'ACMEFAST']);
    expect(answer.find((s) => s[0] === 'AK5')).toEqual(['AK5', 'R']);
    // 004010 has no AK905 8 (ACK-CODES.md): R alone, no code of another version.
    expect(answer.find((s) => s[0] === 'AK9')).toEqual(['AK9', 'R', '1', '1', '0']);

    const translated = await translation.translate(id);
    expect(translated.events).toEqual([]);
    expect(translated.sets).toMatchObject([{ setId: '855', outcome: 'rejected' }]);
    expect(translated.sets[0]!.problems.join(' ')).toContain('GS03 "OTHERAPP" is not one of our');
    // Told to the partner by the 997: no case for a person.
    const cases = await queryOnce(db.url, `SELECT 1 FROM exception_case WHERE interchange_id = $1`, [id]);
    expect(cases).toEqual([]);
  });

  it('raises a case when an accepted interchange gets no acknowledgment because it cannot be written', async () => {
    // 00501 with "^" as repetition separator; ST02 "0^01" is AN 4/9 and passes, but the 997's AK202
    // would have to echo it and "^" is a delimiter of the 997 too (X12 has no release character).
    const text =
      `ISA*00*          *00*          *ZZ*${'ACMEFAST'.padEnd(15)}*ZZ*${'BUYERCO'.padEnd(15)}` +
      `*261127*0800*^*00501*000000241*0*P*>~GS*PR*ACMEFAST*BUYERCO*20261127*0800*241*X*005010~` +
      `ST*855*0^01~BAK*00*AC*4500012345*20261127~SE*3*0^01~GE*1*241~IEA*1*000000241~`;
    const id = await receive(text);
    const result = await intake.check(id);
    expect(result.status).toBe('processing');
    const [ic] = result.interchanges;
    expect(ic).toMatchObject({
      outcome: 'accepted',
      ack: null,
      ackProblem: 'AK202 "0^01" contains the repetition separator "^" of the acknowledgment',
    });
    const raised = await exceptions.get(ic!.exceptionId!, ALL_PARTNERS);
    expect(raised).toMatchObject({
      type: 'interchange.ack-unwritable',
      dedupeKey: `interchange:${id}:0:ack`,
      references: { partnerId: ACME, interchangeId: id },
      differences: { acknowledgment: { expected: '997', actual: ic!.ackProblem } },
    });
    expect(raised.summary).toContain('was accepted, but no acknowledgment could be written');
    // Kept and processed: the row goes on to translation, its detail says what the partner misses.
    const row = await archive.get(id);
    expect(row.status).toBe('processing');
    expect(row.statusDetail).toContain('ISA13 000000241 accepted, but no acknowledgment could be written');
    // A retried job raises nothing twice.
    expect((await intake.check(id)).replayed).toBe(true);
    const cases = await queryOnce(db.url, `SELECT 1 FROM exception_case WHERE interchange_id = $1`, [id]);
    expect(cases).toHaveLength(1);
  });

  it('says in the rejection case that the partner got no TA1 when the TA1 cannot be written', async () => {
    // ISA06 "ACME>FAST" is not acme's id (TA1 R 006), and holds the interchange's own ISA16 ">" as
    // data: the TA1, written with the interchange's delimiters, cannot echo it in its ISA08.
    const id = await receive(x12({ isa13: '000000251', sender: 'ACME>FAST' }));
    const result = await intake.check(id);
    expect(result.status).toBe('rejected');
    const [ic] = result.interchanges;
    expect(ic).toMatchObject({
      outcome: 'rejected',
      reason: 'isa-sender-not-bound',
      ack: null,
      ackProblem: 'ISA08 "ACME>FAST" contains the component separator ">" of the acknowledgment',
    });
    const raised = await exceptions.get(ic!.exceptionId!, ALL_PARTNERS);
    expect(raised).toMatchObject({
      type: 'interchange.rejected',
      dedupeKey: `interchange:${id}:0`,
      differences: { acknowledgment: { expected: 'TA1', actual: ic!.ackProblem } },
    });
    // The rejection itself is still named, and the operator learns the partner was not told.
    expect(raised.summary).toContain('X12 interchange 000000251 from ZZ/ACME>FAST rejected');
    expect(raised.summary).toContain(`the partner got no TA1, it could not be written (${ic!.ackProblem})`);
    expect(raised.differences).toHaveProperty('isaSender');
    const row = await archive.get(id);
    expect(row.statusDetail).toContain(`ISA13 000000251: `);
    expect(row.statusDetail).toContain(`(no TA1 could be written: ${ic!.ackProblem})`);
  });

  it('raises a case for a group after IEA with no ISA, which no TA1 or 997 can answer', async () => {
    const stray =
      'GS*PR*ACMEFAST*BUYERCO*20261127*0800*212*X*004010~ST*855*0001~BAK*00*AC*4500012399*20261127~SE*3*0001~GE*1*212~';
    const id = await receive(x12({ isa13: '000000211' }) + stray);
    const result = await intake.check(id);
    // The interchange before it is sound and answered as such; its 997 names only its own group 211.
    expect(result.status).toBe('processing');
    const ack = result.interchanges[0]!.ack!;
    expect(segments(ack.text).filter((s) => s[0] === 'AK1')).toEqual([['AK1', 'PR', '211']]);
    expect(ack.ta1).toBeNull();
    const row = await archive.get(id);
    expect(row.statusDetail).toContain('outside any interchange, not processed and not acknowledged');
    expect(row.statusDetail).toContain('GS outside any interchange');
    const cases = await queryOnce<{ type: string; dedupe_key: string; summary: string }>(
      db.url,
      `SELECT type, dedupe_key, summary FROM exception_case WHERE interchange_id = $1`,
      [id],
    );
    expect(cases).toEqual([
      {
        type: 'interchange.rejected',
        dedupe_key: `interchange:${id}:stream`,
        summary: expect.stringContaining('(no ISA/IEA to answer): 024 GS outside any interchange'),
      },
    ]);
  });

  it("answers the partner's id under the wrong qualifier with TA1 005", async () => {
    const result = await intake.check(await receive(x12({ isa13: '000000202', qualifier: '01' })));
    expect(result.interchanges[0]!.ack!.ta1).toMatchObject({ status: 'R', noteCode: '005' });
  });

  it('rejects a foreign GS02 with TA1 024 and no 997', async () => {
    const id = await receive(x12({ isa13: '000000203', gs02: 'NORDICCAST' }));
    const result = await intake.check(id);
    expect(result.status).toBe('rejected');
    expect(result.interchanges[0]).toMatchObject({
      reason: 'gs-sender-not-bound',
      ack: { functional: null },
    });
    expect(result.interchanges[0]!.ack!.ta1).toMatchObject({ status: 'R', noteCode: '024' });
    const raised = await exceptions.get(result.interchanges[0]!.exceptionId!, ALL_PARTNERS);
    expect(raised.differences).toEqual({ gsSender: { expected: ['ACMEFAST'], actual: 'NORDICCAST' } });
  });

  it('rejects a receipt no partner was identified for', async () => {
    const id = await receive(x12({ isa13: '000000204' }), null);
    const result = await intake.check(id);
    expect(result.interchanges[0]).toMatchObject({ outcome: 'rejected', reason: 'unidentified-partner' });
    expect(result.interchanges[0]!.ack!.ta1).toMatchObject({ noteCode: '006' });
    expect((await archive.get(id)).status).toBe('rejected');
    const raised = await exceptions.get(result.interchanges[0]!.exceptionId!, ALL_PARTNERS);
    expect(raised.references).toMatchObject({ partnerId: null, interchangeId: id });
  });

  it('answers a repeated ISA13 with TA1 025, naming the original, and does not process it', async () => {
    const original = await receive(x12({ isa13: '000000301' }));
    expect((await intake.check(original)).status).toBe('processing');
    const before = await counters();
    const copy = await receive(x12({ isa13: '000000301', time: '0815' }));
    const result = await intake.check(copy);
    const [ic] = result.interchanges;
    expect(result.status).toBe('rejected');
    expect(ic).toMatchObject({
      reason: 'duplicate',
      duplicateOf: { interchangeId: original },
      exceptionId: null,
    });
    expect(ic!.ack).toMatchObject({ functional: null, ta1: { status: 'R', noteCode: '025' } });
    expect(segments(ic!.ack!.text).map((s) => s[0])).toEqual(['ISA', 'TA1', 'IEA']);
    const row = await archive.get(copy);
    expect(row.status).toBe('rejected');
    expect(row.statusDetail).toContain(`duplicate of interchange ${original}`);
    // Only the TA1's ISA13 was taken: no group or set number, because no 997 was built.
    expect(await counters()).toEqual({ ...before, interchange: before.interchange! + 1 });
  });

  it('raises a case for a duplicate whose TA1 025 cannot be written: the partner was told nothing', async () => {
    // ANGLE's ISA06 holds its own ISA16 ">": no acknowledgment written with its delimiters can echo it,
    // neither the original's 997 nor the copy's TA1 025.
    const angle = (time: string) =>
      x12({ isa13: '000000311', sender: 'ANGLE>WORKS', gs02: 'ANGLEWORKS', time });
    const original = await receive(angle('0800'), ANGLE);
    expect((await intake.check(original)).interchanges[0]).toMatchObject({ outcome: 'accepted', ack: null });
    const copy = await receive(angle('0815'), ANGLE);
    const result = await intake.check(copy);
    expect(result.status).toBe('rejected');
    const [ic] = result.interchanges;
    expect(ic).toMatchObject({
      outcome: 'rejected',
      reason: 'duplicate',
      duplicateOf: { interchangeId: original },
      ack: null,
      ackProblem: 'ISA08 "ANGLE>WORKS" contains the component separator ">" of the acknowledgment',
    });
    const raised = await exceptions.get(ic!.exceptionId!, ALL_PARTNERS);
    expect(raised).toMatchObject({
      type: 'interchange.rejected',
      dedupeKey: `interchange:${copy}:0`,
      references: { partnerId: ANGLE, interchangeId: copy },
      differences: { acknowledgment: { expected: 'TA1', actual: ic!.ackProblem } },
    });
    expect(raised.summary).toContain(
      `X12 interchange 000000311 from ZZ/ANGLE>WORKS rejected: duplicate of interchange ${original}`,
    );
    expect(raised.summary).toContain(`the partner got no TA1, it could not be written (${ic!.ackProblem})`);
    expect((await archive.get(copy)).statusDetail).toContain(`(no TA1 could be written: ${ic!.ackProblem})`);
    // A retried job raises nothing twice.
    expect((await intake.check(copy)).replayed).toBe(true);
    const cases = await queryOnce(db.url, `SELECT 1 FROM exception_case WHERE interchange_id = $1`, [copy]);
    expect(cases).toHaveLength(1);
  });

  it("answers a duplicate in the partner's own delimiters: TA1 025 with '|', '^' and '~'", async () => {
    const pipe = (time: string) =>
      piped({ isa13: '000000312', sender: 'PIPE*WORKS', gs02: 'PIPEWORKS', time });
    const original = await receive(pipe('0800'), PIPE);
    const accepted = (await intake.check(original)).interchanges[0]!;
    expect(accepted).toMatchObject({ outcome: 'accepted', ack: { functional: '997' } });
    // An accepted interchange's 997 has always been written in its own delimiters; so is the TA1 now.
    expect(delimitersOf(accepted.ack!.text)).toEqual(['|', '^', '~']);
    const copy = await receive(pipe('0815'), PIPE);
    const result = await intake.check(copy);
    const [ic] = result.interchanges;
    expect(ic).toMatchObject({
      outcome: 'rejected',
      reason: 'duplicate',
      duplicateOf: { interchangeId: original },
      ackProblem: null,
      exceptionId: null,
      ack: { functional: null, ta1: { status: 'R', noteCode: '025' } },
    });
    const text = ic!.ack!.text;
    expect(delimitersOf(text)).toEqual(['|', '^', '~']);
    const segs = segments(text);
    expect(segs.map((s) => s[0])).toEqual(['ISA', 'TA1', 'IEA']);
    // ISA08 echoes its id, "*" and all.
    expect(segs[0]![8]!.trim()).toBe('PIPE*WORKS');
    expect(segs[1]!.slice(1)).toEqual(['000000312', '261127', '0815', 'R', '025']);
    // The TA1 tells the partner: no case.
    const cases = await queryOnce(db.url, `SELECT 1 FROM exception_case WHERE interchange_id = $1`, [copy]);
    expect(cases).toEqual([]);
  });

  it("answers a sender the partner does not own in the partner's own delimiters: TA1 006 with '|', '^' and '~'", async () => {
    const id = await receive(piped({ isa13: '000000313', sender: 'PIPE*OTHER', gs02: 'PIPEWORKS' }), PIPE);
    const result = await intake.check(id);
    expect(result.status).toBe('rejected');
    const [ic] = result.interchanges;
    expect(ic).toMatchObject({
      outcome: 'rejected',
      reason: 'isa-sender-not-bound',
      ackProblem: null,
      ack: { functional: null, ta1: { status: 'R', noteCode: '006' } },
    });
    expect(delimitersOf(ic!.ack!.text)).toEqual(['|', '^', '~']);
    const segs = segments(ic!.ack!.text);
    expect(segs[0]![8]!.trim()).toBe('PIPE*OTHER');
    expect(segs[1]!.slice(1)).toEqual(['000000313', '261127', '0800', 'R', '006']);
    // The case is the rejection's alone: the partner was told.
    const raised = await exceptions.get(ic!.exceptionId!, ALL_PARTNERS);
    expect(raised.differences).not.toHaveProperty('acknowledgment');
    expect(raised.summary).not.toContain('the partner got no TA1');
  });

  it('answers an interchange whose own delimiters cannot delimit with the agreed ones, else ours', async () => {
    // The terminator after ISA16 is its element separator "|": nothing after the ISA can be read
    // (TA105 004), and "|" / "^" are no delimiters to answer with.
    const unusable = (isa13: string) =>
      x12({ isa13 }).replaceAll('*', '|').replace('|P|>~', '|P|^|').replaceAll('~', '|');
    // acme's profile agrees "*", ">" and "~" for what we send it (documents.outbound[].format).
    const agreed = (await intake.check(await receive(unusable('000000321')))).interchanges[0]!;
    expect(agreed).toMatchObject({
      outcome: 'rejected',
      reason: 'envelope',
      ack: { ta1: { status: 'R', noteCode: '004' } },
    });
    expect(delimitersOf(agreed.ack!.text)).toEqual(['*', '>', '~']);
    expect(segments(agreed.ack!.text)[1]!.slice(1)).toEqual(['000000321', '261127', '0800', 'R', '004']);
    // No partner identified: nothing agreed, so ours.
    const ours = (await intake.check(await receive(unusable('000000322'), null))).interchanges[0]!;
    expect(ours).toMatchObject({ outcome: 'rejected', ack: { ta1: { status: 'R', noteCode: '004' } } });
    expect(delimitersOf(ours.ack!.text)).toEqual(['*', ':', '~']);
  });

  it('accepts the same ISA13 again once the window has passed', async () => {
    const original = await receive(x12({ isa13: '000000401' }));
    await intake.check(original);
    await queryOnce(
      db.url,
      `UPDATE x12_interchange_control SET received_at = received_at - interval '31 days' WHERE interchange_id = $1`,
      [original],
    );
    const later = await intake.check(await receive(x12({ isa13: '000000401', time: '0900' })));
    expect(later.interchanges[0]).toMatchObject({ outcome: 'accepted', ack: { functional: '997' } });
  });

  it('processes a resend of an interchange that was rejected', async () => {
    const bad = await intake.check(await receive(x12({ isa13: '000000501', gs02: 'NORDICCAST' })));
    expect(bad.status).toBe('rejected');
    const resend = await intake.check(await receive(x12({ isa13: '000000501', time: '0830' })));
    expect(resend.interchanges[0]).toMatchObject({ outcome: 'accepted', reason: 'accepted' });
  });

  it('lets exactly one of two concurrent copies pass', async () => {
    const a = await receive(x12({ isa13: '000000601', time: '1000' }));
    const b = await receive(x12({ isa13: '000000601', time: '1001' }));
    const results = await Promise.all([intake.check(a), intake.check(b)]);
    const outcomes = results.map((r) => r.interchanges[0]!.reason).sort();
    expect(outcomes).toEqual(['accepted', 'duplicate']);
    const rows = await queryOnce(
      db.url,
      `SELECT 1 FROM x12_interchange_control WHERE control_number = '000000601'`,
    );
    expect(rows).toHaveLength(1);
  });

  it('answers a job retry with the recorded result, taking no new control numbers', async () => {
    const id = await receive(x12({ isa13: '000000701' }));
    const first = await intake.check(id);
    const before = await counters();
    const again = await intake.check(id);
    expect(again.replayed).toBe(true);
    expect(again.interchanges).toEqual(first.interchanges);
    expect(await counters()).toEqual(before);
  });

  it('numbers acknowledgments from the counters without gaps across calls', async () => {
    const texts: string[] = [];
    for (const n of ['801', '802', '803']) {
      const result = await intake.check(await receive(x12({ isa13: `000000${n}`, ackRequested: '1' })));
      texts.push(result.interchanges[0]!.ack!.text);
    }
    const numbers = texts.map((t) => {
      const segs = segments(t);
      return [
        Number(segs[0]![13]),
        Number(segs.find((s) => s[0] === 'GS')![6]),
        Number(segs.find((s) => s[0] === 'ST')![2]),
      ];
    });
    for (let i = 1; i < numbers.length; i++) {
      expect(numbers[i]).toEqual(numbers[i - 1]!.map((v) => v + 1));
    }
    // ISA14 = 1 asked for a TA1 too: TA104 A beside the 997.
    expect(segments(texts[0]!).find((s) => s[0] === 'TA1')![4]).toBe('A');
    const after = await counters();
    expect(after.interchange).toBe(numbers[2]![0]! + 1);
  });
});
