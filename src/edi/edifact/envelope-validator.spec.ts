import { describe, expect, it } from 'vitest';
import { DESADV_BODY, group, interchange, message, unb } from './fixtures/build.js';
import { parseEdifact, readEdifact, readEdifactStream, validateEdifact } from './reader.js';
import type { EdifactValidationResult } from './result.js';

/** Every finding as kind:code, errors only unless `all`. */
const codes = (r: EdifactValidationResult, all = false): string[] =>
  r.issues.filter((i) => all || i.severity === 'error').map((i) => `${i.kind}:${i.code ?? '-'}`);

describe('EDIFACT envelope validation', () => {
  it('accepts a valid interchange and builds the tree', () => {
    const r = validateEdifact(interchange({ unb: { ack: '1' } }));
    expect(r.issues).toEqual([]);
    const ic = r.interchanges[0]!;
    expect(ic).toMatchObject({ status: 'accepted', una: false, contrlCount: 0 });
    expect(ic.header).toMatchObject({
      syntaxId: 'UNOC',
      syntaxVersion: '3',
      sender: { id: 'NORDIC', qualifier: '14', internal: '' },
      recipient: { id: 'GATEWAY', qualifier: '14' },
      date: '240131',
      time: '1200',
      reference: 'IC1',
      ackRequest: '1',
    });
    expect(ic.charset.id).toBe('UNOC');
    expect(ic.messages[0]).toMatchObject({
      reference: 'M1',
      type: 'DESADV',
      version: 'D',
      release: '96A',
      agency: 'UN',
      segmentCount: 6,
      status: 'accepted',
      trailer: { declaredCount: '6', reference: 'M1' },
    });
    expect(ic.trailer).toEqual({ declaredCount: '1', reference: 'IC1' });
    expect(r.segments).toBe(8);
  });

  it('counts segments from UNH to UNT inclusive: 29 when UNT 0074 differs', () => {
    const r = validateEdifact(interchange({ messages: [message('M1', DESADV_BODY, undefined, 5)] }));
    expect(codes(r)).toEqual(['count-mismatch:29']);
    const issue = r.issues[0]!;
    expect(issue).toMatchObject({
      level: 'set',
      segmentId: 'UNT',
      elementPosition: 1,
      elementReference: '0074',
      badValue: '5',
      controlNumbers: { interchange: 'IC1', set: 'M1' },
    });
    // The UNT is the seventh segment of the stream (UNB = 0).
    expect(issue.segmentIndex).toBe(6);
    expect(r.interchanges[0]!.status).toBe('rejected');
    expect(r.interchanges[0]!.messages[0]!.status).toBe('rejected');
  });

  it('checks references: UNT/UNH, UNZ/UNB, UNE/UNG (28)', () => {
    const unt = validateEdifact(interchange({ messages: [`UNH+M1+DESADV:D:96A:UN'BGM+351'UNT+3+M2'`] }));
    expect(codes(unt)).toEqual(['reference-mismatch:28']);
    expect(unt.issues[0]).toMatchObject({ level: 'set', segmentId: 'UNT', elementPosition: 2 });
    const unz = validateEdifact(interchange({ unz: "UNZ+1+IC2'" }));
    expect(codes(unz)).toEqual(['reference-mismatch:28']);
    expect(unz.issues[0]).toMatchObject({ level: 'interchange', segmentId: 'UNZ', elementReference: '0020' });
    expect(unz.interchanges[0]!.status).toBe('rejected');
    const une = validateEdifact(
      interchange({
        messages: [group('G1', [message('M1', DESADV_BODY)]).replace("UNE+1+G1'", "UNE+1+G9'")],
      }),
    );
    expect(codes(une)).toEqual(['reference-mismatch:28']);
    expect(une.issues[0]).toMatchObject({ level: 'group', segmentId: 'UNE' });
  });

  it('counts messages (or groups) in UNZ and messages in UNE (29)', () => {
    const two = [message('M1', DESADV_BODY), message('M2', DESADV_BODY)];
    expect(codes(validateEdifact(interchange({ messages: two, unz: "UNZ+3+IC1'" })))).toEqual([
      'count-mismatch:29',
    ]);
    // With groups, UNZ 0036 counts the groups.
    const grouped = interchange({ messages: [group('G1', two)] });
    expect(validateEdifact(grouped).issues).toEqual([]);
    expect(codes(validateEdifact(grouped.replace("UNE+2+G1'", "UNE+1+G1'")))).toEqual(['count-mismatch:29']);
    expect(codes(validateEdifact(grouped.replace("UNZ+1+IC1'", "UNZ+2+IC1'")))).toEqual([
      'count-mismatch:29',
    ]);
  });

  it('reports missing trailers (13) where the next header or the end comes', () => {
    const r = validateEdifact(
      unb() + message('M1', DESADV_BODY).replace("UNT+6+M1'", '') + message('M2', DESADV_BODY),
    );
    expect(codes(r)).toEqual(['trailer-missing:13', 'trailer-missing:13']);
    expect(r.issues.map((i) => [i.level, i.segmentId, i.controlNumbers.set])).toEqual([
      ['set', 'UNT', 'M1'],
      ['interchange', 'UNZ', undefined],
    ]);
    const ic = r.interchanges[0]!;
    expect(ic.messages.map((m) => m.status)).toEqual(['rejected', 'rejected']);
    expect(ic.status).toBe('rejected');
    const noUne = validateEdifact(
      interchange({ messages: [group('G1', [message('M1', DESADV_BODY)]).replace("UNE+1+G1'", '')] }),
    );
    expect(codes(noUne)).toEqual(['trailer-missing:13']);
    expect(noUne.issues[0]).toMatchObject({ level: 'group', segmentId: 'UNE' });
  });

  it('partially accepts an interchange when some messages are rejected', () => {
    const r = validateEdifact(
      interchange({ messages: [message('M1', DESADV_BODY), message('M2', DESADV_BODY, undefined, 9)] }),
    );
    const ic = r.interchanges[0]!;
    expect(ic.status).toBe('partially-accepted');
    expect(ic.messages.map((m) => m.status)).toEqual(['accepted', 'rejected']);
    expect(ic.issues).toEqual([]);
  });

  it('finds duplicate message and group references (26)', () => {
    const dup = validateEdifact(
      interchange({ messages: [message('M1', DESADV_BODY), message('M1', DESADV_BODY)] }),
    );
    expect(codes(dup)).toEqual(['duplicate-reference:26']);
    expect(dup.issues[0]).toMatchObject({
      level: 'set',
      segmentId: 'UNH',
      elementPosition: 1,
      segmentIndex: 7,
    });
    expect(dup.interchanges[0]!.status).toBe('partially-accepted');
    const groups = interchange({
      messages: [group('G1', [message('M1', DESADV_BODY)]), group('G1', [message('M2', DESADV_BODY)])],
      unz: "UNZ+2+IC1'",
    });
    expect(codes(validateEdifact(groups))).toEqual(['duplicate-reference:26']);
  });

  it('rejects groups mixed with messages (30), mixed types in a group (31), empty levels (32)', () => {
    const mixed = interchange({
      messages: [message('M1', DESADV_BODY), group('G1', [message('M2', DESADV_BODY)])],
    });
    expect(codes(validateEdifact(mixed))).toContain('groups-and-messages-mixed:30');
    const types = interchange({
      messages: [
        group('G1', [message('M1', DESADV_BODY), message('M2', ["BGM+220+PO1+9'"], 'ORDERS:D:96A:UN')]),
      ],
    });
    const t = validateEdifact(types);
    expect(codes(t)).toEqual(['group-mixed-message-types:31']);
    expect(t.interchanges[0]!.groups[0]!.status).toBe('rejected');
    expect(t.interchanges[0]!.status).toBe('rejected');
    const empty = validateEdifact(unb() + "UNZ+0+IC1'");
    expect(codes(empty)).toEqual(['lower-level-empty:32']);
    expect(empty.interchanges[0]!.status).toBe('rejected');
    const emptyGroup = validateEdifact(interchange({ messages: [group('G1', [])] }));
    expect(codes(emptyGroup)).toEqual(['lower-level-empty:32']);
    expect(emptyGroup.issues[0]!.level).toBe('group');
  });

  it('reports segments between messages (33) and outside any interchange (33, stream level)', () => {
    const between = validateEdifact(
      interchange({ messages: [message('M1', DESADV_BODY), "FTX+AAI+++x'", "FTX+AAI+++y'"] }).replace(
        'UNZ+3',
        'UNZ+1',
      ),
    );
    expect(codes(between)).toEqual(['segment-outside-message:33']);
    expect(between.interchanges[0]!.status).toBe('rejected');
    const after = validateEdifact(interchange() + "BGM+351'");
    expect(codes(after)).toEqual(['segment-outside-interchange:33']);
    expect(after.streamIssues).toHaveLength(1);
    expect(after.interchanges[0]!.status).toBe('accepted');
  });

  it('reads a bare message (no UNB) but reports the missing interchange header', () => {
    const r = validateEdifact(message('M1', DESADV_BODY));
    expect(codes(r)).toEqual(['interchange-header-missing:13']);
    expect(r.interchanges).toEqual([]);
    expect(r.looseMessages).toHaveLength(1);
    expect(r.looseMessages[0]).toMatchObject({ reference: 'M1', segmentCount: 6, status: 'accepted' });
    expect(r.streamIssues).toHaveLength(1);
  });

  it('checks the UNB syntax identifier and version (2)', () => {
    expect(codes(validateEdifact(interchange({ unb: { syntax: 'IATB', version: '1' } })))).toEqual([
      'syntax-not-supported:2',
    ]);
    const v = validateEdifact(interchange({ unb: { version: '5' } }));
    expect(codes(v)).toEqual(['syntax-not-supported:2']);
    expect(v.issues[0]).toMatchObject({ segmentId: 'UNB', elementPosition: 1, componentPosition: 2 });
    for (const id of ['UNOA', 'UNOB', 'UNOC', 'UNOD', 'UNOY', 'UNOW']) {
      expect(validateEdifact(interchange({ unb: { syntax: id } })).issues).toEqual([]);
    }
  });

  it('checks UNB dates and times by syntax version (12), tolerating YYMMDD in syntax 4 (40, warning)', () => {
    expect(codes(validateEdifact(interchange({ unb: { date: '240231' } })))).toEqual([
      'element-invalid-value:12',
    ]);
    expect(codes(validateEdifact(interchange({ unb: { time: '2460' } })))).toEqual([
      'element-invalid-value:12',
    ]);
    expect(validateEdifact(interchange({ unb: { version: '4', date: '20240131' } })).issues).toEqual([]);
    const short = validateEdifact(interchange({ unb: { version: '4', date: '240131' } }));
    expect(codes(short, true)).toEqual(['element-too-short:40']);
    expect(short.issues[0]!.severity).toBe('warning');
    expect(short.interchanges[0]!.status).toBe('accepted');
    // Eight digits in syntax 3 are too long.
    expect(codes(validateEdifact(interchange({ unb: { date: '20240131' } })))).toEqual([
      'element-too-long:39',
    ]);
  });

  it('checks mandatory UNB elements (13), types (37), lengths (39) and constituents (16)', () => {
    expect(codes(validateEdifact(interchange({ unb: { sender: '' } })))).toEqual(['element-missing:13']);
    const ref = validateEdifact(unb({ reference: '' }) + message('M1', DESADV_BODY) + "UNZ+1+'");
    expect(codes(ref)).toEqual(['element-missing:13', 'element-missing:13']);
    expect(codes(validateEdifact(interchange({ unb: { time: '12A0' } })))).toEqual([
      'element-invalid-type:37',
    ]);
    const long = 'R'.repeat(15);
    // UNB and UNZ both carry the reference.
    expect(codes(validateEdifact(interchange({ unb: { reference: long } })))).toEqual([
      'element-too-long:39',
      'element-too-long:39',
    ]);
    expect(codes(validateEdifact(interchange().replace("IC1'", "IC1++++++++x'")))).toEqual([
      'too-many-constituents:16',
    ]);
    expect(codes(validateEdifact(interchange({ unb: { sender: 'A:1:2:3' } })))).toEqual([
      'too-many-constituents:16',
    ]);
  });

  it('checks UNB 0031 and 0035 values (12); "0" for no acknowledgment is only noted', () => {
    expect(codes(validateEdifact(interchange({ unb: { ack: '5' } })))).toEqual(['element-invalid-value:12']);
    const zero = validateEdifact(interchange({ unb: { ack: '0' } }));
    expect(codes(zero, true)).toEqual(['element-invalid-value:12']);
    expect(zero.interchanges[0]!.status).toBe('accepted');
    expect(codes(validateEdifact(interchange({ unb: { test: '2' } })))).toEqual(['element-invalid-value:12']);
    expect(
      validateEdifact(interchange({ unb: { version: '4', date: '20240131', ack: '2' } })).issues,
    ).toEqual([]);
  });

  it('checks UNH elements: missing type (13), too long association code (39)', () => {
    const r = validateEdifact(interchange({ messages: [message('M1', DESADV_BODY, 'DESADV:D::UN')] }));
    expect(codes(r)).toEqual(['element-missing:13']);
    expect(r.issues[0]).toMatchObject({
      level: 'set',
      segmentId: 'UNH',
      elementPosition: 2,
      componentPosition: 3,
    });
    const assoc = validateEdifact(
      interchange({ messages: [message('M1', DESADV_BODY, 'DESADV:D:96A:UN:EAN008B')] }),
    );
    expect(codes(assoc)).toEqual(['element-too-long:39']);
  });

  it('places tokenizer findings: UNA (20) rejects the interchange it precedes; segment findings in messages', () => {
    const una = validateEdifact("UNA:+.?+'" + interchange());
    expect(codes(una)).toEqual(['una-invalid:20']);
    expect(una.interchanges[0]!.issues[0]).toMatchObject({ segmentId: 'UNA', level: 'interchange' });
    expect(una.interchanges[0]!.status).toBe('rejected');
    const strict = readEdifact(
      interchange({ unb: { syntax: 'UNOA' }, messages: [message('M1', ["BGM+351+asn1'"])] }),
      {},
      { strictCharacterSet: true },
    );
    expect(codes(strict)).toEqual(['character-outside-repertoire:21']);
    expect(strict.issues[0]).toMatchObject({ level: 'segment', segmentPosition: 2 });
    expect(strict.interchanges[0]!.messages[0]!.status).toBe('rejected');
    const tooLong = readEdifact(
      interchange({ messages: [message('M1', [`FTX+AAI+++${'x'.repeat(100)}'`, "BGM+351'"])] }),
      {},
      { maxSegmentBytes: 64 },
    );
    expect(codes(tooLong)).toEqual(['segment-too-long:18']);
    expect(tooLong.issues[0]).toMatchObject({ segmentPosition: 2 });
    // The skipped segment still counts in UNT.
    expect(tooLong.interchanges[0]!.messages[0]!.segmentCount).toBe(4);
  });

  it('notes an unterminated last segment without rejecting', () => {
    const r = validateEdifact(interchange().slice(0, -1));
    expect(codes(r, true)).toEqual(['unterminated-segment:18']);
    expect(r.issues[0]!.severity).toBe('warning');
    expect(r.interchanges[0]!.status).toBe('accepted');
  });

  it('reads several interchanges and counts CONTRL messages', () => {
    const contrl = interchange({
      unb: { reference: 'IC2' },
      messages: [message('C1', ["UCI+X1+GATEWAY:14+NORDIC:14+7'"], 'CONTRL:D:3:UN')],
    });
    const r = validateEdifact(interchange() + '\r\n' + contrl);
    expect(r.issues).toEqual([]);
    expect(r.interchanges.map((ic) => [ic.header.reference, ic.contrlCount])).toEqual([
      ['IC1', 0],
      ['IC2', 1],
    ]);
  });

  it('hands segments and envelope events to a handler, and streams', async () => {
    const events: string[] = [];
    const text = interchange({ messages: [group('G1', [message('M1', DESADV_BODY)])] });
    readEdifact(text, {
      startInterchange: (ic) => events.push(`+ic ${ic.header.reference}`),
      startGroup: (g) => events.push(`+g ${g.reference}`),
      startMessage: (m) => events.push(`+m ${m.reference}`),
      segment: (v, ctx) => {
        if (ctx.message && v.id !== 'UNH' && v.id !== 'UNT') events.push(`${ctx.positionInMessage}:${v.id}`);
      },
      endGroup: (g) => events.push(`-g ${g.status}`),
      endInterchange: (ic) => events.push(`-ic ${ic.status}`),
    });
    expect(events).toEqual([
      '+ic IC1',
      '+g G1',
      '+m M1',
      '2:BGM',
      '3:DTM',
      '4:LIN',
      '5:QTY',
      '-g accepted',
      '-ic accepted',
    ]);
    const bytes = Buffer.from(text);
    const chunks = Array.from({ length: bytes.length }, (_, i) => bytes.subarray(i, i + 1));
    const streamed = await readEdifactStream(chunks);
    expect(JSON.stringify(streamed)).toBe(JSON.stringify(validateEdifact(text)));
    expect(
      parseEdifact(text)
        .segments.map((s) => s.id)
        .join(' '),
    ).toBe('UNB UNG UNH BGM DTM LIN QTY UNT UNE UNZ');
  });

  it('keeps at most maxIssues findings and counts the rest', () => {
    const messages = Array.from({ length: 5 }, (_, i) => message(`M${i}`, ["BGM+351'"], undefined, 9));
    const r = readEdifact(interchange({ messages }), {}, { maxIssues: 2 });
    expect(r.issues).toHaveLength(2);
    expect(r.suppressedIssues).toBe(3);
    expect(r.interchanges[0]!.messages.every((m) => m.status === 'rejected')).toBe(true);
  });

  it('checks UNG dates and mandatory elements in syntax 3 (12, 13)', () => {
    const g = group('G1', [message('M1', DESADV_BODY)]);
    expect(
      codes(validateEdifact(interchange({ messages: [g.replace('240131:1200', '241331:1200')] }))),
    ).toEqual(['element-invalid-value:12']);
    expect(codes(validateEdifact(interchange({ messages: [g.replace('+UN+D:96A', '++D:96A')] })))).toEqual([
      'element-missing:13',
    ]);
    // Syntax 4 makes the agency optional.
    const v4 = interchange({
      unb: { version: '4', date: '20240131' },
      messages: [g.replace('+UN+D:96A', '++D:96A')],
    });
    expect(validateEdifact(v4).issues).toEqual([]);
    expect(unb()).toBe("UNB+UNOC:3+NORDIC:14+GATEWAY:14+240131:1200+IC1'");
  });
});
