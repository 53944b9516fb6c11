import { describe, expect, it } from 'vitest';
import { partnerHealth, sortHealth, type HealthFacts } from './partner-health.js';
import { ratio } from './scorecard.js';

const NOW = new Date('2026-11-27T12:00:00.000Z');
const healthy: HealthFacts = {
  partnerId: 'p',
  name: 'Partner',
  lastInboundAt: '2026-11-27T10:00:00.000Z',
  lastOutboundAt: '2026-11-27T09:00:00.000Z',
  functionalAcks: { due: 20, onTime: 20, late: 0, missing: 0, misses: [] },
  acknowledgments: ratio(10, 10),
  openExceptions: 0,
  certificates: [{ subject: 'CN=p', notAfter: '2027-11-27T00:00:00.000Z' }],
  channelErrors: { rejectedInbound: 0, failedDeliveries: 0, as2SecurityFailures: 0 },
  sftpRenamesRefused: null,
};
const miss = (answeredAt: string | null) => ({
  documentId: '1',
  messageType: '850',
  poNumber: 'P1',
  dueAt: '2026-11-20T00:00:00.000Z',
  answeredAt,
});

describe('partnerHealth', () => {
  it('is ok with no reasons when every figure is within its threshold', () => {
    const health = partnerHealth(healthy, NOW);
    expect(health.status).toBe('ok');
    expect(health.reasons).toEqual([]);
    expect(health.certificate).toMatchObject({ level: 'ok', daysLeft: 364 });
  });

  it('is ok with no data at all (no certificate, nothing due)', () => {
    const health = partnerHealth(
      {
        ...healthy,
        functionalAcks: { due: 0, onTime: 0, late: 0, missing: 0, misses: [] },
        acknowledgments: ratio(0, 0),
        certificates: [],
      },
      NOW,
    );
    expect(health.status).toBe('ok');
    expect(health.functionalAcks.percent).toBeNull();
    expect(health.certificate).toBeNull();
  });

  it('reports the soonest certificate: under 30 days attention, expired failing', () => {
    const soon = partnerHealth(
      {
        ...healthy,
        certificates: [...healthy.certificates, { subject: 'CN=old', notAfter: '2026-12-07T12:00:00.000Z' }],
      },
      NOW,
    );
    expect(soon.certificate).toMatchObject({ subject: 'CN=old', daysLeft: 10, level: 'warning' });
    expect(soon.status).toBe('attention');
    expect(soon.reasons[0]!.text).toBe('AS2 certificate expires in 10 day(s), on 2026-12-07');
    const expired = partnerHealth(
      { ...healthy, certificates: [{ subject: 'CN=x', notAfter: '2026-11-27T11:59:59.000Z' }] },
      NOW,
    );
    expect(expired.status).toBe('failing');
    expect(expired.certificate!.level).toBe('expired');
  });

  it('997/CONTRL timeliness splits misses into late and missing; below 95 % attention, below 80 % failing', () => {
    // 19 of 20 = 95 %: not below the threshold
    expect(
      partnerHealth(
        { ...healthy, functionalAcks: { due: 20, onTime: 19, late: 0, missing: 1, misses: [miss(null)] } },
        NOW,
      ).status,
    ).toBe('ok');
    // 9 of 10 = 90 %
    const attention = partnerHealth(
      {
        ...healthy,
        functionalAcks: {
          due: 10,
          onTime: 9,
          late: 1,
          missing: 0,
          misses: [miss('2026-11-21T00:00:00.000Z')],
        },
      },
      NOW,
    );
    expect(attention.status).toBe('attention');
    expect(attention.functionalAcks).toMatchObject({ percent: 90, late: 1, missing: 0 });
    expect(attention.reasons[0]!.text).toBe('997/CONTRL on time 90 % (9 of 10; 1 late, 0 missing)');
    // 3 of 4 = 75 %
    const failing = partnerHealth(
      { ...healthy, functionalAcks: { due: 4, onTime: 3, late: 0, missing: 1, misses: [miss(null)] } },
      NOW,
    );
    expect(failing.status).toBe('failing');
  });

  it('acknowledgment timeliness: below 90 % attention, below 70 % failing', () => {
    expect(partnerHealth({ ...healthy, acknowledgments: ratio(8, 10) }, NOW).status).toBe('attention');
    expect(partnerHealth({ ...healthy, acknowledgments: ratio(6, 10) }, NOW).status).toBe('failing');
  });

  it('channel errors: one is attention, ten failing; open exceptions from five attention', () => {
    const one = partnerHealth(
      { ...healthy, channelErrors: { rejectedInbound: 0, failedDeliveries: 1, as2SecurityFailures: 0 } },
      NOW,
    );
    expect(one.status).toBe('attention');
    expect(one.channelErrors.total).toBe(1);
    const ten = partnerHealth(
      { ...healthy, channelErrors: { rejectedInbound: 4, failedDeliveries: 3, as2SecurityFailures: 3 } },
      NOW,
    );
    expect(ten.status).toBe('failing');
    expect(partnerHealth({ ...healthy, openExceptions: 4 }, NOW).status).toBe('ok');
    expect(partnerHealth({ ...healthy, openExceptions: 5 }, NOW).status).toBe('attention');
  });

  it('an SFTP server refusing renames is attention, with the server and since when', () => {
    const health = partnerHealth(
      {
        ...healthy,
        sftpRenamesRefused: { server: 'sftp.acme.example:22', since: '2026-11-20T08:00:00.000000Z' },
      },
      NOW,
    );
    expect(health.status).toBe('attention');
    expect(health.reasons).toEqual([
      {
        level: 'attention',
        text: 'SFTP server sftp.acme.example:22 refuses renames since 2026-11-20: files are read in place, not claimed first',
      },
    ]);
  });

  it('lists failing reasons first', () => {
    const health = partnerHealth(
      {
        ...healthy,
        openExceptions: 7,
        certificates: [{ subject: 'CN=x', notAfter: '2026-01-01T00:00:00.000Z' }],
      },
      NOW,
    );
    expect(health.reasons.map((r) => r.level)).toEqual(['failing', 'attention']);
  });
});

describe('sortHealth', () => {
  it('sorts worst first, then by name; or by name', () => {
    const list = [
      partnerHealth({ ...healthy, partnerId: 'a', name: 'Alpha' }, NOW),
      partnerHealth({ ...healthy, partnerId: 'c', name: 'Charlie', openExceptions: 9 }, NOW),
      partnerHealth({ ...healthy, partnerId: 'b', name: 'Bravo', acknowledgments: ratio(1, 10) }, NOW),
    ];
    expect(sortHealth(list, 'status').map((h) => h.partnerId)).toEqual(['b', 'c', 'a']);
    expect(sortHealth(list, 'name').map((h) => h.partnerId)).toEqual(['a', 'b', 'c']);
  });
});
