import { createHash } from 'node:crypto';
import { CanonicalError, type CanonicalEvent } from '../canonical/index.js';
import { acceptEvent } from './event-check.js';
import { orderCorrelationId } from '../canonical/events/correlation.js';
import {
  EdifactDirectoryRegistry,
  readEdifactWithDirectories,
  type EdifactParsedMessage,
} from '../edi/edifact/directories/index.js';
import {
  messagesOf,
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

  translate(input: EdifactTranslationInput): EdifactTranslation {
    // Each message is translated at its UNT (its parsed copy dropped right after, so memory stays
    // bounded by one message); an interchange or group rejected later (UNE, UNZ) voids its events below.
    const origin = input.interchangeId ?? createHash('sha256').update(input.bytes).digest('hex');
    const index = new Map<EdifactInterchangeResult, number>();
    const done = new Map<EdifactMessageResult, EdifactTranslatedMessage>();
    // What every message of this input shares, made once instead of per message.
    const shared: SharedPerInput = { receivedAt: input.receivedAt.toISOString(), converters: {} };
    const validation = readEdifactWithDirectories(
      input.bytes,
      { startInterchange: (ic) => void index.set(ic, index.size) },
      {
        keep: (type) => !input.only || input.only(type),
        // As the intake judged it: a message we cannot read was answered UCM 4 / 14 and is `rejected`.
        isMessageSupported: (message) => this.maps.supportsMessage(message),
        onMessage: (parsed, message, group, ic) =>
          void done.set(message, this.one(input, shared, ic, group, message, index.get(ic)!, parsed, origin)),
      },
    );
    const messages: EdifactTranslatedMessage[] = [];
    validation.interchanges.forEach((ic, position) => {
      const groups: (EdifactGroupResult | undefined)[] = ic.groups.length > 0 ? ic.groups : [undefined];
      for (const group of groups)
        for (const message of group ? group.messages : messagesOf(ic)) {
          if (input.only && !input.only(message.type)) continue;
          const translated = done.get(message);
          const voided =
            message.status === 'rejected' || ic.status === 'rejected' || group?.status === 'rejected';
          messages.push(
            translated && !(voided && translated.outcome !== 'rejected')
              ? translated
              : this.one(input, shared, ic, group, message, position, undefined, origin),
          );
        }
    });
    return { validation, messages, events: eventsOf(messages) };
  }

  private one(
    input: EdifactTranslationInput,
    shared: SharedPerInput,
    ic: EdifactInterchangeResult,
    group: EdifactGroupResult | undefined,
    message: EdifactMessageResult,
    interchangeIndex: number,
    parsed: EdifactParsedMessage | undefined,
    origin: string,
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
        `edifact:${origin}:${ic.header.reference}:${group?.reference ?? ''}:${message.reference}`,
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
