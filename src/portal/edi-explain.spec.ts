import { describe, expect, it } from 'vitest';
import { explainDocument, x12Segments } from './edi-explain.js';

const isa = (control: string) =>
  `ISA*00*          *00*          *ZZ*SUPPLIER       *ZZ*MFGCO          *261127*0900*U*00401*${control}*0*T*>~`;

const x855 = [
  isa('000000007'),
  'GS*PR*SUPPLIER*MFGCO*20261127*0900*7*X*004010~',
  'ST*855*0001~',
  'BAK*00*AD*4500000001*2026XX27~',
  'PO1*10*4800*PC~',
  'SE*4*0001~',
  'GE*1*7~',
  'IEA*1*000000007~',
].join('\n');

const ack997 = [
  'ISA*00*          *00*          *ZZ*MFGCO          *ZZ*SUPPLIER       *261127*0901*U*00401*000000101*0*T*>~',
  'GS*FA*MFGCO*SUPPLIER*20261127*0901*101*X*004010~',
  'ST*997*0001~',
  'AK1*PR*7~',
  'AK2*855*0001~',
  'AK3*BAK*2**8~',
  'AK4*4*373*8*2026XX27~',
  'AK5*R*5~',
  'AK9*R*1*1*0~',
  'SE*8*0001~',
  'GE*1*101~',
  'IEA*1*000000101~',
].join('');

describe('explaining an EDI document next to its segments', () => {
  it('splits X12 by the terminator the ISA declares, whatever the line breaks', () => {
    const { segments } = x12Segments(x855);
    expect(segments).toHaveLength(8);
    expect(segments[3]).toBe('BAK*00*AD*4500000001*2026XX27');
  });

  it('puts each 997 error next to the segment it names, in plain language with the bad value', () => {
    const doc = explainDocument(
      x855,
      { x12Intake: { interchanges: [{ ack: { text: ack997 } }] } },
      'application/edi-x12',
    );
    expect(doc.format).toBe('x12');
    const bak = doc.segments.find((s) => s.text.startsWith('BAK'))!;
    expect(bak.n).toBe(4);
    expect(bak.errors).toEqual([
      'One or more fields of this segment are wrong (see below) (code 8)',
      'Field BAK04: the date is not a valid date (code 8) — we received “2026XX27”.',
    ]);
    const st = doc.segments.find((s) => s.text.startsWith('ST'))!;
    expect(st.errors[0]).toContain('rejected: one or more segments are in error (code 5)');
    expect(doc.segments.filter((s) => s.text.startsWith('PO1'))[0]!.errors).toEqual([]);
    expect(doc.general[0]).toContain('whole functional group was rejected');
    expect(doc.acknowledgment?.text).toBe(ack997);
  });

  it('names a missing segment where its absence was noticed', () => {
    const ack = ack997.replace('AK3*BAK*2**8~AK4*4*373*8*2026XX27~', 'AK3*CTT*4**3~');
    const doc = explainDocument(x855, { x12Intake: { interchanges: [{ ack: { text: ack } }] } }, null);
    // Position 4 of the set is SE, where the missing CTT was noticed.
    expect(doc.segments[5]!.text).toMatch(/^SE/);
    expect(doc.segments[5]!.errors).toEqual(['CTT: a required segment is missing here (code 3)']);
  });

  it('reports a TA1 rejection for the whole interchange', () => {
    const ta1 = `${isa('000000102')}TA1*000000007*261127*0900*R*025~IEA*0*000000102~`;
    const doc = explainDocument(x855, { x12Intake: { interchanges: [{ ack: { text: ta1 } }] } }, null);
    expect(doc.general).toEqual([
      'The interchange 000000007 was rejected: this interchange control number was received already (a duplicate) (code 025).',
    ]);
  });

  it('places CONTRL segment and element errors on the EDIFACT segment (UNH counts as 1)', () => {
    const desadv =
      "UNB+UNOC:3+4000000000017:14+5790000000003:14+261127:0900+R1'UNH+M1+DESADV:D:96A:UN'BGM+351+ASN1+9'DTM+137:2026113X:102'UNT+4+M1'UNZ+1+R1'";
    const contrl =
      "UNB+UNOC:3+5790000000003:14+4000000000017:14+261127:0901+C1'UNH+1+CONTRL:D:3:UN'UCI+R1+4000000000017:14+5790000000003:14+7'UCM+M1+DESADV:D:96A:UN+4'UCS+3+12'UCD+12+2:2'UNT+6+1'UNZ+1+C1'";
    const doc = explainDocument(
      desadv,
      { edifactIntake: { interchanges: [{ contrl: { text: contrl } }] } },
      null,
    );
    const dtm = doc.segments.find((s) => s.text.startsWith('DTM'))!;
    expect(dtm.errors).toEqual([
      'The value is not valid (code 12).',
      'Field 2.2 of DTM: the value is not valid (code 12).',
    ]);
    expect(doc.segments.find((s) => s.text.startsWith('UNH'))!.errors[0]).toContain('was rejected');
  });

  it('shows JSON pretty-printed, line by line', () => {
    const doc = explainDocument('{"a":{"b":1}}', {}, 'application/json');
    expect(doc.format).toBe('json');
    expect(doc.segments.map((s) => s.text)).toEqual(['{', '  "a": {', '    "b": 1', '  }', '}']);
  });
});
