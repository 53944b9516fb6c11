import { describe, expect, it } from 'vitest';
import { EdiError } from '../core/edi-error.js';
import { buildTa1, buildX12Acknowledgment, type X12AckOptions, type X12AckResult } from './ack-builder.js';
import { gs, isa, PO_BODY, set, validPo } from './fixtures/build.js';
import { x12ReadOptions } from './grammar/index.js';
import { readX12, validateX12 } from './reader.js';
import type { X12InterchangeResult, X12Issue } from './result.js';

function options(extra: Partial<X12AckOptions> = {}): X12AckOptions & { calls: string[] } {
  const calls: string[] = [];
  let n = 0;
  return {
    calls,
    nextControlNumber: (kind) => {
      calls.push(kind);
      return ++n;
    },
    now: new Date(Date.UTC(2024, 1, 2, 9, 5)),
    lineBreak: '\n',
    ...extra,
  };
}

function first(text: string): X12InterchangeResult {
  return validateX12(text).interchanges[0]!;
}

function textOf(result: X12AckResult): string {
  if (result.kind !== 'ack') throw new Error(`expected an ack, got ${result.kind}: ${result.reason}`);
  return result.text;
}

/** The lines of an ack that carry codes (TA1, AK3/AK4/AK5/AK9 and 999 equivalents). */
function codeLines(result: X12AckResult): string[] {
  return textOf(result)
    .split('\n')
    .filter((l) => /^(TA1|AK3|AK4|AK5|AK9|IK3|IK4|IK5|CTX)/.test(l));
}

/** Element separator, ISA11, ISA16 and terminator of an acknowledgment (its ISA is fixed-width). */
const delimitersOf = (text: string): string[] => [text[3]!, text[82]!, text[104]!, text[105]!];

const ISA_OUT = 'ISA*00*          *00*          *ZZ*BUYER          *ZZ*SUPPLIER       *240202*0905*^*00501*';

describe('997 / 999 / TA1 builders', () => {
  it('golden: TA1 and 997 for an accepted interchange that asked for a TA1', () => {
    const opts = options();
    const ack = buildX12Acknowledgment(first(validPo({ isa: { ackRequested: '1' } })), opts);
    expect(textOf(ack)).toBe(
      [
        `${ISA_OUT}000000001*0*P*:~`,
        'TA1*000000101*240131*1230*A*000~',
        'GS*FA*BUYER*SUPPLIER*20240202*0905*2*X*005010~',
        'ST*997*0003~',
        'AK1*PO*7*005010~',
        'AK2*850*0001~',
        'AK5*A~',
        'AK9*A*1*1*1~',
        'SE*6*0003~',
        'GE*1*2~',
        'IEA*1*000000001~',
        '',
      ].join('\n'),
    );
    expect(opts.calls).toEqual(['interchange', 'group', 'set']);
    expect(ack.kind === 'ack' && ack.acknowledgedGroups).toEqual(['7']);
  });

  it('golden: 997 with AK3/AK4 segment and element notes, AK5 codes and AK9 counts', () => {
    const text =
      isa() +
      gs() +
      set('850', '0001', ['BEG*00*SA*1**20240131', 'b3g*1', 'CTT*1'], { count: '9' }) +
      'ST*850*12~BEG*00~SE*3*12~' +
      set('850', '0003', PO_BODY) +
      'GE*2*7~IEA*1*000000101~';
    const ack = buildX12Acknowledgment(first(text), options());
    expect(textOf(ack)).toBe(
      [
        `${ISA_OUT}000000001*0*P*:~`,
        'GS*FA*BUYER*SUPPLIER*20240202*0905*2*X*005010~',
        'ST*997*0003~',
        'AK1*PO*7*005010~',
        'AK2*850*0001~',
        'AK3*b3g*3**1~',
        'AK5*R*4*5~',
        'AK2*850*12~',
        'AK3*ST*1**8~',
        'AK4*2*329*4*12~',
        'AK3*SE*3**8~',
        'AK4*2*329*4*12~',
        'AK5*R*7*5~',
        'AK2*850*0003~',
        // The group is rejected (GE01 says 2, it holds 3), so no set of it is accepted.
        'AK5*R~',
        'AK9*R*2*3*0*5~',
        'SE*15*0003~',
        'GE*1*2~',
        'IEA*1*000000001~',
        '',
      ].join('\n'),
    );
  });

  it('golden: 999 with IK3/IK4/IK5 and CTX from findings that carry context', () => {
    const ic = first(validPo());
    const set0 = ic.groups[0]!.sets[0]!;
    const base = {
      severity: 'error',
      offset: 0,
      segmentIndex: 4,
      controlNumbers: {},
      segmentId: 'N1',
      segmentPosition: 3,
    } as const;
    const segment: X12Issue = {
      ...base,
      level: 'segment',
      kind: 'segment-unexpected',
      codeList: 'AK304',
      code: '2',
      message: 'test',
      loopId: 'N1',
      context: [{ name: 'SITUATIONAL TRIGGER', segmentId: 'BEG', segmentPosition: 2, elementPosition: 3 }],
    };
    const element: X12Issue = {
      ...base,
      level: 'element',
      kind: 'element-invalid-code',
      codeList: 'AK403',
      code: '7',
      message: 'test',
      elementPosition: 1,
      elementReference: '98',
      badValue: 'S*T~',
      context: [{ name: 'PO', reference: 'PO-1001' }],
    };
    set0.segmentIssues.push(segment, element);
    set0.issues.push({
      ...base,
      level: 'set',
      kind: 'set-segment-errors',
      codeList: 'AK502',
      code: '5',
      message: 'test',
    });
    set0.status = 'rejected';
    ic.groups[0]!.status = 'rejected';
    const ack = buildX12Acknowledgment(ic, options({ type: '999' }));
    expect(textOf(ack)).toBe(
      [
        `${ISA_OUT}000000001*0*P*:~`,
        'GS*FA*BUYER*SUPPLIER*20240202*0905*2*X*005010X231A1~',
        'ST*999*0003*005010X231A1~',
        'AK1*PO*7*005010~',
        'AK2*850*0001~',
        'IK3*N1*3*N1*2~',
        'CTX*SITUATIONAL TRIGGER*BEG*2**3~',
        'IK4*1*98*7*ST~',
        'CTX*PO:PO-1001~',
        'IK5*R*5~',
        'AK9*R*1*1*0~',
        'SE*10*0003~',
        'GE*1*2~',
        'IEA*1*000000001~',
        '',
      ].join('\n'),
    );
  });

  it('IK4 for too many components: C030-02 names the first surplus one, IK404 holds no delimiter of the 999', () => {
    // CTP05 (C001) defines 15 components; the 16th is surplus. X12 C030: 01 element position, 02 component
    // position, 03 repetition. A copy of bad data cannot be released in X12 (no release character before
    // 007040): the acknowledgment's own separators ("|" and ">" here, data inbound) are dropped from it.
    const ctp = 'CTP**RES*9.5*10*EA:1:2:3:4:5:6:7:8:9:10:11:12:13:14:X|Y>Z';
    const body = ['BEG*00*SA*PO-1001**20240131', 'PO1*1*10*EA*9.5**BP*WIDGET-1', ctp, 'CTT*1'];
    const ic = readX12(validPo({ body }), {}, x12ReadOptions()).interchanges[0]!;
    const ack = buildX12Acknowledgment(
      ic,
      options({ type: '999', delimiters: { element: '|', component: '>' } }),
    );
    expect(codeLines(ack).filter((l) => l.startsWith('IK4'))).toEqual([
      'IK4|5>16|355|13|EA:1:2:3:4:5:6:7:8:9:10:11:12:13:14:XYZ~',
    ]);
  });

  it('IK404 for too many components copies the element as received, not with ":" put in for its separators', () => {
    // The interchange's component separator is ">", and ":" is data. AK404 is a copy of the bad element
    // (X12 DE 724), written with no character that would be a syntax error: the 999's own ">" is dropped.
    const ctp = 'CTP**RES*9.5*10*EA>1>2>3>4>5>6>7>8>9>10>11>12>13>14>X:Y';
    const body = ['BEG*00*SA*PO-1001**20240131', 'PO1*1*10*EA*9.5**BP*WIDGET-1', ctp, 'CTT*1'];
    const text = isa({ component: '>' }) + gs() + set('850', '0001', body) + 'GE*1*7~IEA*1*000000101~';
    const ic = readX12(text, {}, x12ReadOptions()).interchanges[0]!;
    expect(
      codeLines(buildX12Acknowledgment(ic, options({ type: '999' }))).filter((l) => l.startsWith('IK4')),
    ).toEqual(['IK4*5>16*355*13*EA1234567891011121314X:Y~']);
  });

  it('answers a rejected interchange with a TA1 alone (TA104 R), even without ISA14 = 1', () => {
    const ack = buildX12Acknowledgment(
      first(validPo().replace('IEA*1*000000101', 'IEA*1*000000102')),
      options(),
    );
    expect(textOf(ack)).toBe(
      [`${ISA_OUT}000000001*0*P*:~`, 'TA1*000000101*240131*1230*R*001~', 'IEA*0*000000001~', ''].join('\n'),
    );
  });

  it.each([
    [
      'IEA02 mismatch',
      validPo().replace('IEA*1*000000101', 'IEA*1*000000102'),
      'TA1*000000101*240131*1230*R*001~',
    ],
    ['terminator unusable', isa({ terminator: 'G' }) + 'S*PO~', 'TA1*000000101*240131*1230*R*004~'],
    ['sender qualifier', validPo({ isa: { senderQualifier: '!!' } }), 'TA1*000000101*240131*1230*R*005~'],
    [
      'sender id width',
      validPo({ isa: { sender: 'SUPPLIER' } }).replace('SUPPLIER       ', 'SUPPLIER'),
      'TA1*000000101*240131*1230*R*006~',
    ],
    ['receiver qualifier', validPo({ isa: { receiverQualifier: '!!' } }), 'TA1*000000101*240131*1230*R*007~'],
    ['receiver id', validPo({ isa: { receiver: '' } }), 'TA1*000000101*240131*1230*R*008~'],
    [
      'authorization qualifier',
      validPo({ isa: { authQualifier: '99' } }),
      'TA1*000000101*240131*1230*R*010~',
    ],
    [
      'authorization width',
      validPo().replace('*00*          *00', '*00*         *00'),
      'TA1*000000101*240131*1230*R*011~',
    ],
    ['security qualifier', validPo({ isa: { securityQualifier: '07' } }), 'TA1*000000101*240131*1230*R*012~'],
    // An invalid ISA09 / ISA10 is not echoed (TA102 is DT, TA103 TM): the TA1's own date / time instead.
    ['date', validPo({ isa: { date: '241301' } }), 'TA1*000000101*240202*1230*E*014~'],
    ['time', validPo({ isa: { time: '9999' } }), 'TA1*000000101*240131*0905*E*015~'],
    ['standards id', validPo({ isa: { version: '00401', isa11: 'X' } }), 'TA1*000000101*240131*1230*R*016~'],
    ['version', validPo({ isa: { version: 'ABCDE' } }), 'TA1*000000101*240131*1230*R*017~'],
    ['ack requested', validPo({ isa: { ackRequested: 'Y' } }), 'TA1*000000101*240131*1230*R*019~'],
    ['usage', validPo({ isa: { usage: 'Q' } }), 'TA1*000000101*240131*1230*R*020~'],
    ['group count', validPo().replace('IEA*1', 'IEA*3'), 'TA1*000000101*240131*1230*E*021~'],
    ['structure', isa() + 'ST*850*0001~SE*2*0001~IEA*0*000000101~', 'TA1*000000101*240131*1230*R*022~'],
    ['premature end', isa() + gs(), 'TA1*000000101*240131*1230*R*023~'],
    ['content', isa() + 'N1*X~IEA*0*000000101~', 'TA1*000000101*240131*1230*R*024~'],
    ['repetition separator', validPo({ isa: { isa11: ':' } }), 'TA1*000000101*240131*1230*R*026~'],
    ['component separator', validPo({ isa: { component: 'A' } }), 'TA1*000000101*240131*1230*R*027~'],
  ] as const)('TA105 for %s', (_name, text, line) => {
    const ic = first(text);
    const ack = buildX12Acknowledgment(ic, options({ ta1: 'always' }));
    expect(codeLines(ack)[0]).toBe(line);
  });

  it('answers an unsupported interchange version with TA105 003', () => {
    const ic = validateX12(validPo(), { interchangeVersions: ['00401'] }).interchanges[0]!;
    expect(codeLines(buildX12Acknowledgment(ic, options()))).toEqual(['TA1*000000101*240131*1230*R*003~']);
  });

  it('answers control number 018 with TA101 000000000, not the invalid ISA13 (TA101 is N0 9/9)', () => {
    const ic = first(
      validPo({ isa: { control: '00000A101' } }).replace('IEA*1*000000101', 'IEA*1*00000A101'),
    );
    expect(buildTa1(ic, options().now)).toEqual({
      controlNumber: '000000000',
      date: '240131',
      time: '1230',
      status: 'R',
      noteCode: '018',
    });
  });

  it.each([
    ['a date that is no YYMMDD', { date: '26-11-' }, { date: '240202', time: '1230' }],
    ['month 00 (zeros are no date)', { date: '000000' }, { date: '240202', time: '1230' }],
    ['a time that is no HHMM', { time: '2460' }, { date: '240131', time: '0905' }],
    ['both', { date: '241301', time: '12.3' }, { date: '240202', time: '0905' }],
  ] as const)('writes TA102 / TA103 of its own for %s, never an invalid echo', (_name, fields, expected) => {
    const ic = first(validPo({ isa: fields }));
    expect(buildTa1(ic, options().now)).toMatchObject(expected);
  });

  it.each([
    [
      'GE missing',
      isa() + gs() + set('850', '0001', PO_BODY) + 'IEA*1*000000101~',
      ['AK5*R~', 'AK9*R*1*1*0*3~'],
    ],
    ['GE02 mismatch', validPo().replace('GE*1*7', 'GE*1*8'), ['AK5*R~', 'AK9*R*1*1*0*4~']],
    ['GE01 mismatch', validPo().replace('GE*1*7', 'GE*4*7'), ['AK5*R~', 'AK9*R*4*1*0*5~']],
    [
      'GS06 syntax',
      validPo({ gs: { control: 'X' } }).replace('GE*1*7', 'GE*1*X'),
      ['AK5*R~', 'AK9*R*1*1*0*6~'],
    ],
    ['GS02', validPo({ gs: { sender: 'S' } }), ['AK5*R~', 'AK9*R*1*1*0*7~']],
    ['GS03', validPo({ gs: { receiver: 'R' } }), ['AK5*R~', 'AK9*R*1*1*0*8~']],
    ['GS07', validPo({ gs: { agency: 'Z' } }), ['AK5*R~', 'AK9*R*1*1*0*9~']],
    ['GS04', validPo({ gs: { date: '20241301' } }), ['AK5*A~', 'AK9*E*1*1*1*30~']],
    ['GS05', validPo({ gs: { time: '2400' } }), ['AK5*A~', 'AK9*E*1*1*1*31~']],
    ['SE missing', isa() + gs() + 'ST*850*0001~BEG*00~GE*1*7~IEA*1*000000101~', ['AK5*R*2~', 'AK9*R*1*1*0~']],
    ['SE02 mismatch', validPo().replace('SE*6*0001', 'SE*6*0002'), ['AK5*R*3~', 'AK9*R*1*1*0~']],
    ['SE01 mismatch', validPo().replace('SE*6*0001', 'SE*5*0001'), ['AK5*R*4~', 'AK9*R*1*1*0~']],
    ['ST01 vs GS01', validPo({ gs: { functionalId: 'IN' } }), ['AK5*R*6~', 'AK9*R*1*1*0~']],
  ] as const)('AK5/AK9 codes for %s', (_name, text, lines) => {
    const ack = buildX12Acknowledgment(first(text), options());
    expect(codeLines(ack)).toEqual(lines);
  });

  it('emits AK905 1 and 2, AK502 1 and 23, and AK901 P', () => {
    const unsupported = validateX12(validPo(), {
      isGroupSupported: () => false,
      isSetSupported: () => false,
    });
    expect(codeLines(buildX12Acknowledgment(unsupported.interchanges[0]!, options()))).toEqual([
      'AK5*R*1~',
      'AK9*R*1*1*0*1~',
    ]);
    const badVersion = first(validPo({ gs: { version: 'X' } }));
    expect(codeLines(buildX12Acknowledgment(badVersion, options()))).toEqual(['AK5*R~', 'AK9*R*1*1*0*2~']);
    const dup = first(
      isa() + gs() + set('850', '0001', PO_BODY) + set('850', '0001', PO_BODY) + 'GE*2*7~IEA*1*000000101~',
    );
    expect(codeLines(buildX12Acknowledgment(dup, options()))).toEqual([
      'AK5*A~',
      'AK5*R*23~',
      'AK9*P*2*2*1~',
    ]);
  });

  it('answers a 004010 group with 004010 lists: no AK103/AK203, no code 19 for a duplicate GS06', () => {
    const group = gs({ version: '004010' }) + set('850', '0001', PO_BODY) + 'GE*1*7~';
    const ic = first(isa({ version: '00401', isa11: 'U' }) + group + group + 'IEA*2*000000101~');
    const lines = textOf(buildX12Acknowledgment(ic, options())).split('\n');
    expect(lines[0]).toBe(
      'ISA*00*          *00*          *ZZ*BUYER          *ZZ*SUPPLIER       *240202*0905*U*00401*000000001*0*P*:~',
    );
    expect(lines.filter((l) => /^(GS|AK1|AK2|AK9)/.test(l))).toEqual([
      'GS*FA*BUYER*SUPPLIER*20240202*0905*2*X*004010~',
      'AK1*PO*7~',
      'AK2*850*0001~',
      'AK9*A*1*1*1~',
      'GS*FA*BUYER*SUPPLIER*20240202*0905*4*X*004010~',
      'AK1*PO*7~',
      'AK2*850*0001~',
      'AK9*R*1*1*0~',
    ]);
  });

  it('never acknowledges an acknowledgment', () => {
    const fa =
      isa({ ackRequested: '0' }) +
      gs({ functionalId: 'FA' }) +
      set('997', '0001', ['AK1*PO*7', 'AK9*A*1*1*1']) +
      'GE*1*7~IEA*1*000000101~';
    expect(buildX12Acknowledgment(first(fa), options()).kind).toBe('none');
    const ta1Only = isa({ ackRequested: '1' }) + 'TA1*000000009*240131*1200*A*000~IEA*0*000000102~';
    // IEA02 does not match: rejected, yet a TA1 is never answered by a TA1.
    const ic = first(ta1Only);
    expect(ic.status).toBe('rejected');
    const opts = options();
    expect(buildX12Acknowledgment(ic, opts).kind).toBe('none');
    expect(opts.calls).toEqual([]);
    // A 997 interchange asking for a TA1 still gets the TA1, but no 997.
    const faTa1 = fa.replace('*0*P*:~', '*1*P*:~');
    expect(codeLines(buildX12Acknowledgment(first(faTa1), options()))).toEqual([
      'TA1*000000101*240131*1230*A*000~',
    ]);
  });

  it('answers sets that came in the wrong group: an 855 under GS01 FA, a 997 among purchase orders', () => {
    const ackBody = ['BAK*00*AD*PO1*20240131', 'PO1*1*10*EA*1.5**BP*X'];
    const mislabelled =
      isa() + gs({ functionalId: 'FA' }) + set('855', '0001', ackBody) + 'GE*1*7~IEA*1*000000101~';
    const ic = first(mislabelled);
    expect(ic.groups[0]!.sets[0]!.status).toBe('rejected');
    const lines = textOf(buildX12Acknowledgment(ic, options())).split('\n');
    expect(lines.filter((l) => /^(AK1|AK2|AK5|AK9)/.test(l))).toEqual([
      'AK1*FA*7*005010~',
      'AK2*855*0001~',
      expect.stringMatching(/^AK5\*R\*/),
      'AK9*R*1*1*0~',
    ]);
    const stray =
      isa() +
      gs() +
      set('850', '0001', PO_BODY) +
      set('997', '0002', ['AK1*PO*7', 'AK9*A*1*1*1']) +
      'GE*2*7~IEA*1*000000101~';
    const answer = textOf(buildX12Acknowledgment(first(stray), options())).split('\n');
    expect(answer).toContain('AK2*850*0001~');
    expect(answer).toContain('AK2*997*0002~');
  });

  it('rejects every set of a rejected group in AK5 and counts none accepted in AK904', () => {
    // GE01 says 2, the group holds one set: the group is rejected, so its set is not processed either.
    const ic = first(isa() + gs() + set('850', '0001', PO_BODY) + 'GE*2*7~IEA*1*000000101~');
    expect(ic.groups[0]!.status).toBe('rejected');
    expect(codeLines(buildX12Acknowledgment(ic, options()))).toEqual(['AK5*R~', 'AK9*R*2*1*0*5~']);
  });

  it("writes with the inbound interchange's delimiters, or explicit ones", () => {
    const pipe =
      isa({ element: '|', component: '>', terminator: '\n', isa11: 'U', version: '00401' }) +
      gs({ version: '004010' }, '|', '\n') +
      set('850', '0001', ['BEG|00|SA|1||20240131'], { e: '|', t: '\n' }) +
      'GE|1|7\nIEA|1|000000101\n';
    const ack = buildX12Acknowledgment(first(pipe), options({ lineBreak: '' }));
    expect(textOf(ack).split('\n').slice(1, 3)).toEqual([
      'GS|FA|BUYER|SUPPLIER|20240202|0905|2|X|004010',
      'ST|997|0003',
    ]);
    expect(textOf(ack).slice(103, 106)).toBe('|>\n');
    const explicit = buildX12Acknowledgment(
      first(pipe),
      options({ lineBreak: '', delimiters: { element: '+', segment: "'", component: ':' } }),
    );
    expect(textOf(explicit)).toContain("GS+FA+BUYER+SUPPLIER+20240202+0905+2+X+004010'");
  });

  it('uses the ellipsis terminator of the inbound interchange as a string', () => {
    const text = validPo().replace(/~/g, '\u2026\r\n');
    const ic = validateX12(Buffer.from(text, 'utf8')).interchanges[0]!;
    expect(ic.delimiters.segment).toBe('\u2026');
    expect(textOf(buildX12Acknowledgment(ic, options({ lineBreak: '' })))).toContain('AK9*A*1*1*1\u2026');
  });

  it('refuses delimiter conflicts and bad control numbers as caller errors', () => {
    const ic = first(validPo());
    expect(() => buildX12Acknowledgment(ic, options({ delimiters: { element: '~' } }))).toThrow(EdiError);
    expect(() => buildX12Acknowledgment(ic, { ...options(), nextControlNumber: () => 0 })).toThrow(
      /control number/,
    );
    const withStar = first(validPo({ gs: { sender: 'A+B' } }));
    expect(buildX12Acknowledgment(withStar, options({ delimiters: { element: '+' } })).kind).toBe(
      'unanswerable',
    );
  });

  it("answers a rejected interchange with its own delimiters when they are sound (TA105 018 under '|' '>')", () => {
    const rejected = first(
      isa({ element: '|', component: '>', control: 'ABC', terminator: '!' }) +
        gs({}, '|', '!') +
        set('850', '0001', ['BEG|00|SA|1||20240131'], { e: '|', t: '!' }) +
        'GE|1|7!IEA|1|000000101!',
    );
    expect(rejected.status).toBe('rejected');
    const ack = textOf(buildX12Acknowledgment(rejected, options({ lineBreak: '' })));
    expect(ack.slice(103, 106)).toBe('|>!');
    expect(ack.slice(106)).toBe('TA1|000000000|240131|1230|R|018!IEA|0|000000001!');
    // The agreed delimiters are only for interchanges whose own are unfit.
    const fallback = { element: '+', component: ':', repetition: '^', segment: "'" };
    expect(textOf(buildX12Acknowledgment(rejected, options({ fallbackDelimiters: fallback })))).toBe(
      textOf(buildX12Acknowledgment(rejected, options())),
    );
  });

  it('answers an interchange whose delimiters are what is wrong with it with the fallback, else ours', () => {
    // ISA11 ">" is its component separator too: TA105 026, and nothing says which ">" is which.
    const inbound = (fields: { sender?: string; receiver?: string }) =>
      first(
        isa({ element: '|', component: '>', isa11: '>', ...fields }) +
          gs({}, '|') +
          set('850', '0001', ['BEG|00|SA|1||20240131'], { e: '|' }) +
          'GE|1|7~IEA|1|000000101~',
      );
    const ic = inbound({});
    expect(ic.issues.map((i) => i.code)).toContain('026');
    const ours = textOf(buildX12Acknowledgment(ic, options({ lineBreak: '' })));
    expect(delimitersOf(ours)).toEqual(['*', '^', ':', '~']);
    const agreed = { element: '+', component: '<', repetition: '{', segment: "'" };
    const written = textOf(
      buildX12Acknowledgment(ic, options({ lineBreak: '', fallbackDelimiters: agreed })),
    );
    expect(delimitersOf(written)).toEqual(['+', '{', '<', "'"]);
    expect(written.slice(106)).toBe("TA1+000000101+240131+1230+R+026'IEA+0+000000001'");
    // Unfit fallbacks are passed over for ours: not distinct, or no byte in the interchange's Latin-1.
    for (const unfit of [
      { ...agreed, component: '+' },
      { ...agreed, segment: '\u2026' },
    ])
      expect(textOf(buildX12Acknowledgment(ic, options({ lineBreak: '', fallbackDelimiters: unfit })))).toBe(
        ours,
      );

    // An ISA id holding one of the delimiters written with is refused, never written corrupt: ":" is
    // data in its ISA06 / ISA08 under its own ">".
    const sender = inbound({ sender: 'SUP:PLIER' });
    expect(buildX12Acknowledgment(sender, options())).toEqual({
      kind: 'unanswerable',
      reason: 'ISA08 "SUP:PLIER" contains the component separator ":" of the acknowledgment',
    });
    expect(buildX12Acknowledgment(inbound({ receiver: 'BUY^ER' }), options())).toEqual({
      kind: 'unanswerable',
      reason: 'ISA06 "BUY^ER" contains the repetition separator "^" of the acknowledgment',
    });
    expect(buildX12Acknowledgment(inbound({ sender: 'SUP*PLIER' }), options())).toMatchObject({
      kind: 'unanswerable',
      reason: 'ISA08 "SUP*PLIER" contains the element separator "*" of the acknowledgment',
    });
    // With delimiters that the ids do not hold, the same TA1 is written.
    const other = buildX12Acknowledgment(sender, options({ delimiters: { component: '<' } }));
    expect(codeLines(other)).toEqual(['TA1*000000101*240131*1230*R*026~']);
  });

  it("refuses an ISA id holding the sender's own component separator (ISA06 is fixed-width data)", () => {
    const ic = first(validPo({ isa: { sender: 'SUP:PLIER', control: 'ABC' } }));
    expect(ic.status).toBe('rejected');
    expect(buildX12Acknowledgment(ic, options())).toEqual({
      kind: 'unanswerable',
      reason: 'ISA08 "SUP:PLIER" contains the component separator ":" of the acknowledgment',
    });
  });

  it('refuses a value echoed from a Latin-1 interchange that its encoding has no byte for', () => {
    // GS02's bytes C9 98 are valid UTF-8 and read as "ɘ"; the interchange itself is Latin-1 (a one-byte
    // terminator), which is how its 997 goes back.
    const ic = validateX12(Buffer.from(validPo({ gs: { sender: 'SUP\u0258LIER' } }), 'utf8'))
      .interchanges[0]!;
    expect(ic.encoding).toBe('latin1');
    expect(buildX12Acknowledgment(ic, options())).toEqual({
      kind: 'unanswerable',
      reason:
        'GS03 "SUP\u0258LIER" contains \u0258 (U+0258), which has no byte in ISO 8859-1, the encoding of the acknowledgment',
    });
    // In a UTF-8 interchange (a multi-byte terminator) the same value is written.
    const utf8 = Buffer.from(validPo({ gs: { sender: 'SUP\u0258LIER' } }).replace(/~/g, '\u2026'), 'utf8');
    const written = buildX12Acknowledgment(validateX12(utf8).interchanges[0]!, options());
    expect(textOf(written)).toContain('GS*FA*BUYER*SUP\u0258LIER*');
  });

  it("refuses a GS02 holding the acknowledgment's component separator (the FA group's GS03 echoes it)", () => {
    const ic = first(validPo({ gs: { sender: 'SUP>PLIER' } }));
    expect(buildX12Acknowledgment(ic, options({ delimiters: { component: '>' } }))).toEqual({
      kind: 'unanswerable',
      reason: 'GS03 "SUP>PLIER" contains the component separator ">" of the acknowledgment',
    });
  });

  it('writes the ISA05/ISA06 given instead of the inbound receiver (our own id for a misaddressed one)', () => {
    const ic = first(validPo({ isa: { receiver: 'SOMEONEELSE' } }));
    const isa = textOf(buildX12Acknowledgment(ic, options({ sender: { qualifier: '01', id: '081466849' } })))
      .split('\n')[0]!
      .split('*');
    expect(isa.slice(5, 9)).toEqual(['01', '081466849      ', 'ZZ', 'SUPPLIER       ']);
  });

  it.each([
    ['NUL', '\u0000'],
    ['SOH', '\u0001'],
    ['DEL', '\u007f'],
  ])('answers a %s in ISA06 / ISA08 with TA1 R 006 / 008, echoing no control character', (_n, c) => {
    const sender = buildX12Acknowledgment(first(validPo({ isa: { sender: `SUP${c}PLIER` } })), options());
    expect(textOf(sender)).toBe(
      [`${ISA_OUT}000000001*0*P*:~`, 'TA1*000000101*240131*1230*R*006~', 'IEA*0*000000001~', ''].join('\n'),
    );
    const receiver = buildX12Acknowledgment(first(validPo({ isa: { receiver: `BU${c}YER` } })), options());
    expect(codeLines(receiver)).toEqual(['TA1*000000101*240131*1230*R*008~']);
    expect(textOf(receiver).split('\n')[0]!.split('*').slice(5, 9)).toEqual([
      'ZZ',
      'BUYER          ',
      'ZZ',
      'SUPPLIER       ',
    ]);
  });

  it('answers a control character in GS02 with AK905 7, the 997 naming the sender without it', () => {
    const ack = buildX12Acknowledgment(first(validPo({ gs: { sender: 'SUP\u0001PLIER' } })), options());
    expect(codeLines(ack)).toEqual(['AK5*R~', 'AK9*R*1*1*0*7~']);
    expect(textOf(ack)).toContain('GS*FA*BUYER*SUPPLIER*');
  });

  it('answers a group whose GS03 is not ours from our own application code: AK905 8, or R alone in 004010', () => {
    const ours = { isApplicationReceiver: (code: string) => code === 'BUYER' };
    const opts = () => options({ applicationSender: 'OURAPP' });
    const v5 = validateX12(validPo({ gs: { receiver: 'OTHERAPP' } }), ours).interchanges[0]!;
    const ack5 = buildX12Acknowledgment(v5, opts());
    expect(codeLines(ack5)).toEqual(['AK5*R~', 'AK9*R*1*1*0*8~']);
    expect(textOf(ack5)).toContain('GS*FA*OURAPP*SUPPLIER*');
    const text4 = isa({ version: '00401', isa11: 'U' }) + gs({ version: '004010', receiver: 'OTHERAPP' });
    const v4 = validateX12(text4 + set('850', '0001', PO_BODY) + 'GE*1*7~IEA*1*000000101~', ours);
    const ack4 = buildX12Acknowledgment(v4.interchanges[0]!, opts());
    expect(codeLines(ack4)).toEqual(['AK5*R~', 'AK9*R*1*1*0~']);
    expect(textOf(ack4)).toContain('GS*FA*OURAPP*SUPPLIER*');
    // A group answered for other reasons still mirrors its GS03.
    expect(textOf(buildX12Acknowledgment(first(validPo()), opts()))).toContain('GS*FA*BUYER*SUPPLIER*');
  });

  it('keeps a test interchange a test interchange (ISA15)', () => {
    const ack = buildX12Acknowledgment(first(validPo({ isa: { usage: 'T' } })), options());
    expect(textOf(ack).split('\n')[0]).toMatch(/\*0\*T\*:~$/);
  });
});
