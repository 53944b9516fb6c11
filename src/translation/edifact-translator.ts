import { createHash } from 'node:crypto';
import { CanonicalError, type CanonicalEvent } from '../canonical/index.js';
import { acceptEvent } from './event-check.js';
import { orderCorrelationId } from '../canonical/events/correlation.js';
import {
  EdifactDirectoryReader,
  EdifactDirectoryRegistry,
  type EdifactParsedMessage,
} from '../edi/edifact/directories/index.js';
import {
  edifactBytes,
  type EdifactGroupResult,
  type EdifactInterchangeResult,
  type EdifactMessageResult,
  type EdifactValidationResult,
} from '../edi/edifact/index.js';
import { interpretInbound, type X12MapConverters } from '../edi/x12/maps/index.js';
import type { PartnerProfile } from '../partners/partner-profile.schema.js';
import { shapeEdifactEvent } from './edifact-event-shaping.js';
import { edifactInboundConverters, type EdifactMapRegistry } from './edifact-map-registry.js';
import { eventsOf, stableUuid } from './x12-translator.js';

export interface EdifactTranslationInput {
  readonly bytes: Uint8Array | string;
  readonly partner: PartnerProfile | undefined;
  readonly interchangeId?: string | undefined;
  readonly channel?: 'sftp' | 'as2' | 'api' | 'portal' | 'gateway' | undefined;
  readonly receivedAt: Date;
  /** Translate only these messages (by UNH 0065); the others are left out of the result. */
  readonly only?: ((type: string) => boolean) | undefined;
}

/**
 * What became of one message: `translated` (an event), `rejected` (syntax, directory, or a type or
 * version the gateway does not read — `EdifactMapRegistry.supportsMessage` —: never an event), `failed`
 * (valid EDIFACT the map could not turn into a valid event) or `not-translated` (CONTRL and APERAK,
 * which the acknowledgment reader interprets).
 */
export interface EdifactTranslatedMessage {
  readonly interchangeIndex: number;
  readonly interchangeReference: string;
  readonly groupReference: string | undefined;
  readonly type: string;
  readonly reference: string;
  /** `D96A`, from UNH S009 0052 + 0054; the EANCOM subset after a colon (`D96A:EAN008`). */
  readonly directory: string;
  readonly outcome: 'translated' | 'rejected' | 'failed' | 'not-translated';
  readonly event: CanonicalEvent | undefined;
  readonly draft: Record<string, unknown> | undefined;
  readonly problems: readonly string[];
}

export interface EdifactTranslation {
  readonly validation: EdifactValidationResult;
  readonly messages: readonly EdifactTranslatedMessage[];
  readonly events: readonly CanonicalEvent[];
}

/** Input of a stream: the bytes come through `write`, so the event ids' origin is given up front. */
export type EdifactStreamInput = Omit<EdifactTranslationInput, 'bytes'> & {
  /** What makes event ids stable: the archive row's id, or a digest of the bytes (the CLI). */
  readonly origin: string;
};

/**
 * Receives a stream's results as they become final, so that nobody has to hold a whole
 * interchange's events: messages once nothing but their interchange's end can reject them, then the
 * interchange's verdict at its UNZ.
 */
export interface EdifactTranslationListener {
  /**
   * Messages (in file order, those `only` admits) whose own verdict is known: a functional group's at
   * its UNE (which can reject the group), a message outside groups at its UNT. Their events stand
   * unless `interchange` then voids them.
   */
  messages(messages: readonly EdifactTranslatedMessage[], interchangeIndex: number): void;
  /**
   * An interchange ended. `voided` is set when the interchange was rejected (its UNZ, or a defect found
   * after some of its messages were handed over): it stands instead of everything of the interchange
   * handed over before, every message now `rejected`, and none of their events stands.
   */
  interchange(interchangeIndex: number, voided: readonly EdifactTranslatedMessage[] | undefined): void;
}

/** A translation fed chunk by chunk (`write`), its results handed to a listener as they settle. */
export interface EdifactTranslationStream {
  write(chunk: Uint8Array): void;
  end(): EdifactValidationResult;
}

/** Per translation input: its receipt time as text, and the value converters per decimal mark. */
interface SharedPerInput {
  readonly receivedAt: string;
  readonly converters: { '.'?: X12MapConverters; ','?: X12MapConverters };
}

const ENVELOPE_TYPES: Readonly<Record<string, string>> = {
  'purchase-order.issued.v1': 'purchase-order.issued',
  'purchase-order.changed.v1': 'purchase-order.changed',
  'purchase-order.acknowledged.v1': 'purchase-order.acknowledged',
  'purchase-order.change-answered.v1': 'purchase-order.change-answered',
  'ship-notice.received.v1': 'ship-notice.received',
};

/** UNB S004 as CCYYMMDDHHMM (syntax 1–3 write YYMMDD: this century). */
function unbTimestamp(date: string, time: string): string {
  const d = date.length === 6 ? `20${date}` : date;
  return /^[0-9]{8}$/.test(d) && /^[0-9]{4}$/.test(time) ? `${d}${time}` : '';
}

/**
 * Reads an interchange with the message directories on, and turns every message they accepted into
 * the canonical event its inbound map describes, validated against the catalogue. Pure: no database.
 */
export class EdifactTranslator {
  constructor(private readonly maps: EdifactMapRegistry) {}

  /** The whole input at once; the result holds every message and event (the CLI, tests, small files). */
  translate(input: EdifactTranslationInput): EdifactTranslation {
    const messages: EdifactTranslatedMessage[] = [];
    // Where the current interchange's messages begin in `messages`: a voided interchange replaces them.
    let interchangeStart = 0;
    const stream = this.stream(
      {
        ...input,
        // Event ids are stable per archive row, or per content when there is none (the CLI).
        origin: input.interchangeId ?? createHash('sha256').update(input.bytes).digest('hex'),
      },
      {
        messages: (settled) => {
          for (const message of settled) messages.push(message);
        },
        interchange: (_index, voided) => {
          if (voided) messages.splice(interchangeStart, messages.length - interchangeStart, ...voided);
          interchangeStart = messages.length;
        },
      },
    );
    stream.write(edifactBytes(input.bytes));
    const validation = stream.end();
    return { validation, messages, events: eventsOf(messages) };
  }

  /**
   * Reads an interchange with the directories on as it arrives. Each message is translated at its UNT
   * (its parsed copy dropped right after). A group's messages are handed over at its UNE, when the
   * group's verdict is known; a message outside groups at its UNT, since nothing but the interchange's
   * end can reject it after that — and holding such messages until the UNZ would hold the whole
   * interchange's events, for the most common EDIFACT (no UNG) and a file of one large interchange.
   * What the UNZ or any later interchange finding can still reject, `interchange` voids. So memory
   * stays bounded by one group's events, or by one message's outside groups, whatever the file's size.
   */
  stream(input: EdifactStreamInput, listener: EdifactTranslationListener): EdifactTranslationStream {
    const shared: SharedPerInput = { receivedAt: input.receivedAt.toISOString(), converters: {} };
    const wanted = (type: string): boolean => input.only === undefined || input.only(type);
    // The interchange being read. A message after a UNZ, before any UNB, belongs to no interchange and
    // is not translated (the directory reader still gives it the last interchange).
    let ic: EdifactInterchangeResult | undefined;
    let interchangeIndex = -1;
    // This group's (or this message's, outside groups) translations made at the UNT, until settled.
    const translated = new Map<EdifactMessageResult, EdifactTranslatedMessage>();
    // Of the current interchange: how many messages were handed over, and those whose translation at
    // the UNT was already a rejection (a voiding keeps its reasons, as of the message itself).
    let handed = 0;
    const rejectedAtUnt = new Map<EdifactMessageResult, EdifactTranslatedMessage>();

    /** A message's result once its own and its group's verdicts are known (before its UNZ). */
    const settle = (
      at: EdifactInterchangeResult,
      group: EdifactGroupResult | undefined,
      message: EdifactMessageResult,
    ): EdifactTranslatedMessage => {
      handed++;
      const result = translated.get(message);
      if (result?.outcome === 'rejected') rejectedAtUnt.set(message, result);
      // Translated at its UNT, then rejected with its group at the UNE: no event, the group's reasons.
      const rejected = message.status === 'rejected' || group?.status === 'rejected';
      return result !== undefined && (result.outcome === 'rejected' || !rejected)
        ? result
        : this.one(input, shared, at, group, message, interchangeIndex, undefined);
    };

    const reader = new EdifactDirectoryReader(
      {
        startInterchange: (started) => {
          ic = started;
          interchangeIndex++;
          handed = 0;
        },
        endMessage: (message, group) => {
          // Outside groups, nothing but the interchange's end can reject the message from now on.
          if (ic === undefined || group !== undefined || !wanted(message.type)) return;
          listener.messages([settle(ic, undefined, message)], interchangeIndex);
          translated.clear();
        },
        endGroup: (group, at) => {
          const settled: EdifactTranslatedMessage[] = [];
          for (const message of group.messages)
            if (wanted(message.type)) settled.push(settle(at, group, message));
          translated.clear();
          if (settled.length > 0) listener.messages(settled, interchangeIndex);
        },
        endInterchange: (ended) => {
          const voided =
            ended.status === 'rejected' && handed > 0
              ? this.voided(input, shared, ended, interchangeIndex, rejectedAtUnt)
              : undefined;
          rejectedAtUnt.clear();
          ic = undefined;
          listener.interchange(interchangeIndex, voided);
        },
      },
      {
        keep: wanted,
        // As the intake judged it: a message we cannot read was answered UCM 4 / 14 and is `rejected`.
        isMessageSupported: (message) => this.maps.supportsMessage(message),
        onMessage: (parsed, message, group, at) => {
          if (at === ic)
            translated.set(message, this.one(input, shared, at, group, message, interchangeIndex, parsed));
        },
      },
    );
    return { write: (chunk) => reader.write(chunk), end: () => reader.end() };
  }

  /**
   * What stands instead of the messages of a rejected interchange handed over before: each rejected,
   * with the reasons its own verdict gave or else the interchange's. Read as `messagesOf` reads an
   * interchange, so one that mixes groups and messages (rejected for it) is its groups' messages.
   */
  private voided(
    input: EdifactStreamInput,
    shared: SharedPerInput,
    ic: EdifactInterchangeResult,
    index: number,
    rejectedAtUnt: ReadonlyMap<EdifactMessageResult, EdifactTranslatedMessage>,
  ): EdifactTranslatedMessage[] {
    const voided: EdifactTranslatedMessage[] = [];
    const groups: (EdifactGroupResult | undefined)[] = ic.groups.length > 0 ? ic.groups : [undefined];
    for (const group of groups)
      for (const message of group ? group.messages : ic.messages)
        if (input.only === undefined || input.only(message.type))
          voided.push(
            rejectedAtUnt.get(message) ?? this.one(input, shared, ic, group, message, index, undefined),
          );
    return voided;
  }

  private one(
    input: EdifactStreamInput,
    shared: SharedPerInput,
    ic: EdifactInterchangeResult,
    group: EdifactGroupResult | undefined,
    message: EdifactMessageResult,
    interchangeIndex: number,
    parsed: EdifactParsedMessage | undefined,
  ): EdifactTranslatedMessage {
    const directory = EdifactDirectoryRegistry.directoryOf(message.version, message.release);
    const base = {
      interchangeIndex,
      interchangeReference: ic.header.reference,
      groupReference: group?.reference,
      type: message.type,
      reference: message.reference,
      directory: message.associationCode ? `${directory}:${message.associationCode}` : directory,
      event: undefined,
      draft: undefined,
    };
    // LESSONS.md: an invalid message never reaches the business side.
    if (message.status === 'rejected' || ic.status === 'rejected' || group?.status === 'rejected')
      return { ...base, outcome: 'rejected', problems: rejectionReasons(ic, group, message) };
    const map = this.maps.inbound(message.type, directory, input.partner);
    if (!map || !parsed)
      return {
        ...base,
        outcome: 'not-translated',
        problems: [
          parsed
            ? `no inbound map for ${message.type} in ${directory}`
            : `no directory for ${message.type} ${message.version}:${message.release}:${message.agency}`,
        ],
      };
    const envelope: Record<string, string> = {
      UNB0004: ic.header.sender.id,
      UNB0010: ic.header.recipient.id,
      UNB0017: unbTimestamp(ic.header.date, ic.header.time),
      UNB0019: ic.header.time,
      UNB0020: ic.header.reference,
      UNG0048: group?.reference ?? '',
      UNH0062: message.reference,
      UNH0065: message.type,
      UNH0054: message.release,
    };
    const mark = ic.delimiters.decimalMark === ',' ? ',' : '.';
    const read = interpretInbound(parsed, map, {
      envelope,
      component: parsed.component,
      converters: (shared.converters[mark] ??= edifactInboundConverters(input.partner, mark)),
    });
    const value = read.value;
    const document = (value.document ?? {}) as Record<string, unknown>;
    const draft: Record<string, unknown> = {
      id: stableUuid(
        `edifact:${input.origin}:${ic.header.reference}:${group?.reference ?? ''}:${message.reference}`,
      ),
      type: ENVELOPE_TYPES[map.event],
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
        standard: 'edifact',
        messageType: message.type,
        controlNumber: message.reference,
      },
      payload: value.payload ?? {},
    };
    const shaped = shapeEdifactEvent(draft);
    shaped.correlationId = correlationOf(shaped);
    if (read.problems.length > 0)
      return { ...base, outcome: 'failed', draft: shaped, problems: [...read.problems] };
    try {
      const event = acceptEvent(shaped);
      return { ...base, outcome: 'translated', event, draft: shaped, problems: [] };
    } catch (error) {
      if (!(error instanceof CanonicalError)) throw error;
      return { ...base, outcome: 'failed', draft: shaped, problems: [error.message, ...error.details] };
    }
  }
}

function rejectionReasons(
  ic: EdifactInterchangeResult,
  group: EdifactGroupResult | undefined,
  message: EdifactMessageResult,
): string[] {
  const issues = [...message.issues, ...message.segmentIssues].filter((i) => i.severity === 'error');
  const out = issues
    .slice(0, 20)
    .map((i) => `0085 ${i.code ?? ''}${i.segmentPosition ? ` at ${i.segmentPosition}` : ''} ${i.message}`);
  if (out.length === 0 && group?.status === 'rejected') out.push(`group ${group.reference} rejected`);
  if (out.length === 0 && ic.status === 'rejected') out.push(`interchange ${ic.header.reference} rejected`);
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
  return `edifact:${String(document.number ?? event.id).replace(/[^A-Za-z0-9._:-]/g, '_')}`.slice(0, 128);
}
