import type { ExceptionCase, JsonValue } from '../exceptions/exception.types.js';
import type { NotificationReason } from './notification.types.js';

/** A message in the forms every channel needs: a subject line, plain text and simple HTML. */
export interface RenderedMessage {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

export interface RenderOptions {
  /** Base URL of the workbench, without a trailing slash; no links without it. */
  readonly workbenchUrl?: string;
}

/** At most this many cases are listed in one digest; the rest are counted and linked. */
export const DIGEST_MAX_LISTED = 200;

const HEADLINE: Record<NotificationReason, string> = {
  raised: 'A new exception needs a decision.',
  reopened: 'A decided exception came back and needs a decision again.',
  assigned: 'An exception was assigned to you.',
  escalated: 'An exception was escalated.',
  'severity-raised': 'An exception became more severe.',
};

const SUBJECT_PREFIX: Record<NotificationReason, string> = {
  raised: 'New',
  reopened: 'Reopened',
  assigned: 'Assigned to you',
  escalated: 'Escalated',
  'severity-raised': 'Severity raised',
};

/** The link to a case in the workbench, if a base is configured. */
export function caseLink(c: Pick<ExceptionCase, 'id'>, options: RenderOptions): string | undefined {
  return options.workbenchUrl ? `${options.workbenchUrl}/exceptions/${encodeURIComponent(c.id)}` : undefined;
}

/** The facts of a case as label/value pairs, in the order a buyer reads them; absent ones left out. */
export function caseFacts(c: ExceptionCase): [string, string][] {
  const r = c.references;
  const facts: [string, string | null][] = [
    ['Type', c.type],
    ['Severity', c.severity],
    ['State', c.state],
    ['Summary', c.summary],
    ['Partner', r.partnerId],
    ['PO', r.poNumber],
    ['Line', r.poLine],
    ['Material', r.material],
    ['Plant', r.plant],
    [
      'Value at risk',
      c.impact.valueAtRisk === null ? null : `${c.impact.valueAtRisk} ${c.impact.currency ?? ''}`.trim(),
    ],
    ['Days late', c.impact.daysLate === null ? null : String(c.impact.daysLate)],
    ['Posting', r.postingRef],
  ];
  return facts.filter((f): f is [string, string] => f[1] !== null && f[1] !== '');
}

/** One line per differing field: `quantity: expected 100, actual 80`. */
export function differenceLines(c: ExceptionCase): string[] {
  return Object.entries(c.differences).map(
    ([field, d]) => `${field}: expected ${show(d.expected)}, actual ${show(d.actual)}`,
  );
}

/** `PO 4500012345 line 10`, or the type's subject when the case names no order. */
function subjectOf(c: ExceptionCase): string {
  const { poNumber, poLine } = c.references;
  if (poNumber) return `PO ${poNumber}${poLine ? ` line ${poLine}` : ''}`;
  return c.references.partnerId ? `partner ${c.references.partnerId}` : c.id;
}

export function renderCaseMessage(
  c: ExceptionCase,
  reason: NotificationReason,
  options: RenderOptions,
): RenderedMessage {
  const subject = oneLine(`${SUBJECT_PREFIX[reason]}: ${c.severity} ${c.type} — ${subjectOf(c)}`);
  const facts = caseFacts(c);
  const differences = differenceLines(c);
  const link = caseLink(c, options);
  const width = Math.max(...facts.map(([label]) => label.length)) + 3;
  const text = [
    HEADLINE[reason],
    '',
    ...facts.map(([label, value]) => `${`${label}:`.padEnd(width)}${oneLine(value)}`),
    ...(differences.length > 0 ? ['', 'What differs:', ...differences.map((d) => `  ${oneLine(d)}`)] : []),
    '',
    ...(link ? [`Open in the workbench: ${link}`] : []),
    `Case ${c.id} · correlation ${c.correlationId}`,
    '',
  ].join('\n');
  const html = page(
    [
      `<p>${esc(HEADLINE[reason])}</p>`,
      `<table cellpadding="4" cellspacing="0" border="0">`,
      ...facts.map(([label, value]) => `<tr><th align="left">${esc(label)}</th><td>${esc(value)}</td></tr>`),
      `</table>`,
      ...(differences.length > 0
        ? [
            '<p><strong>What differs</strong></p>',
            `<ul>${differences.map((d) => `<li>${esc(d)}</li>`).join('')}</ul>`,
          ]
        : []),
      ...(link ? [`<p><a href="${esc(link)}">Open in the workbench</a></p>`] : []),
      `<p style="color:#666;font-size:smaller">Case ${esc(c.id)} · correlation ${esc(c.correlationId)}</p>`,
    ].join('\n'),
  );
  return { subject, text, html };
}

/** One line per case for a digest: `[high] type — PO 1/10 — summary — 100.00 EUR at risk, 3 days late`. */
export function digestLine(c: ExceptionCase, reason: NotificationReason): string {
  const impact = [
    c.impact.valueAtRisk === null
      ? null
      : `${c.impact.valueAtRisk} ${c.impact.currency ?? ''}`.trim() + ' at risk',
    c.impact.daysLate === null ? null : `${c.impact.daysLate} days late`,
  ].filter((p) => p !== null);
  return oneLine(
    [
      `[${c.severity}] ${c.type}`,
      subjectOf(c),
      ...(c.summary ? [c.summary] : []),
      ...(impact.length > 0 ? [impact.join(', ')] : []),
      ...(reason === 'raised' ? [] : [SUBJECT_PREFIX[reason].toLowerCase()]),
    ].join(' — '),
  );
}

export function renderDigestMessage(
  entries: readonly { readonly case: ExceptionCase; readonly reason: NotificationReason }[],
  total: number,
  options: RenderOptions,
): RenderedMessage {
  const listed = entries.slice(0, DIGEST_MAX_LISTED);
  const more = total - listed.length;
  const subject = `${total} exception notification${total === 1 ? '' : 's'} held back (digest)`;
  const intro = `${total} exception notification${total === 1 ? ' was' : 's were'} held back so that they arrive as one message:`;
  const workbench = options.workbenchUrl ? `${options.workbenchUrl}/exceptions` : undefined;
  const text = [
    intro,
    '',
    ...listed.map((e) => {
      const link = caseLink(e.case, options);
      return `- ${digestLine(e.case, e.reason)}${link ? `\n  ${link}` : ''}`;
    }),
    ...(more > 0 ? ['', `… and ${more} more.`] : []),
    '',
    ...(workbench ? [`All exceptions: ${workbench}`] : []),
    '',
  ].join('\n');
  const html = page(
    [
      `<p>${esc(intro)}</p>`,
      '<ul>',
      ...listed.map((e) => {
        const link = caseLink(e.case, options);
        const line = esc(digestLine(e.case, e.reason));
        return `<li>${link ? `<a href="${esc(link)}">${line}</a>` : line}</li>`;
      }),
      '</ul>',
      ...(more > 0 ? [`<p>… and ${more} more.</p>`] : []),
      ...(workbench ? [`<p><a href="${esc(workbench)}">All exceptions</a></p>`] : []),
    ].join('\n'),
  );
  return { subject, text, html };
}

function page(body: string): string {
  return `<!doctype html>\n<html><body style="font-family:sans-serif">\n${body}\n</body></html>\n`;
}

/** HTML-escapes text (every value comes from partners' documents). */
export function esc(value: string): string {
  return value.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

/** Control characters and line breaks out, so a value cannot forge lines of the message. */
function oneLine(value: string): string {
  let out = '';
  let inControl = false;
  for (const ch of value) {
    const code = ch.codePointAt(0)!;
    const control = code < 0x20 || code === 0x7f;
    if (!control) out += ch;
    else if (!inControl) out += ' ';
    inControl = control;
  }
  return out.trim();
}

function show(value: JsonValue): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}
