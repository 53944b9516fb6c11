import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config/config.js';
import {
  checkEdifactRecipient,
  checkX12Receiver,
  ourEdifactRecipients,
  ourX12Receivers,
  x12ApplicationReceiverCheck,
} from './receiver-check.js';

const config = (env: Record<string, string> = {}) => loadConfig({ DATA_DIR: './data', ...env });
const isa = (receiverQualifier: string, receiverId: string) =>
  ({ header: { receiverQualifier, receiverId: receiverId.padEnd(15) } }) as Parameters<
    typeof checkX12Receiver
  >[0];

describe('our receiver identities', () => {
  it('are not checked unless configured', () => {
    expect(ourX12Receivers(config())).toBeUndefined();
    expect(ourEdifactRecipients(config())).toBeUndefined();
    expect(checkX12Receiver(isa('ZZ', 'ANYONE'), undefined)).toEqual({ ours: true });
    expect(checkEdifactRecipient({ id: 'ANYONE', qualifier: '' }, undefined)).toEqual({ ours: true });
  });

  it('are the identity we send as and the configured ones, normalised like envelopes', () => {
    const c = config({
      GATEWAY_X12_ID: 'mfgco',
      GATEWAY_X12_RECEIVER_IDS: ' zz/MfgCo , 01/081466849',
      GATEWAY_EDIFACT_RECIPIENT_IDS: '5790000000005:14,supplierGW',
    });
    expect(ourX12Receivers(c)).toEqual(['ZZ/MFGCO', '01/081466849']);
    expect(ourEdifactRecipients(c)).toEqual(['SUPPLIERGW:ZZZ', '5790000000005:14', 'SUPPLIERGW']);
  });

  it.each([
    ['GATEWAY_X12_RECEIVER_IDS', 'MFGCO'],
    ['GATEWAY_X12_RECEIVER_IDS', 'ZZ/'],
    ['GATEWAY_X12_RECEIVER_IDS', 'ZZ/SIXTEEN-CHARACTERS'],
    ['GATEWAY_X12_APPLICATION_RECEIVER_CODES', 'X'],
    ['GATEWAY_X12_APPLICATION_RECEIVER_CODES', 'SIXTEEN-CHARACTR'],
    ['GATEWAY_EDIFACT_RECIPIENT_IDS', '5790000000005:14:X'],
    ['GATEWAY_EDIFACT_RECIPIENT_IDS', '5790000000005:QUALIFIER'],
  ])('refuses %s=%s at boot', (name, value) => {
    expect(() => config({ [name]: value })).toThrow(name);
  });
});

describe('our GS03 application receiver codes', () => {
  it('are not checked unless configured', () => {
    expect(x12ApplicationReceiverCheck(config())).toBeUndefined();
  });

  it('are our GS02 (GATEWAY_GS_ID, else GATEWAY_X12_ID) and those listed, in any case, padded or not', () => {
    const listed = { GATEWAY_X12_APPLICATION_RECEIVER_CODES: ' plant4 , MFGCO' };
    const ours = x12ApplicationReceiverCheck(config({ GATEWAY_X12_ID: 'MFGISA', ...listed }))!;
    expect(['MFGISA', 'PLANT4', 'mfgco ', 'MfgCo'].map(ours)).toEqual([true, true, true, true]);
    expect(['OTHERAPP', 'PLANT5', 'MFG'].map(ours)).toEqual([false, false, false]);
    const gs = x12ApplicationReceiverCheck(config({ GATEWAY_GS_ID: 'MFGGS', ...listed }))!;
    expect([gs('MFGGS'), gs('SUPPLIERGW')]).toEqual([true, false]);
  });
});

describe('checkX12Receiver', () => {
  const ours = ['ZZ/SUPPLIERGW', 'ZZ/MFGCO'];

  it('takes a padded ISA08 of ours in any case', () => {
    expect(checkX12Receiver(isa('zz', 'mfgco'), ours)).toEqual({ ours: true });
  });

  it('answers anyone else with TA105 009, one of our ids under another qualifier with 007', () => {
    expect(checkX12Receiver(isa('ZZ', 'OTHERCO'), ours)).toEqual({
      ours: false,
      code: '009',
      detail: 'ISA receiver ZZ/OTHERCO is not an identity of ours (ours: ZZ/SUPPLIERGW, ZZ/MFGCO)',
      expected: ours,
      found: 'ZZ/OTHERCO',
    });
    expect(checkX12Receiver(isa('01', 'MFGCO'), ours)).toMatchObject({ ours: false, code: '007' });
  });
});

describe('checkEdifactRecipient', () => {
  const ours = ['SUPPLIERGW:ZZZ', '5790000000005:14', 'ANYQUAL'];

  it('takes our id under its qualifier, without one, and a listed id without qualifier under any', () => {
    expect(checkEdifactRecipient({ id: '5790000000005', qualifier: '14' }, ours)).toEqual({ ours: true });
    expect(checkEdifactRecipient({ id: 'suppliergw', qualifier: '' }, ours)).toEqual({ ours: true });
    expect(checkEdifactRecipient({ id: 'ANYQUAL', qualifier: '1' }, ours)).toEqual({ ours: true });
  });

  it('answers anyone else, or our id under another qualifier, with 0085 43', () => {
    expect(checkEdifactRecipient({ id: '4000000000016', qualifier: '14' }, ours)).toMatchObject({
      ours: false,
      code: '43',
      found: '4000000000016:14',
    });
    expect(checkEdifactRecipient({ id: '5790000000005', qualifier: 'ZZZ' }, ours)).toMatchObject({
      ours: false,
      code: '43',
    });
  });
});
