import { s011Position } from '../contrl-builder.js';
import { COMPONENT_MARK } from '../x12-shared.js';
import { EdifactGenerationError } from './generation-error.js';

/** The part of a canonical `functional-acknowledgment.*` payload (ackType CONTRL) a CONTRL is written from. */
export interface EdifactContrlContent {
  readonly acknowledged: { readonly interchangeControlNumber: string };
  readonly status: 'accepted' | 'accepted-with-errors' | 'partially-accepted' | 'rejected';
  /** UCI S002 / S003: the acknowledged interchange's sender and recipient, as it had them. */
  readonly interchangeSender: { readonly id: string; readonly qualifier?: string | undefined };
  readonly interchangeRecipient: { readonly id: string; readonly qualifier?: string | undefined };
  readonly transactionSets: readonly {
    readonly controlNumber: string;
    readonly type: string;
    readonly status: 'accepted' | 'accepted-with-errors' | 'rejected';
    readonly issues?:
      | readonly {
          readonly level: string;
          readonly code?: string | undefined;
          readonly segmentPosition?: number | undefined;
          readonly elementPosition?: number | undefined;
          readonly componentPosition?: number | undefined;
        }[]
      | undefined;
  }[];
  readonly issues?: readonly { readonly level: string; readonly code?: string | undefined }[] | undefined;
  /** UCM S009 per message type (`DESADV` → `D96A`, `D01B:EAN007`); default D96A. */
  readonly messageVersions?: Readonly<Record<string, string>> | undefined;
}

const c = (...parts: (string | undefined)[]): string => parts.map((p) => p ?? '').join(COMPONENT_MARK);

/** `D96A` or `D01B:EAN007` → S009 of the acknowledged message. */
function s009(type: string, version = 'D96A'): string {
  const [directory = 'D96A', association] = version.split(':');
  return c(type, directory.slice(0, 1), directory.slice(1), 'UN', association);
}

/**
 * The body of a CONTRL (ISO 9735-6 / CONTRL D:3): UCI with action 4 (rejected) or 7 (acknowledged,
 * everything not listed is accepted), then per rejected message UCM 4 with its first message-level code,
 * UCS per segment in error (position counting UNH as 1) and UCD per element. EDIFACT has no "accepted
 * with errors": such a message is reported accepted.
 */
export function contrlRows(ack: EdifactContrlContent): string[][] {
  if (!ack.acknowledged.interchangeControlNumber)
    throw new EdifactGenerationError('VALUE_INVALID', 'a CONTRL answers an interchange reference');
  const rejected = ack.status === 'rejected';
  const uciCode = (ack.issues ?? []).find((i) => i.level === 'interchange' && i.code)?.code;
  const rows: string[][] = [
    [
      'UCI',
      ack.acknowledged.interchangeControlNumber,
      c(ack.interchangeSender.id, ack.interchangeSender.qualifier),
      c(ack.interchangeRecipient.id, ack.interchangeRecipient.qualifier),
      rejected ? '4' : '7',
      ...(uciCode ? [uciCode] : []),
    ],
  ];
  if (rejected && uciCode) return rows;
  for (const message of ack.transactionSets) {
    if (message.status !== 'rejected') continue;
    const issues = message.issues ?? [];
    const messageCode = issues.find((i) => i.level === 'set' && i.code)?.code;
    rows.push([
      'UCM',
      message.controlNumber,
      s009(message.type, ack.messageVersions?.[message.type]),
      '4',
      ...(messageCode ? [messageCode] : []),
    ]);
    const bySegment = new Map<number, typeof issues>();
    for (const i of issues)
      if ((i.level === 'segment' || i.level === 'element') && i.segmentPosition !== undefined)
        bySegment.set(i.segmentPosition, [...(bySegment.get(i.segmentPosition) ?? []), i]);
    for (const [position, list] of [...bySegment].sort((a, b) => a[0] - b[0]).slice(0, 999)) {
      const segmentCode = list.find((i) => i.level === 'segment' && i.code)?.code;
      rows.push(['UCS', String(position), ...(segmentCode ? [segmentCode] : [])]);
      for (const i of list
        .filter((x) => x.level === 'element' && x.elementPosition !== undefined)
        .slice(0, 99))
        rows.push([
          'UCD',
          i.code ?? '12',
          c(s011Position(i.elementPosition!), i.componentPosition?.toString()),
        ]);
    }
  }
  return rows;
}
