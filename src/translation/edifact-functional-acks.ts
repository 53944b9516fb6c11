import { parseEvent, type CanonicalEvent } from '../canonical/index.js';
import { readAcknowledgments, type ContrlReport } from '../edi/edifact/ack-reader.js';
import { stableUuid } from './x12-translator.js';

export interface ContrlSource {
  readonly partnerId: string;
  readonly interchangeId: string;
  readonly payload: Buffer;
  readonly receivedAt: Date;
  readonly channel: 'sftp' | 'as2' | 'api' | 'portal' | 'gateway';
  /**
   * `UNB 0020/UNH 0062` of the CONTRL messages that passed validation in interchanges the intake
   * accepted (see `believedContrls`). A CONTRL the validator rejected (UNT count, UNH/UNT reference,
   * a segment out of place) was answered as rejected and is not believed: it never becomes an event.
   */
  readonly believed: ReadonlySet<string>;
}

/** The key `believed` holds for one CONTRL message. */
export function contrlKey(interchange: string, message: string): string {
  return `${interchange}/${message}`;
}

/**
 * The CONTRL messages of a translation that may become events: not rejected by validation. A key seen
 * both rejected and not (a reference repeated in one file) is not believed either.
 */
export function believedContrls(
  messages: readonly {
    readonly interchangeReference: string;
    readonly reference: string;
    readonly type: string;
    readonly outcome: string;
  }[],
): Set<string> {
  const believed = new Set<string>();
  const doubted = new Set<string>();
  for (const m of messages) {
    if (m.type !== 'CONTRL') continue;
    (m.outcome === 'rejected' ? doubted : believed).add(contrlKey(m.interchangeReference, m.reference));
  }
  for (const key of doubted) believed.delete(key);
  return believed;
}

/**
 * A partner's CONTRL messages as `functional-acknowledgment.received` events, one per CONTRL: the
 * interchange it answers (UCI 0020 = our UNB reference) and each message's verdict (UCM). The
 * outbound delivery joins them to its documents by that reference.
 */
export function contrlEvents(source: ContrlSource): CanonicalEvent[] {
  return readAcknowledgments(source.payload)
    .contrls.filter((c) => source.believed.has(contrlKey(c.contrl.interchange, c.contrl.reference)))
    .map((contrl) => toEvent(contrl, source));
}

function toEvent(contrl: ContrlReport, source: ContrlSource): CanonicalEvent {
  const messages = [...contrl.messages, ...contrl.groups.flatMap((g) => g.messages)];
  const rejected = contrl.action === 'rejected' || messages.some((m) => m.action === 'rejected');
  const status =
    contrl.action === 'rejected'
      ? 'rejected'
      : rejected
        ? messages.every((m) => m.action === 'rejected')
          ? 'rejected'
          : 'partially-accepted'
        : 'accepted';
  const number =
    `${contrl.contrl.interchange}-${contrl.contrl.reference}-${contrl.interchangeReference}`.slice(0, 48);
  return parseEvent({
    id: stableUuid(`edifact-contrl:${source.interchangeId}:${number}`),
    type: 'functional-acknowledgment.received',
    schemaVersion: 'v1',
    partnerId: source.partnerId,
    occurredAt: source.receivedAt.toISOString(),
    receivedAt: source.receivedAt.toISOString(),
    correlationId: `contrl:${number}`.slice(0, 128),
    causationId: source.interchangeId,
    document: { kind: 'original', number, revision: '1' },
    source: {
      channel: source.channel,
      interchangeId: source.interchangeId,
      standard: 'edifact',
      messageType: 'CONTRL',
      controlNumber: contrl.contrl.reference,
    },
    payload: {
      standard: 'edifact',
      ackType: 'CONTRL',
      acknowledged: { interchangeControlNumber: contrl.interchangeReference },
      status,
      transactionSets: messages.map((m) => ({
        controlNumber: m.reference,
        type: /^[A-Z]{6}$/.test(m.type) ? m.type : 'UNKNWN',
        status: m.action === 'rejected' ? 'rejected' : 'accepted',
        ...(m.segmentErrors.length > 0
          ? {
              issues: m.segmentErrors.map((e) => ({
                level: 'segment' as const,
                code: e.code,
                segmentPosition: e.position > 0 ? e.position : undefined,
              })),
            }
          : {}),
      })),
    },
  });
}
