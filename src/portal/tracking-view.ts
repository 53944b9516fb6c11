import type { Chain, ChainDeadLetter, ChainStep, TrackingHit } from '../tracking/tracking.service.js';

/**
 * The tracking pages' view models (docs/tracking.md, "In the portal"): search hits grouped by what
 * matched, and a chain laid out as a timeline whose steps are indented under what caused them, with
 * the raw-bytes download of every interchange and the replay form of every dead letter on it.
 * Framework-free, so the grouping and the replay rules are unit-tested (tracking-view.spec.ts).
 */

/** What a person searched by, in the order the page lists the groups. */
const GROUPS: readonly { readonly label: string; readonly matches: readonly string[] }[] = [
  { label: 'Purchase order', matches: ['purchase-order-number'] },
  { label: 'Ship notice (ASN)', matches: ['shipment-number'] },
  { label: 'SSCC', matches: ['sscc'] },
  {
    label: 'Control number',
    matches: ['isa13', 'unb-reference', 'control-number', 'group-control-number'],
  },
  { label: 'AS2 Message-ID', matches: ['as2-message-id'] },
  { label: 'Correlation id', matches: ['correlation-id'] },
  { label: 'File name', matches: ['file-name'] },
  { label: 'Document number', matches: ['document-number'] },
  { label: 'ERP document number', matches: ['erp-document-number'] },
  { label: 'Archive id', matches: ['archive-id'] },
];

const KIND_LABELS: Record<TrackingHit['kind'] | ChainStep['kind'], string> = {
  interchange: 'Interchange (wire bytes)',
  'business-document': 'Business document',
  'purchase-order': 'Purchase order',
  'ship-notice': 'Ship notice',
  'outbound-document': 'Document sent',
  'erp-posting': 'ERP posting',
  exception: 'Exception',
  'webhook-delivery': 'Webhook message',
};

const DIRECTION_LABELS: Record<TrackingHit['direction'], string> = {
  inbound: 'from the partner',
  outbound: 'to the partner',
  'to-erp': 'to the ERP',
  internal: 'from the ERP',
};

/** Statuses shown as a problem (badge `problem`): what a person may have to act on. */
const PROBLEM_STATUSES = new Set(['dead', 'failed', 'rejected', 'error', 'outcome-unknown', 'open']);

/** A posting's status in words: `dead` is a dead-lettered posting, not a dead ERP. */
const STATUS_LABELS: Record<string, string> = {
  dead: 'dead-lettered',
  'outcome-unknown': 'unknown outcome',
};

export interface HitRow {
  readonly kind: string;
  readonly id: string;
  readonly matched: string;
  readonly partner: string;
  readonly direction: string;
  readonly at: string;
  readonly status: string;
  readonly statusClass: string;
  readonly problem: boolean;
  readonly summary: string;
  readonly chainHref: string;
}

export interface HitGroup {
  readonly label: string;
  readonly hits: HitRow[];
}

export type PartnerName = (partnerId: string) => string;

/** The link to the chain page of the given correlation ids. */
export function chainHref(correlationIds: readonly string[], q?: string): string {
  const params = new URLSearchParams();
  for (const id of correlationIds) params.append('c', id);
  if (q) params.set('q', q);
  return `/portal/tracking/chain?${params.toString()}`;
}

/** The status in words, its CSS class (the raw value, for the badge colour) and whether it needs a person. */
function statusOf(status: string | null): { status: string; statusClass: string; problem: boolean } {
  if (!status) return { status: '', statusClass: '', problem: false };
  return {
    status: STATUS_LABELS[status] ?? status,
    statusClass: status.replace(/[^a-z0-9-]/gi, ''),
    problem: PROBLEM_STATUSES.has(status),
  };
}

/** Hits grouped by what matched, groups in a fixed order; a match the page does not know goes last. */
export function groupHits(hits: readonly TrackingHit[], partnerName: PartnerName, q: string): HitGroup[] {
  const groups = GROUPS.map((g) => ({ label: g.label, matches: g.matches, hits: [] as HitRow[] }));
  const other = { label: 'Other', matches: [] as readonly string[], hits: [] as HitRow[] };
  for (const hit of hits) {
    const group = groups.find((g) => g.matches.includes(hit.matched)) ?? other;
    group.hits.push({
      kind: KIND_LABELS[hit.kind],
      id: hit.id,
      matched: hit.matched,
      partner: hit.partnerId ? partnerName(hit.partnerId) : '—',
      direction: DIRECTION_LABELS[hit.direction],
      at: hit.at,
      ...statusOf(hit.status),
      summary: hit.summary,
      chainHref: chainHref([hit.correlationId], q),
    });
  }
  return [...groups, other].filter((g) => g.hits.length > 0).map(({ label, hits }) => ({ label, hits }));
}

export interface ReplayView {
  readonly deadLetterId: string;
  readonly jobName: string;
  readonly error: string;
  readonly deadAt: string;
  /** Open for replay: never replayed. */
  readonly replayable: boolean;
  readonly replayedAt: string | null;
  readonly replayedBy: string | null;
  readonly action: string;
}

export interface StepView {
  readonly anchor: string;
  readonly kind: string;
  readonly kindKey: ChainStep['kind'];
  readonly id: string;
  readonly at: string;
  readonly summary: string;
  readonly status: string;
  readonly statusClass: string;
  readonly problem: boolean;
  readonly partner: string;
  /** 0 for a step nothing on the chain caused, 1 under its cause, … (capped for the layout). */
  readonly depth: number;
  readonly causedBy: { readonly label: string; readonly href: string | null } | null;
  /** The bytes as received or sent, as a download (interchanges only). */
  readonly rawHref: string | null;
  /** The dead letter of this step's job (an ERP posting's), with its replay form when still open. */
  readonly replay: ReplayView | null;
  /** A document we sent that failed for good or was cancelled: the form that delivers it again. */
  readonly resend: { readonly action: string } | null;
}

/** Outbound documents a person may deliver again from the chain (delivery gave up, or someone cancelled it). */
export const RESENDABLE = new Set(['failed', 'cancelled']);

export interface ChainView {
  readonly steps: StepView[];
  /** Dead letters on the chain that belong to no step shown (a delivery's, a notification's). */
  readonly otherDeadLetters: ReplayView[];
  readonly problems: number;
}

const MAX_DEPTH = 4;

function replayView(letter: ChainDeadLetter): ReplayView {
  return {
    deadLetterId: letter.id,
    jobName: letter.jobName,
    error: letter.error,
    deadAt: letter.deadAt,
    replayable: letter.replayedAt === null,
    replayedAt: letter.replayedAt,
    replayedBy: letter.replayedBy,
    action: `/portal/tracking/dead-letters/${encodeURIComponent(letter.id)}/replay`,
  };
}

/** `interchange 5120` → the anchor of that step; `event <uuid>` → the business document's. */
function causeAnchor(causedBy: string): string | null {
  const [kind, id] = causedBy.split(' ', 2);
  if (!id) return null;
  if (kind === 'interchange') return `interchange-${id}`;
  if (kind === 'event') return `business-document-${id}`;
  if (kind === 'outbound-document') return `outbound-document-${id}`;
  return null;
}

/**
 * The chain as the page shows it. A posting's dead letter is attached to the posting (by the posting
 * id in the job's payload); the newest dead letter wins when a posting died more than once, so the
 * form offered is the one still open.
 */
export function chainView(
  chain: Chain,
  deadLetters: readonly ChainDeadLetter[],
  partnerName: PartnerName,
): ChainView {
  const anchors = new Set(chain.steps.map((s) => `${s.kind}-${s.id}`));
  const byPosting = new Map<string, ChainDeadLetter>();
  const open = (l: ChainDeadLetter) => l.replayedAt === null;
  for (const letter of deadLetters) {
    if (!letter.postingId || !anchors.has(`erp-posting-${letter.postingId}`)) continue;
    const known = byPosting.get(letter.postingId);
    // An open dead letter is the one to offer; otherwise the newest (they come newest first).
    if (!known || (!open(known) && open(letter))) byPosting.set(letter.postingId, letter);
  }
  // A tree: each step right under what caused it (when that is on the chain), siblings and roots
  // in time order, so an acknowledgment stays under the interchange it came in even when the two
  // writers' clocks put it first.
  const causeOf = (step: ChainStep) => {
    const cause = step.causedBy ? causeAnchor(step.causedBy) : null;
    return cause !== null && cause !== `${step.kind}-${step.id}` && anchors.has(cause) ? cause : null;
  };
  const children = new Map<string | null, ChainStep[]>();
  for (const step of chain.steps) {
    const cause = causeOf(step);
    children.set(cause, [...(children.get(cause) ?? []), step]);
  }
  const ordered: { step: ChainStep; depth: number }[] = [];
  const placed = new Set<string>();
  const place = (parent: string | null, depth: number) => {
    for (const step of children.get(parent) ?? []) {
      const anchor = `${step.kind}-${step.id}`;
      if (placed.has(anchor)) continue;
      placed.add(anchor);
      ordered.push({ step, depth: Math.min(depth, MAX_DEPTH) });
      place(anchor, depth + 1);
    }
  };
  place(null, 0);
  // Steps in a cycle of causes (which no writer should make) still show, at the top level.
  for (const step of chain.steps)
    if (!placed.has(`${step.kind}-${step.id}`)) {
      placed.add(`${step.kind}-${step.id}`);
      ordered.push({ step, depth: 0 });
      place(`${step.kind}-${step.id}`, 1);
    }
  const steps = ordered.map(({ step, depth }): StepView => {
    const anchor = `${step.kind}-${step.id}`;
    const cause = causeOf(step);
    const letter = step.kind === 'erp-posting' ? byPosting.get(step.id) : undefined;
    return {
      anchor,
      kind: KIND_LABELS[step.kind],
      kindKey: step.kind,
      id: step.id,
      at: step.at,
      summary: step.summary,
      ...statusOf(step.status),
      partner: step.partnerId ? partnerName(step.partnerId) : '',
      depth,
      causedBy: step.causedBy ? { label: step.causedBy, href: cause ? `#${cause}` : null } : null,
      rawHref:
        step.kind === 'interchange'
          ? `/portal/tracking/interchanges/${encodeURIComponent(step.id)}/raw`
          : null,
      replay: letter ? replayView(letter) : null,
      resend:
        step.kind === 'outbound-document' && RESENDABLE.has(step.status ?? '')
          ? { action: `/portal/tracking/outbound-documents/${encodeURIComponent(step.id)}/resend` }
          : null,
    };
  });
  const attached = new Set([...byPosting.values()].map((l) => l.id));
  const otherDeadLetters = deadLetters.filter((l) => !attached.has(l.id)).map(replayView);
  return {
    steps,
    otherDeadLetters,
    problems: steps.filter((s) => s.problem).length + otherDeadLetters.filter((l) => l.replayable).length,
  };
}
