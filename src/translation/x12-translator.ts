import { createHash, hash } from 'node:crypto';
import { CanonicalError, type CanonicalEvent } from '../canonical/index.js';
import { acceptEvent } from './event-check.js';
import {
  X12Reader,
  x12ReadOptions,
  type X12GroupResult,
  type X12InterchangeResult,
  type X12ParsedSet,
  type X12SetResult,
  type X12ValidationResult,
} from '../edi/x12/index.js';
import { interpretInbound, type X12InboundMap, type X12MapConverters } from '../edi/x12/maps/index.js';
import type { PartnerProfile } from '../partners/partner-profile.schema.js';
import { normalizeEvent } from './x12-event-shaping.js';
import { inboundConverters, type X12MapRegistry } from './x12-map-registry.js';
import { orderCorrelationId } from '../canonical/events/correlation.js';

export interface X12TranslationInput {
  readonly bytes: Uint8Array | string;
  readonly partner: PartnerProfile | undefined;
  /** The archive row, when the bytes came from the archive (causation id, event source). */
  readonly interchangeId?: string | undefined;
  readonly channel?: 'sftp' | 'as2' | 'api' | 'portal' | 'gateway' | undefined;
  readonly receivedAt: Date;
  /** Translate only these sets (the others are left out of the result): `(id) => id === '856'`. */
  readonly only?: ((setId: string) => boolean) | undefined;
  /**
   * Whether a GS03 is ours (GATEWAY_X12_APPLICATION_RECEIVER_CODES): a group addressed elsewhere is
   * rejected, as the intake answered it, and none of its sets becomes an event. Default: not checked.
   */
  readonly isApplicationReceiver?: ((code: string) => boolean) | undefined;
}

/**
 * What became of one transaction set: `translated` (an event), `rejected` (the syntax or grammar
 * rejected it: never an event), `failed` (valid X12 the map could not turn into a valid event) or
 * `not-translated` (no inbound map: 997, 999, sets of other versions).
 */
export interface X12TranslatedSet {
  /** 0-based position of the interchange in the file (the intake's `position`). */
  readonly interchangeIndex: number;
  readonly interchangeControlNumber: string;
  readonly groupControlNumber: string;
  readonly setId: string;
  readonly controlNumber: string;
  readonly version: string;
  readonly outcome: 'translated' | 'rejected' | 'failed' | 'not-translated';
  readonly event: CanonicalEvent | undefined;
  /** The map's reading, also when it did not make a valid event (for `inspect`, tests, operators). */
  readonly draft: Record<string, unknown> | undefined;
  readonly problems: readonly string[];
}

export interface X12Translation {
  readonly validation: X12ValidationResult;
  readonly sets: readonly X12TranslatedSet[];
  readonly events: readonly CanonicalEvent[];
}

/** Input of a stream: the bytes come through `write`, so the event ids' origin is given up front. */
export type X12StreamInput = Omit<X12TranslationInput, 'bytes'> & {
  /** What makes event ids stable: the archive row's id, or a digest of the bytes (the CLI). */
  readonly origin: string;
};

/**
 * Receives a stream's results as they become final, so that nobody has to hold a whole
 * interchange's events: a group's sets at its GE, then the interchange's verdict at its IEA.
 */
export interface X12TranslationListener {
  /**
   * A functional group's sets (in file order, those `only` admits), at its GE (or where the reader
   * closes a group its GE never ended). Their events stand unless `interchange` then voids them.
   */
  group(sets: readonly X12TranslatedSet[], interchangeIndex: number): void;
  /**
   * An interchange ended. `voided` is set when the interchange was rejected (its IEA, or a defect
   * found late): every set of it delivered before, now `rejected`, and none of their events stands.
   */
  interchange(interchangeIndex: number, voided: readonly X12TranslatedSet[] | undefined): void;
}

/** A translation fed chunk by chunk (`write`), its results handed to a listener as they settle. */
export interface X12TranslationStream {
  write(chunk: Uint8Array): void;
  end(): X12ValidationResult;
}

/** A stable UUID (RFC 9562 version 8) from a name: a replayed translation makes the same event ids. */
export function stableUuid(name: string): string {
  // The one-shot hash: a third of the time of a Hash object per name (one per translated set).
  const h = hash('sha256', name, 'hex');
  const variant = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Per translation input: its receipt time as text and the value converters (partner cross-references). */
interface SharedPerInput {
  readonly receivedAt: string;
  readonly converters: X12MapConverters;
  /**
   * The inbound map of the last set's id and group version: a file's sets are mostly of one kind, and
   * the registry makes its keys (and looks up the partner's override) per call. Valid for one input,
   * whose partner does not change.
   */
  lastMap:
    { readonly setId: string; readonly version: string; readonly map: X12InboundMap | undefined } | undefined;
}

const ENVELOPE_TYPES: Readonly<Record<string, string>> = {
  'purchase-order.issued.v1': 'purchase-order.issued',
  'purchase-order.changed.v1': 'purchase-order.changed',
  'purchase-order.acknowledged.v1': 'purchase-order.acknowledged',
  'purchase-order.change-answered.v1': 'purchase-order.change-answered',
  'ship-notice.received.v1': 'ship-notice.received',
};

/**
 * Reads an interchange with the grammars on, and turns every set the grammar accepted into the
 * canonical event its inbound map describes, validated against the catalogue. Pure: no database.
 */
export class X12Translator {
  constructor(private readonly maps: X12MapRegistry) {}

  /** The whole input at once; the result holds every set and event (the CLI, tests, small files). */
  translate(input: X12TranslationInput): X12Translation {
    const sets: X12TranslatedSet[] = [];
    // Where the current interchange's sets begin in `sets`: a voided interchange replaces them.
    let interchangeStart = 0;
    // Text is read as Latin-1 (a char a byte), and its digest is of those same bytes.
    const bytes = typeof input.bytes === 'string' ? Buffer.from(input.bytes, 'latin1') : input.bytes;
    const stream = this.stream(
      {
        ...input,
        // Event ids are stable per archive row, or per content when there is none (the CLI).
        origin: input.interchangeId ?? createHash('sha256').update(bytes).digest('hex'),
      },
      {
        group: (groupSets) => {
          for (const set of groupSets) sets.push(set);
        },
        interchange: (_index, voided) => {
          if (voided) sets.splice(interchangeStart, sets.length - interchangeStart, ...voided);
          interchangeStart = sets.length;
        },
      },
    );
    stream.write(bytes);
    const validation = stream.end();
    return { validation, sets, events: eventsOf(sets) };
  }

  /**
   * Reads an interchange with the grammars on as it arrives. Each set is translated at its SE (its
   * parsed copy is dropped right after) and handed over with its group at the GE; only the sets of
   * the interchange being read are remembered, and only by their envelope results, so memory stays
   * bounded by one group's events, whatever the file's size (the translation job stores each group's
   * events as it comes, and takes them back if the IEA rejects the interchange).
   */
  stream(input: X12StreamInput, listener: X12TranslationListener): X12TranslationStream {
    const shared: SharedPerInput = {
      receivedAt: input.receivedAt.toISOString(),
      converters: inboundConverters(input.partner),
      lastMap: undefined,
    };
    const wanted = (setId: string): boolean => input.only === undefined || input.only(setId);
    let ic: X12InterchangeResult | undefined;
    let interchangeIndex = -1;
    // The grammar's parsed copy of the set being read, from its SE until `endSet` takes it.
    let parsed: { readonly set: X12SetResult; readonly copy: X12ParsedSet } | undefined;
    // This group's translated sets, by their envelope result (sets without an SE never get here).
    const translated = new Map<X12SetResult, X12TranslatedSet>();
    // The current interchange's delivered sets, to void them should its end reject it.
    const delivered: { set: X12SetResult; group: X12GroupResult }[] = [];

    const deliverGroup = (group: X12GroupResult, at: X12InterchangeResult, index: number): void => {
      const results: X12TranslatedSet[] = [];
      for (const set of group.sets) {
        if (!wanted(set.id)) continue;
        delivered.push({ set, group });
        const result = translated.get(set) ?? untranslated(at, group, set, index);
        results.push(
          group.status === 'rejected' && result.outcome !== 'rejected'
            ? rejected(at, group, set, index)
            : result,
        );
      }
      translated.clear();
      if (results.length > 0) listener.group(results, index);
    };

    const reader = new X12Reader(
      {
        startInterchange: (started) => {
          ic = started;
          interchangeIndex++;
          delivered.length = 0;
        },
        endSet: (set, group) => {
          const taken = parsed;
          parsed = undefined;
          if (taken?.set !== set || ic === undefined) return;
          translated.set(set, this.one(input, shared, taken.copy, set, group, ic, interchangeIndex));
        },
        endGroup: (group, at) => deliverGroup(group, at, interchangeIndex),
        endInterchange: (ended) => {
          const voided =
            ended.status === 'rejected' && delivered.length > 0
              ? delivered.map(({ set, group }) => rejected(ended, group, set, interchangeIndex))
              : undefined;
          delivered.length = 0;
          ic = undefined;
          listener.interchange(interchangeIndex, voided);
        },
      },
      {
        ...x12ReadOptions({
          // Sets left out are still validated (the acknowledgment needs them) but not copied.
          keep: input.only,
          onSet: (copy, set) => {
            if (wanted(set.id)) parsed = { set, copy };
          },
        }),
        ...(input.isApplicationReceiver ? { isApplicationReceiver: input.isApplicationReceiver } : {}),
      },
    );
    return {
      write: (chunk) => reader.write(chunk),
      // The reader ends every group it opened (at its GE, or where a GS, IEA or the end of the input
      // cuts it off), so every set is handed over once (x12-translator-fuzz.spec.ts holds it to that).
      end: () => reader.end(),
    };
  }

  private inboundMap(
    input: X12StreamInput,
    shared: SharedPerInput,
    setId: string,
    version: string,
  ): X12InboundMap | undefined {
    const last = shared.lastMap;
    if (last !== undefined && last.setId === setId && last.version === version) return last.map;
    const map = this.maps.inbound(setId, version, input.partner);
    shared.lastMap = { setId, version, map };
    return map;
  }

  private one(
    input: X12StreamInput,
    shared: SharedPerInput,
    parsed: X12ParsedSet,
    set: X12SetResult,
    group: X12GroupResult,
    ic: X12InterchangeResult,
    interchangeIndex: number,
  ): X12TranslatedSet {
    // `setResult` builds each result as one literal (not a spread of the ids): one per set.
    const result = (
      outcome: X12TranslatedSet['outcome'],
      event: CanonicalEvent | undefined,
      draft: Record<string, unknown> | undefined,
      problems: readonly string[],
    ): X12TranslatedSet => setResult(ic, group, set, interchangeIndex, outcome, event, draft, problems);
    // LESSONS.md: an invalid set never reaches the business side.
    if (set.status === 'rejected' || group.status === 'rejected' || ic.status === 'rejected')
      return result('rejected', undefined, undefined, rejectionReasons(ic, group, set));
    const map = this.inboundMap(input, shared, set.id, group.version);
    if (!map)
      return result('not-translated', undefined, undefined, [
        `no inbound map for ${set.id} in ${group.version}`,
      ]);
    const envelope: Record<string, string> = {
      ISA06: ic.header.senderId.trim(),
      ISA08: ic.header.receiverId.trim(),
      ISA09: ic.header.date,
      ISA10: ic.header.time,
      ISA13: ic.controlNumber,
      GS02: group.senderCode,
      GS03: group.receiverCode,
      GS04: group.date,
      GS05: group.time,
      GS06: group.controlNumber,
      GS08: group.version,
      ST01: set.id,
      ST02: set.controlNumber,
    };
    const read = interpretInbound(parsed, map, {
      envelope,
      component: ic.delimiters.component,
      converters: shared.converters,
    });
    const problems = [...read.problems];
    const value = read.value;
    const document = (value.document ?? {}) as Record<string, unknown>;
    const type = ENVELOPE_TYPES[map.event];
    const draft: Record<string, unknown> = {
      id: stableUuid(`x12:${input.origin}:${ic.controlNumber}:${group.controlNumber}:${set.controlNumber}`),
      type,
      schemaVersion: 'v1',
      ...(input.partner ? { partnerId: input.partner.id } : {}),
      occurredAt: value.occurredAt ?? document.issuedAt ?? shared.receivedAt,
      receivedAt: shared.receivedAt,
      correlationId: '',
      causationId: input.interchangeId ?? null,
      document,
      source: {
        channel: input.channel ?? 'gateway',
        ...(input.interchangeId ? { interchangeId: input.interchangeId } : {}),
        standard: 'x12',
        messageType: set.id,
        controlNumber: set.controlNumber,
      },
      payload: value.payload ?? {},
    };
    const shaped = normalizeEvent(draft);
    shaped.correlationId = correlationOf(shaped);
    if (problems.length > 0) return result('failed', undefined, shaped, problems);
    try {
      const event = acceptEvent(shaped);
      return result('translated', event, shaped, []);
    } catch (error) {
      if (!(error instanceof CanonicalError)) throw error;
      const details = error.details;
      return result('failed', undefined, shaped, [error.message, ...details]);
    }
  }
}

/** What became of one set, after its ids (the key order callers and stored results see). */
function setResult(
  ic: X12InterchangeResult,
  group: X12GroupResult,
  set: X12SetResult,
  index: number,
  outcome: X12TranslatedSet['outcome'],
  event: CanonicalEvent | undefined,
  draft: Record<string, unknown> | undefined,
  problems: readonly string[],
): X12TranslatedSet {
  return {
    interchangeIndex: index,
    interchangeControlNumber: ic.controlNumber,
    groupControlNumber: group.controlNumber,
    setId: set.id,
    controlNumber: set.controlNumber,
    version: group.version,
    outcome,
    event,
    draft,
    problems,
  };
}

/** A set the map never read: rejected, with the reasons, or not translated (no inbound map). */
function untranslated(
  ic: X12InterchangeResult,
  group: X12GroupResult,
  set: X12SetResult,
  index: number,
): X12TranslatedSet {
  if (set.status === 'rejected' || group.status === 'rejected' || ic.status === 'rejected')
    return rejected(ic, group, set, index);
  return setResult(ic, group, set, index, 'not-translated', undefined, undefined, [
    `no inbound map for ${set.id} in ${group.version}`,
  ]);
}

/** A set that never becomes an event: it, its group or its interchange was rejected. */
function rejected(
  ic: X12InterchangeResult,
  group: X12GroupResult,
  set: X12SetResult,
  index: number,
): X12TranslatedSet {
  return setResult(ic, group, set, index, 'rejected', undefined, undefined, rejectionReasons(ic, group, set));
}

function rejectionReasons(ic: X12InterchangeResult, group: X12GroupResult, set: X12SetResult): string[] {
  const issues = [...set.issues, ...set.segmentIssues].filter((i) => i.severity === 'error');
  const out = issues.slice(0, 20).map((i) => `${i.codeList ?? ''} ${i.code ?? ''} ${i.message}`.trim());
  if (out.length === 0 && group.status === 'rejected') {
    // The group's own finding says why (a GS03 not ours has no AK905 code in 004010 to tell it).
    const why = group.issues.find((i) => i.severity === 'error');
    out.push(`group ${group.controlNumber} rejected${why ? `: ${why.message}` : ''}`);
  }
  if (out.length === 0 && ic.status === 'rejected') out.push(`interchange ${ic.controlNumber} rejected`);
  return out.length > 0 ? out : ['rejected'];
}

function correlationOf(event: Record<string, unknown>): string {
  const payload = (event.payload ?? {}) as Record<string, any>;
  const document = (event.document ?? {}) as Record<string, any>;
  const number =
    payload.purchaseOrder?.number ??
    payload.orders?.[0]?.purchaseOrder?.number ??
    (String(event.type).startsWith('purchase-order.') ? document.number : undefined);
  if (typeof number === 'string' && number !== '') return orderCorrelationId(number);
  return `x12:${String(document.number ?? event.id).replace(/[^A-Za-z0-9._:-]/g, '_')}`.slice(0, 128);
}

/** The events of the translated sets or messages, in order (a loop: no array per result). */
export function eventsOf(
  results: readonly { readonly event: CanonicalEvent | undefined }[],
): CanonicalEvent[] {
  const events: CanonicalEvent[] = [];
  for (const r of results) if (r.event) events.push(r.event);
  return events;
}
