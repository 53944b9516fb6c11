import { describe, expect, it } from 'vitest';
import { readX12FunctionalAcks } from './functional-ack-reader.js';

const isa = (control: string) =>
  `ISA*00*          *00*          *ZZ*ACMEFAST       *ZZ*SUPPLIERGW     *261127*1200*U*00401*${control}*0*T*>~`;

describe('readX12FunctionalAcks', () => {
  it('reads the group and set verdicts of a 997, with AK3/AK4 errors', () => {
    const segments = [
      isa('000000042'),
      'GS*FA*ACMEFAST*SUPPLIERGW*20261127*1200*42*X*004010',
      'ST*997*0001',
      'AK1*PO*17',
      'AK2*850*0001',
      'AK5*A',
      'AK2*850*0002',
      'AK3*PO1*12**8',
      'AK4*2**7*0',
      'AK5*R*5',
      'AK9*P*2*2*1',
      'SE*10*0001',
      'GE*1*42',
      'IEA*1*000000042',
    ];
    const acks = readX12FunctionalAcks(segments.map((s) => `${s}~`).join('\n'));
    expect(acks).toEqual([
      {
        ackType: '997',
        interchangeControlNumber: '000000042',
        groupControlNumber: '42',
        setControlNumber: '0001',
        envelope: {
          isaSender: 'ZZ/ACMEFAST',
          isaReceiver: 'ZZ/SUPPLIERGW',
          gsSender: 'ACMEFAST',
          gsReceiver: 'SUPPLIERGW',
        },
        functionalId: 'PO',
        acknowledgedGroup: '17',
        status: 'partially-accepted',
        sets: [
          { setId: '850', controlNumber: '0001', status: 'accepted', errors: [] },
          {
            setId: '850',
            controlNumber: '0002',
            status: 'rejected',
            errors: ['AK3 PO1 at 12: 8', 'AK4 element 2: 7'],
          },
        ],
      },
    ]);
  });

  it('reads a 999 (IK5) and ignores other sets in the interchange', () => {
    const segments = [
      isa('000000043'),
      'GS*FA*ACMEFAST*SUPPLIERGW*20261127*1200*43*X*005010X231A1',
      'ST*999*0001*005010X231A1',
      'AK1*PC*18*005010',
      'AK2*860*0007',
      'IK5*A',
      'AK9*A*1*1*1',
      'SE*6*0001',
      'ST*997*0002',
      'AK1*PO*19',
      'SE*3*0002',
      'GE*2*43',
      'IEA*1*000000043',
    ];
    const acks = readX12FunctionalAcks(segments.map((s) => `${s}~`).join('\n'));
    expect(acks).toHaveLength(1);
    expect(acks[0]).toMatchObject({
      ackType: '999',
      acknowledgedGroup: '18',
      functionalId: 'PC',
      status: 'accepted',
      sets: [{ setId: '860', controlNumber: '0007', status: 'accepted' }],
    });
  });
});
