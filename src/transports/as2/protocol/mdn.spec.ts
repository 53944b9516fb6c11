import { describe, expect, it } from 'vitest';

import { formatDisposition, type Disposition } from './disposition.js';
import { buildMdn } from './mdn.js';
import { computeMic } from './mic.js';
import { entityFromHttp, parseEntity, splitMultipart } from './mime.js';

describe('MDN', () => {
  it('formats every disposition with the exact RFC 4130 wording', () => {
    const cases: [Disposition, string][] = [
      [{ kind: 'processed' }, 'processed'],
      [{ kind: 'error', modifier: 'authentication-failed' }, 'processed/error: authentication-failed'],
      [{ kind: 'error', modifier: 'decryption-failed' }, 'processed/error: decryption-failed'],
      [{ kind: 'error', modifier: 'integrity-check-failed' }, 'processed/error: integrity-check-failed'],
      [
        { kind: 'error', modifier: 'insufficient-message-security' },
        'processed/error: insufficient-message-security',
      ],
      [{ kind: 'error', modifier: 'decompression-failed' }, 'processed/error: decompression-failed'],
      [
        { kind: 'error', modifier: 'unexpected-processing-error' },
        'processed/error: unexpected-processing-error',
      ],
      [
        { kind: 'failed', failure: 'unsupported MIC-algorithms' },
        'failed/Failure: unsupported MIC-algorithms',
      ],
    ];
    for (const [disposition, suffix] of cases) {
      expect(formatDisposition(disposition)).toBe(`automatic-action/MDN-sent-automatically; ${suffix}`);
    }
  });

  it('builds an unsigned multipart/report with a human part and the disposition fields', async () => {
    const mic = computeMic(Buffer.from('abc'), 'sha-256');
    const mdn = await buildMdn({
      reportingUa: 'Supplier Gateway AS2',
      originalRecipient: 'GATEWAY',
      finalRecipient: 'GATEWAY',
      originalMessageId: '<m1@partner>',
      disposition: { kind: 'error', modifier: 'decryption-failed' },
      mic,
    });
    expect(mdn.contentType).toMatch(/^multipart\/report; report-type=disposition-notification; boundary="/);
    const [human, notification] = splitMultipart(
      entityFromHttp({ 'content-type': mdn.contentType }, mdn.body),
    );
    expect(human!.contentType.mediaType).toBe('text/plain');
    expect(human!.body.toString()).toContain('<m1@partner>');
    expect(notification!.contentType.mediaType).toBe('message/disposition-notification');
    expect(notification!.body.toString().split('\r\n')).toEqual([
      'Reporting-UA: Supplier Gateway AS2',
      'Original-Recipient: rfc822; GATEWAY',
      'Final-Recipient: rfc822; GATEWAY',
      'Original-Message-ID: <m1@partner>',
      'Received-content-MIC: ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=, sha-256',
      'Disposition: automatic-action/MDN-sent-automatically; processed/error: decryption-failed',
      '',
    ]);
    expect(parseEntity(Buffer.concat([Buffer.from('\r\n'), mdn.body])).body).toEqual(mdn.body);
  });

  it('refuses header injection through the original message id', async () => {
    await expect(
      buildMdn({
        reportingUa: 'x',
        originalRecipient: 'GATEWAY',
        finalRecipient: 'GATEWAY',
        originalMessageId: '<a>\r\nDisposition: forged',
        disposition: { kind: 'processed' },
      }),
    ).rejects.toThrow('line breaks');
  });
});
