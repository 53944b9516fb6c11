import { describe, expect, it } from 'vitest';
import type { ExceptionCase } from '../exceptions/exception.types.js';
import { DIGEST_MAX_LISTED, renderCaseMessage, renderDigestMessage } from './notification-render.js';
import { webhookDigestBody, webhookNotificationBody } from './webhook-render.js';

function aCase(overrides: Partial<ExceptionCase> = {}): ExceptionCase {
  return {
    id: '5f0c2d1e-1111-4222-8333-444455556666',
    type: 'acknowledgment.quantity-changed',
    severity: 'high',
    dedupeKey: 'PO-1:10:ack-rev-1',
    summary: 'Supplier confirmed 80 of 100',
    references: {
      partnerId: 'acme',
      poNumber: '4500012345',
      poLine: '10',
      material: 'M-100',
      plant: 'P1',
      interchangeId: null,
      postingRef: null,
      poRevision: null,
    },
    differences: {
      quantity: { expected: '100', actual: '80' },
      date: { expected: '2026-12-04', actual: null },
    },
    impact: { valueAtRisk: '1250.00', currency: 'EUR', daysLate: 3 },
    ownerUserId: null,
    occurrence: null,
    state: 'open',
    stateChangedBy: 'gateway',
    stateChangedAt: '2026-11-27T10:00:00.000000Z',
    correlationId: 'corr-1',
    createdAt: '2026-11-27T10:00:00.000000Z',
    updatedAt: '2026-11-27T10:00:00.000000Z',
    ...overrides,
  };
}

const options = { workbenchUrl: 'https://gw.example.com/workbench' };

describe('a case notification', () => {
  it('names the type, severity and order in the subject', () => {
    expect(renderCaseMessage(aCase(), 'raised', options).subject).toBe(
      'New: high acknowledgment.quantity-changed — PO 4500012345 line 10',
    );
    expect(renderCaseMessage(aCase({ severity: 'critical' }), 'escalated', options).subject).toBe(
      'Escalated: critical acknowledgment.quantity-changed — PO 4500012345 line 10',
    );
    const noPo = aCase({ references: { ...aCase().references, poNumber: null, poLine: null } });
    expect(renderCaseMessage(noPo, 'assigned', options).subject).toBe(
      'Assigned to you: high acknowledgment.quantity-changed — partner acme',
    );
  });

  it('lists every fact, what differs, the impact and the workbench link in the text', () => {
    const { text } = renderCaseMessage(aCase(), 'raised', options);
    expect(text).toContain('A new exception needs a decision.');
    for (const line of [
      'Type:           acknowledgment.quantity-changed',
      'Severity:       high',
      'Summary:        Supplier confirmed 80 of 100',
      'Partner:        acme',
      'PO:             4500012345',
      'Line:           10',
      'Material:       M-100',
      'Plant:          P1',
      'Value at risk:  1250.00 EUR',
      'Days late:      3',
      '  quantity: expected 100, actual 80',
      '  date: expected 2026-12-04, actual null',
      'Open in the workbench: https://gw.example.com/workbench/exceptions/5f0c2d1e-1111-4222-8333-444455556666',
    ]) {
      expect(text).toContain(line);
    }
  });

  it('leaves out facts the case does not have, and the link without a workbench URL', () => {
    const bare = aCase({
      summary: null,
      differences: {},
      impact: { valueAtRisk: null, currency: null, daysLate: null },
    });
    const { text, html } = renderCaseMessage(bare, 'raised', {});
    expect(text).not.toMatch(/Summary|Value at risk|Days late|What differs|workbench/);
    expect(html).not.toContain('<a ');
  });

  it('escapes partner-supplied values in the HTML and keeps them on one line in the text', () => {
    const hostile = aCase({
      summary: '<script>alert(1)</script>\nBcc: victim@example.com',
      references: { ...aCase().references, material: `M"&'<b>` },
    });
    const { text, html, subject } = renderCaseMessage(hostile, 'raised', options);
    expect(html).not.toContain('<script>');
    expect(html).toContain('&#60;script&#62;alert(1)&#60;/script&#62;');
    expect(html).toContain('M&#34;&#38;&#39;&#60;b&#62;');
    expect(text).toContain('Summary:        <script>alert(1)</script> Bcc: victim@example.com');
    expect(subject).not.toMatch(/[\r\n]/);
  });
});

describe('a digest', () => {
  it('lists each case on one line with its link, and caps the list', () => {
    const entries = Array.from({ length: DIGEST_MAX_LISTED + 5 }, (_, i) => ({
      case: aCase({ id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, summary: `case ${i}` }),
      reason: 'raised' as const,
    }));
    const { subject, text, html } = renderDigestMessage(entries, entries.length, options);
    expect(subject).toBe(`${DIGEST_MAX_LISTED + 5} exception notifications held back (digest)`);
    expect(text).toContain(
      '- [high] acknowledgment.quantity-changed — PO 4500012345 line 10 — case 0 — 1250.00 EUR at risk, 3 days late',
    );
    expect(text).toContain(
      'https://gw.example.com/workbench/exceptions/00000000-0000-4000-8000-000000000000',
    );
    expect(text).toContain('… and 5 more.');
    expect(text).not.toContain(`case ${DIGEST_MAX_LISTED}`);
    expect(html.match(/<li>/g)).toHaveLength(DIGEST_MAX_LISTED);
  });
});

describe('webhook bodies', () => {
  it('carry a chat text and the structured case', () => {
    const body = JSON.parse(webhookNotificationBody(aCase(), 'raised', 'exception.x.1', options));
    expect(body).toMatchObject({
      event: 'exception.notification.v1',
      delivery: 'exception.x.1',
      reason: 'raised',
      case: {
        id: aCase().id,
        type: 'acknowledgment.quantity-changed',
        references: { poNumber: '4500012345', poLine: '10' },
        impact: { valueAtRisk: '1250.00', currency: 'EUR', daysLate: 3 },
        link: 'https://gw.example.com/workbench/exceptions/5f0c2d1e-1111-4222-8333-444455556666',
      },
    });
    expect(body.text).toMatch(
      /^New exception: \[high\] acknowledgment.quantity-changed — PO 4500012345 line 10/,
    );
  });

  it('digest every held case in one body', () => {
    const body = JSON.parse(webhookDigestBody([{ case: aCase(), reason: 'escalated' }], 1, 'd-1', options));
    expect(body).toMatchObject({ event: 'exception.digest.v1', total: 1, cases: [{ reason: 'escalated' }] });
    expect(body.text).toContain('1 exception notifications held back:\n• [high]');
  });
});
