import { describe, expect, it } from 'vitest';
import { gs, isa, PO_BODY, set, validPo } from './fixtures/build.js';
import { readX12, readX12Stream, validateX12 } from './reader.js';
import type { X12ValidationResult } from './result.js';

const codes = (r: X12ValidationResult): string[] =>
  r.issues.map((i) => `${i.kind}:${i.codeList}:${i.code ?? '-'}`);

const v4 = { isa: { version: '00401', isa11: 'U' }, gs: { version: '004010' } } as const;

function po(
  parts: {
    isa?: Parameters<typeof isa>[0];
    gs?: Parameters<typeof gs>[0];
    sets?: string;
    trailer?: string;
  } = {},
): string {
  const control = parts.isa?.control ?? '000000101';
  return (
    isa(parts.isa) +
    gs(parts.gs) +
    (parts.sets ?? set('850', '0001', PO_BODY)) +
    (parts.trailer ?? `GE*1*${parts.gs?.control ?? '7'}~IEA*1*${control}~`)
  );
}

describe('envelope validation', () => {
  it('accepts a valid interchange and builds the tree', () => {
    const r = validateX12(validPo());
    expect(r.issues).toEqual([]);
    const ic = r.interchanges[0]!;
    expect(ic.status).toBe('accepted');
    expect(ic.controlNumber).toBe('000000101');
    expect(ic.header.senderId).toBe('SUPPLIER       ');
    expect(ic.codeVersion).toBe('005010');
    expect(ic.groups[0]!.status).toBe('accepted');
    expect(ic.groups[0]!.sets[0]).toMatchObject({
      id: '850',
      controlNumber: '0001',
      segmentCount: 6,
      status: 'accepted',
    });
    expect(r.segments).toBe(10);
  });

  it('checks fixed ISA widths element by element (TA105 by element)', () => {
    const r = validateX12(
      po({ isa: { sender: 'SENDERID      ', senderQualifier: 'ZZ' } }).replace(
        'SENDERID       ',
        'SENDERID      ',
      ),
    );
    expect(codes(r)).toEqual(['isa-sender:TA105:006']);
    expect(r.issues[0]).toMatchObject({
      level: 'interchange',
      elementPosition: 6,
      offset: 0,
      segmentIndex: 0,
    });
    expect(r.interchanges[0]!.status).toBe('rejected');
    const trimmed = validateX12(
      isa({}, true) + gs() + set('850', '0001', PO_BODY) + 'GE*1*7~IEA*1*000000101~',
    );
    expect(codes(trimmed)).toEqual([
      'isa-authorization:TA105:011',
      'isa-security:TA105:013',
      'isa-sender:TA105:006',
      'isa-receiver:TA105:008',
    ]);
  });

  it.each([
    [{ authQualifier: '09' }, 'isa-authorization-qualifier:TA105:010'],
    [{ securityQualifier: '02' }, 'isa-security-qualifier:TA105:012'],
    [{ senderQualifier: '  ' }, 'isa-sender-qualifier:TA105:005'],
    [{ receiverQualifier: 'z!' }, 'isa-receiver-qualifier:TA105:007'],
    [{ sender: '' }, 'isa-sender:TA105:006'],
    [{ receiver: '' }, 'isa-receiver:TA105:008'],
    [{ date: '240231' }, 'isa-date:TA105:014'],
    [{ time: '2460' }, 'isa-time:TA105:015'],
    [{ version: '0050A' }, 'isa-version:TA105:017'],
    [{ control: '00000010A' }, 'isa-control-number:TA105:018'],
    [{ ackRequested: '2' }, 'isa-ack-requested:TA105:019'],
    [{ usage: 'X' }, 'isa-usage:TA105:020'],
    [{ component: '*' }, 'isa-component-separator:TA105:027'],
    [{ isa11: ':' }, 'isa-repetition-separator:TA105:026'],
    [{ isa11: '^', version: '00401' }, 'isa-standards-id:TA105:016'],
  ])('rejects ISA %o', (fields, expected) => {
    const control = (fields as { control?: string }).control ?? '000000101';
    const r = validateX12(po({ isa: fields, trailer: `GE*1*7~IEA*1*${control}~` }));
    expect(codes(r)).toEqual([expected]);
  });

  it.each([
    ['NUL', '\u0000'],
    ['SOH', '\u0001'],
    ['DEL', '\u007f'],
    ['a tab', '\t'],
  ])('rejects %s inside ISA02, ISA04, ISA06 or ISA08 (011, 013, 006, 008): no X12 character', (_n, c) => {
    const at = (fields: Parameters<typeof isa>[0]) => codes(validateX12(po({ isa: fields })));
    expect(at({ auth: `AB${c}C` })).toEqual(['isa-authorization:TA105:011']);
    expect(at({ security: `AB${c}C` })).toEqual(['isa-security:TA105:013']);
    expect(at({ sender: `SUP${c}PLIER` })).toEqual(['isa-sender:TA105:006']);
    expect(at({ receiver: `BUY${c}ER` })).toEqual(['isa-receiver:TA105:008']);
    // One finding per element, also when the id is blank as well.
    expect(at({ sender: c })).toEqual(['isa-sender:TA105:006']);
    expect(validateX12(po({ isa: { sender: `SUP${c}PLIER` } })).interchanges[0]!.status).toBe('rejected');
  });

  it('notes but accepts an invalid ISA date (TA104 E) and accepts 29 February', () => {
    expect(validateX12(po({ isa: { date: '240229' } })).issues).toEqual([]);
    const r = validateX12(po({ isa: { date: '230229' } }));
    expect(codes(r)).toEqual(['isa-date:TA105:014']);
    expect(r.interchanges[0]!.status).toBe('accepted-with-errors');
  });

  it('answers an unsupported interchange version with 003', () => {
    const r = validateX12(validPo(), { interchangeVersions: ['00401'] });
    expect(codes(r)).toEqual(['isa-version-unsupported:TA105:003']);
  });

  it('rejects an ISA12 that is no I11 version (017), found by the corpus: "00000", "00040"', () => {
    for (const version of ['00000', '00040', '01401', '00411']) {
      const r = validateX12(po({ isa: { version, isa11: 'U' }, gs: { version: '004010' } }));
      expect(codes(r), version).toEqual(['isa-version:TA105:017']);
      expect(r.interchanges[0]!.status).toBe('rejected');
    }
    for (const version of ['00200', '00204', '00300', '00307', '00401', '00406', '00501', '00801']) {
      const isa11 = Number(version) >= 402 ? '^' : 'U';
      expect(codes(validateX12(po({ isa: { version, isa11 } }))), version).toEqual([]);
    }
    // An ISA12 that is no version at all is not also "unsupported".
    const r = validateX12(po({ isa: { version: '00000', isa11: 'U' } }), { interchangeVersions: ['00401'] });
    expect(codes(r)).toEqual(['isa-version:TA105:017']);
  });

  it('warns on ISA11 "U" in a 00402+ interchange and reads no repetition separator', () => {
    const r = validateX12(po({ isa: { isa11: 'U', version: '00403' } }));
    expect(r.issues.map((i) => [i.kind, i.severity])).toEqual([['isa-repetition-separator', 'warning']]);
    expect(r.interchanges[0]!.status).toBe('accepted');
    expect(r.interchanges[0]!.delimiters.repetition).toBeUndefined();
  });

  it('checks IEA01 and IEA02 (021, 001)', () => {
    const r = validateX12(po({ trailer: 'GE*1*7~IEA*2*3438~' }));
    expect(codes(r)).toEqual(['iea-group-count:TA105:021', 'iea-control-mismatch:TA105:001']);
    expect(r.issues[1]).toMatchObject({ segmentIndex: 9, controlNumbers: { interchange: '000000101' } });
    expect(r.interchanges[0]!.status).toBe('rejected');
  });

  it('reports premature end of data at every open level (023, AK905 3, AK502 2)', () => {
    const text = isa() + gs() + 'ST*850*0001~BEG*00*SA*1**20240131~';
    const r = validateX12(text);
    expect(codes(r)).toEqual(['se-missing:AK502:2', 'ge-missing:AK905:3', 'iea-missing:TA105:023']);
    expect(r.issues[2]).toMatchObject({ offset: text.length, segmentIndex: 4 });
    const g = r.interchanges[0]!.groups[0]!;
    expect(g.status).toBe('rejected');
    expect(g.sets[0]!.status).toBe('rejected');
  });

  it('checks GS fields (AK905 1, 2, 6, 7, 8, 9, 30, 31)', () => {
    const r = validateX12(
      po({
        gs: {
          functionalId: 'P1',
          sender: 'S',
          receiver: 'R'.repeat(16),
          date: '20240230',
          time: '1261',
          control: 'A7',
          agency: 'Q',
          version: 'V5',
        },
        trailer: 'GE*1*A7~IEA*1*000000101~',
      }),
    );
    expect(codes(r)).toEqual([
      'gs-functional-id:AK905:1',
      'gs-sender:AK905:7',
      'gs-receiver:AK905:8',
      'gs-date:AK905:30',
      'gs-time:AK905:31',
      'gs-control-number:AK905:6',
      'gs-agency:AK905:9',
      'gs-version:AK905:2',
      'ge-control-number:AK905:6',
    ]);
  });

  it('rejects a GS02 / GS03 with a control character or only spaces (AK905 7 / 8)', () => {
    expect(codes(validateX12(po({ gs: { sender: 'SUP\u0000PLIER' } })))).toEqual(['gs-sender:AK905:7']);
    expect(codes(validateX12(po({ gs: { receiver: 'BUY\u007fER' } })))).toEqual(['gs-receiver:AK905:8']);
    const blank = validateX12(po({ gs: { receiver: '   ' } }));
    expect(codes(blank)).toEqual(['gs-receiver:AK905:8']);
    expect(blank.issues[0]!.message).toBe('GS03 application receiver code is blank');
    expect(blank.interchanges[0]!.groups[0]!.status).toBe('rejected');
  });

  it('rejects a group whose GS03 is not ours when asked: AK905 8 in 005010, no code in 004010', () => {
    const ours = (code: string) => code === 'BUYER';
    expect(codes(validateX12(po(), { isApplicationReceiver: ours }))).toEqual([]);
    const r = validateX12(po({ gs: { receiver: 'OTHERAPP' } }), { isApplicationReceiver: ours });
    expect(codes(r)).toEqual(['gs-receiver-unknown:AK905:8']);
    expect(r.issues[0]).toMatchObject({
      segmentId: 'GS',
      elementPosition: 3,
      badValue: 'OTHERAPP',
      message: 'GS03 "OTHERAPP" is not one of our application receiver codes',
    });
    expect(r.interchanges[0]!.groups[0]!.status).toBe('rejected');
    expect(r.interchanges[0]!.status).toBe('accepted');
    // 004010's AK905 has no 8 (ACK-CODES.md): the group is rejected all the same, without a code.
    const old = validateX12(po({ isa: v4.isa, gs: { ...v4.gs, receiver: 'OTHERAPP' } }), {
      isApplicationReceiver: ours,
    });
    expect(codes(old)).toEqual(['gs-receiver-unknown:AK905:-']);
    expect(old.interchanges[0]!.groups[0]!.status).toBe('rejected');
    // A GS03 that is no valid code at all is told as such, not as "not ours".
    expect(codes(validateX12(po({ gs: { receiver: 'R' } }), { isApplicationReceiver: ours }))).toEqual([
      'gs-receiver:AK905:8',
    ]);
  });

  it('accepts HHMMSS and HHMMSSdd group times and rejects seconds 97', () => {
    expect(validateX12(po({ gs: { time: '123059' } })).issues).toEqual([]);
    expect(validateX12(po({ gs: { time: '12305912' } })).issues).toEqual([]);
    expect(codes(validateX12(po({ gs: { time: '102497' } })))).toEqual(['gs-time:AK905:31']);
  });

  it('uses the 004010 lists for a 004010 group: no code for a bad GS date or a duplicate GS06', () => {
    const group = gs({ version: '004010', date: '2024013' }) + set('850', '0001', PO_BODY) + 'GE*1*7~';
    const r = validateX12(isa(v4.isa) + group + group + 'IEA*2*000000101~');
    expect(codes(r)).toEqual(['gs-date:AK905:-', 'gs-date:AK905:-', 'gs-control-duplicate:AK905:-']);
    expect(r.interchanges[0]!.groups.map((g) => g.status)).toEqual(['accepted-with-errors', 'rejected']);
    expect(r.interchanges[0]!.groups[0]!.codeVersion).toBe('004010');
  });

  it('accepts a 6-digit GS04 before 004010', () => {
    const r = validateX12(
      po({ isa: { version: '00300', isa11: 'U' }, gs: { version: '003010', date: '240131' } }),
    );
    expect(r.issues).toEqual([]);
  });

  it('flags a duplicate GS06 (AK905 19 in 005010)', () => {
    const group = gs() + set('850', '0001', PO_BODY) + 'GE*1*7~';
    const r = validateX12(isa() + group + group + 'IEA*2*000000101~');
    expect(codes(r)).toEqual(['gs-control-duplicate:AK905:19']);
  });

  it('checks GE01 and GE02 (AK905 5, 4)', () => {
    const r = validateX12(po({ trailer: 'GE*2*8~IEA*1*000000101~' }));
    expect(codes(r)).toEqual(['ge-set-count:AK905:5', 'ge-control-mismatch:AK905:4']);
    expect(r.issues[0]).toMatchObject({
      level: 'group',
      controlNumbers: { interchange: '000000101', group: '7' },
    });
  });

  it('checks GE02 syntax like GS06 (AK905 6), found by the corpus: a garbage GE02 is 4 and 6', () => {
    const r = validateX12(po({ trailer: 'GE*1*<TOO_LONG_AND_NOT_NUMERIC>~IEA*1*000000101~' }));
    expect(codes(r)).toEqual(['ge-control-mismatch:AK905:4', 'ge-control-number:AK905:6']);
    expect(r.issues[1]).toMatchObject({
      level: 'group',
      segmentId: 'GE',
      elementPosition: 2,
      segmentIndex: 8,
    });
    expect(r.interchanges[0]!.groups[0]!.status).toBe('rejected');
    // Ten digits: too long even when GS06 says the same.
    const long = validateX12(
      po({ gs: { control: '1234567890' }, trailer: 'GE*1*1234567890~IEA*1*000000101~' }),
    );
    expect(codes(long)).toEqual(['gs-control-number:AK905:6', 'ge-control-number:AK905:6']);
  });

  it('checks SE01 and SE02 (AK502 4, 3)', () => {
    const r = validateX12(po({ sets: set('850', '0001', PO_BODY, { count: '7', seControl: '0002' }) }));
    expect(codes(r)).toEqual(['se-segment-count:AK502:4', 'se-control-mismatch:AK502:3']);
    expect(r.issues[0]).toMatchObject({
      level: 'set',
      controlNumbers: { set: '0001', group: '7' },
      segmentIndex: 7,
    });
    expect(r.interchanges[0]!.groups[0]!.status).toBe('rejected');
  });

  it('reports ST/SE element errors as segment-level data (AK4 1, 3, 4, 5, 6)', () => {
    const sets =
      'ST*850*12~BEG*00~SE*3*12~' +
      'ST*850*0002*X*EXTRA~SE*2*0002~' +
      'ST*850~SE*2~' +
      'ST*850*0004~SE*X2*0004~' +
      'ST*850*1234567890~SE*2*1234567890~';
    const r = validateX12(po({ sets, trailer: 'GE*5*7~IEA*1*000000101~' }));
    expect(codes(r)).toEqual([
      'element-too-short:AK403:4',
      'st-control-number:AK502:7',
      'element-too-short:AK403:4',
      'set-segment-errors:AK502:5',
      'element-too-many:AK403:3',
      'set-segment-errors:AK502:5',
      'element-missing:AK403:1',
      'st-control-number:AK502:7',
      'element-missing:AK403:1',
      'set-segment-errors:AK502:5',
      'element-invalid-character:AK403:6',
      'se-segment-count:AK502:4',
      'set-segment-errors:AK502:5',
      'element-too-long:AK403:5',
      'st-control-number:AK502:7',
      'element-too-long:AK403:5',
      'set-segment-errors:AK502:5',
    ]);
    const set1 = r.interchanges[0]!.groups[0]!.sets[0]!;
    expect(set1.segmentIssues[1]).toMatchObject({
      segmentId: 'SE',
      segmentPosition: 3,
      elementPosition: 2,
      elementReference: '329',
    });
  });

  it('checks ST01 against GS01 and the supported-set hook (AK502 6, 1)', () => {
    const sets = set('856', '0001', ['BSN*00*1*20240131*1200']) + set('850', '0002', PO_BODY);
    const r = validateX12(po({ sets, trailer: 'GE*2*7~IEA*1*000000101~' }), {
      isSetSupported: ({ setId }) => setId !== '850',
    });
    expect(codes(r)).toEqual(['st-functional-group-mismatch:AK502:6', 'set-not-supported:AK502:1']);
    expect(r.interchanges[0]!.groups[0]!.status).toBe('rejected');
  });

  it('flags duplicate ST02 in a group (AK502 23) and gives partial acceptance (AK901 P)', () => {
    const sets = set('850', '0001', PO_BODY) + set('850', '0001', PO_BODY);
    const r = validateX12(po({ sets, trailer: 'GE*2*7~IEA*1*000000101~' }));
    expect(codes(r)).toEqual(['st-control-duplicate:AK502:23']);
    expect(r.interchanges[0]!.groups[0]!.status).toBe('partially-accepted');
  });

  it('flags an unrecognized segment id inside a set (AK304 1) and an interchange segment in a set (AK304 2)', () => {
    const r = validateX12(
      validPo({ body: ['BEG*00*SA*1**20240131', 'b3g*1', 'TOOLONG*1', 'TA1*1', 'CTT*1'] }),
    );
    expect(codes(r)).toEqual([
      'segment-id-unrecognized:AK304:1',
      'segment-id-unrecognized:AK304:1',
      'segment-unexpected:AK304:2',
      'set-segment-errors:AK502:5',
    ]);
    expect(r.issues[0]).toMatchObject({ segmentId: 'b3g', segmentPosition: 3, level: 'segment' });
  });

  it('rejects control-structure errors (TA105 022, 024)', () => {
    const r = validateX12(
      isa() +
        'N1*ST*X~' +
        'ST*850*0001~SE*2*0001~' +
        gs() +
        'N1*X~' +
        set('850', '0001', PO_BODY) +
        'SE*1*1~GE*1*7~GE*0*8~IEA*1*000000101~',
    );
    expect(codes(r)).toEqual([
      'interchange-content:TA105:024',
      'interchange-structure:TA105:022',
      'interchange-content:TA105:024',
      'interchange-structure:TA105:022',
      'interchange-structure:TA105:022',
    ]);
    expect(r.interchanges[0]!.status).toBe('rejected');
  });

  it('accepts TA1, ISB and ISE between ISA and GS, and counts TA1s', () => {
    const r = validateX12(isa() + 'TA1*000000001*240131*1200*A*000~ISB*1~ISE*1~' + 'IEA*0*000000101~');
    expect(r.issues).toEqual([]);
    expect(r.interchanges[0]!.ta1Count).toBe(1);
  });

  it('reports segments outside any interchange, junk and a cut ISA as stream issues', () => {
    const r = validateX12('JUNK\n' + validPo() + 'GS*PO*A*B*20240131*1200*1*X*005010~' + isa().slice(0, 50));
    expect(codes(r)).toEqual([
      'junk-outside-interchange:TA105:024',
      'segment-outside-interchange:TA105:024',
      'isa-unreadable:TA105:024',
    ]);
    expect(r.streamIssues).toHaveLength(3);
    expect(r.interchanges).toHaveLength(1);
    expect(r.interchanges[0]!.status).toBe('accepted');
  });

  it('answers unusable delimiters with 004 and resumes at the next ISA', () => {
    const r = validateX12(isa({ terminator: 'G' }) + 'S*PO~IEA*0*000000101~' + validPo());
    expect(codes(r)).toEqual(['isa-delimiters-unusable:TA105:004']);
    expect(r.interchanges.map((i) => [i.status, i.readable])).toEqual([
      ['rejected', false],
      ['accepted', true],
    ]);
  });

  it('answers a terminator equal to ISA16 with 004 and 027', () => {
    const r = validateX12(isa({ component: '~' }) + 'IEA*0*000000101~');
    expect(codes(r)).toEqual(['isa-component-separator:TA105:027', 'isa-terminator:TA105:004']);
  });

  it('closes an interchange without IEA when the next ISA arrives', () => {
    const first = isa() + gs() + set('850', '0001', PO_BODY) + 'GE*1*7~';
    const r = validateX12(first + validPo({ isa: { control: '000000102' } }));
    expect(codes(r)).toEqual(['iea-missing:TA105:023']);
    expect(r.issues[0]).toMatchObject({ offset: first.length, controlNumbers: { interchange: '000000101' } });
  });

  it('notes an unterminated last segment as a warning only', () => {
    const r = validateX12(validPo().replace(/~$/, ''));
    expect(r.issues.map((i) => [i.kind, i.severity])).toEqual([['unterminated-segment', 'warning']]);
    expect(r.interchanges[0]!.status).toBe('accepted');
  });

  it('delivers envelope events in order, with context', async () => {
    const events: string[] = [];
    await readX12Stream([Buffer.from(validPo())], {
      startInterchange: (i) => events.push(`ISA ${i.controlNumber}`),
      startGroup: (g) => events.push(`GS ${g.controlNumber}`),
      startSet: (s) => events.push(`ST ${s.controlNumber}`),
      segment: (v, c) => {
        if (c.set && c.positionInSet > 1 && v.id !== 'SE') events.push(`${c.positionInSet}:${v.id}`);
      },
      endSet: (s) => events.push(`SE ${s.status}`),
      endGroup: (g) => events.push(`GE ${g.status}`),
      endInterchange: (i) => events.push(`IEA ${i.status}`),
    });
    expect(events).toEqual([
      'ISA 000000101',
      'GS 7',
      'ST 0001',
      '2:BEG',
      '3:N1',
      '4:PO1',
      '5:CTT',
      'SE accepted',
      'GE accepted',
      'IEA accepted',
    ]);
  });

  it('caps kept issues without losing statuses', () => {
    const body = Array.from({ length: 50 }, () => 'x1*1');
    const r = readX12(validPo({ body }), {}, { maxIssues: 10 });
    expect(r.issues).toHaveLength(10);
    expect(r.suppressedIssues).toBe(41);
    expect(r.interchanges[0]!.groups[0]!.sets[0]!.status).toBe('rejected');
  });
});
