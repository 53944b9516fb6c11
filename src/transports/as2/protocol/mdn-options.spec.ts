import { describe, expect, it } from 'vitest';

import {
  chooseMicAlgorithm,
  MdnOptionsError,
  parseDispositionNotificationOptions,
  wantsSignedReceipt,
} from './mdn-options.js';

describe('Disposition-Notification-Options', () => {
  it('parses protocol and micalg with importance and the list of algorithms', () => {
    const options = parseDispositionNotificationOptions(
      'signed-receipt-protocol=optional, pkcs7-signature; signed-receipt-micalg=required, sha-512, SHA256, sha1',
    );
    expect(options).toEqual({
      signedReceiptProtocol: { importance: 'optional', values: ['pkcs7-signature'] },
      signedReceiptMicalg: { importance: 'required', values: ['sha-512', 'SHA256', 'sha1'] },
    });
    expect(wantsSignedReceipt(options)).toBe(true);
    expect(chooseMicAlgorithm(options, ['sha-256', 'sha-384'], 'sha-256')).toBe('sha-256');
    expect(chooseMicAlgorithm(options, ['sha-512'], 'sha-256')).toBe('sha-512');
  });

  it('answers unsupported only when the unsupported request is required', () => {
    const required = parseDispositionNotificationOptions('signed-receipt-micalg=required, md5, sha1');
    const optional = parseDispositionNotificationOptions('signed-receipt-micalg=optional, md5, sha1');
    expect(chooseMicAlgorithm(required, ['sha-256'], 'sha-256')).toBe('unsupported');
    expect(chooseMicAlgorithm(optional, ['sha-256'], 'sha-256')).toBe('sha-256');
    expect(chooseMicAlgorithm(required, ['sha-256', 'sha1'], 'sha-256')).toBe('sha1');
    expect(chooseMicAlgorithm({}, ['sha-256'], 'sha-384')).toBe('sha-384');
  });

  it('treats no options as an unsigned receipt and refuses a malformed importance', () => {
    expect(wantsSignedReceipt(parseDispositionNotificationOptions(undefined))).toBe(false);
    expect(() => parseDispositionNotificationOptions('signed-receipt-micalg=maybe, sha-256')).toThrow(
      MdnOptionsError,
    );
    expect(() => parseDispositionNotificationOptions('signed-receipt-micalg')).toThrow(MdnOptionsError);
  });
});
