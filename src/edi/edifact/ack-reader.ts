import type { EdiPosition } from '../core/position.js';
import { readEdifact, type EdifactReaderOptions } from './reader.js';
import type { EdifactMessageResult, EdifactValidationResult } from './result.js';
import type { EdifactSegment } from './segment.js';
import type { ContrlAction } from './contrl-builder.js';

/** The message types `readAcknowledgments` interprets, of whatever version their UNH names. */
export const EDIFACT_ACKNOWLEDGMENT_TYPES: readonly string[] = Object.freeze(['CONTRL', 'APERAK']);

/** An error a partner reports against a segment (UCS) and its elements (UCD). */
export interface ContrlSegmentError {
  /** UCS 0096: position in the message, UNH = 1. */
  readonly position: number;
  readonly code: string | undefined;
  readonly elements: readonly {
    readonly code: string;
    /** UCD S011 0098 as sent: the segment tag is position 1, its first data element 2. */
    readonly element: number;
    readonly component?: number;
  }[];
}

/** What a UCI, UCF or UCM says about one level. */
export interface ContrlVerdict {
  readonly action: ContrlAction | 'unknown';
  /** 0085 code, when given. */
  readonly code: string | undefined;
  /** 0135: the service segment in error (UNB, UNH, …). */
  readonly segmentTag: string | undefined;
  /** S011 0098 as sent: the segment tag is position 1, its first data element 2. */
  readonly element: number | undefined;
  readonly component: number | undefined;
}

export interface ContrlMessageReport extends ContrlVerdict {
  /** UCM 0062 and S009 of the message acknowledged. */
  readonly reference: string;
  readonly type: string;
  readonly segmentErrors: readonly ContrlSegmentError[];
}

export interface ContrlGroupReport extends ContrlVerdict {
  readonly reference: string;
  readonly messages: readonly ContrlMessageReport[];
}

/** A partner's CONTRL, structured: which of our interchanges, groups and messages it accepts or rejects. */
export interface ContrlReport extends ContrlVerdict {
  /** The CONTRL message itself (its UNH reference, where it sits). */
  readonly contrl: { readonly reference: string; readonly interchange: string } & EdiPosition;
  /** UCI 0020, S002, S003: our interchange being answered (its sender is us). */
  readonly interchangeReference: string;
  readonly sender: string;
  readonly recipient: string;
  readonly groups: readonly ContrlGroupReport[];
  /** UCMs outside any UCF. */
  readonly messages: readonly ContrlMessageReport[];
}

/** A partner's APERAK (application error and acknowledgement), structured. */
export interface AperakReport {
  readonly aperak: { readonly reference: string; readonly interchange: string } & EdiPosition;
  /** BGM C002 1001, BGM 1004, BGM 1225. */
  readonly documentName: string;
  readonly documentNumber: string;
  readonly function: string;
  /**
   * From BGM 1225: 27 not accepted → rejected, 29 accepted without amendment → accepted; otherwise
   * `errors-reported` when ERC segments are present, `unknown` when nothing says.
   */
  readonly status: 'accepted' | 'rejected' | 'errors-reported' | 'unknown';
  /** RFF C506: qualifier and reference (ACW previous message, ON order number, …). */
  readonly references: readonly { readonly qualifier: string; readonly value: string }[];
  readonly dates: readonly { readonly qualifier: string; readonly value: string; readonly format: string }[];
  /** ERC C901 9321 and the FTX texts that follow it. */
  readonly errors: readonly { readonly code: string; readonly texts: readonly string[] }[];
}

export interface AcknowledgmentsRead {
  readonly result: EdifactValidationResult;
  readonly contrls: ContrlReport[];
  readonly aperaks: AperakReport[];
}

const ACTIONS: Record<string, ContrlAction> = { '4': 'rejected', '7': 'acknowledged', '8': 'received' };

/**
 * Reads an inbound interchange and interprets every CONTRL and APERAK in it. Messages are interpreted
 * even when their envelope has findings (they are in `result`), so a partner's slightly wrong CONTRL
 * still tells us what it rejected. Matching to our outbound interchanges belongs to the caller.
 */
export function readAcknowledgments(
  input: Uint8Array | string,
  options: EdifactReaderOptions = {},
): AcknowledgmentsRead {
  const contrls: ContrlReport[] = [];
  const aperaks: AperakReport[] = [];
  let body: EdifactSegment[] | undefined;
  let interchange = '';
  const result = readEdifact(
    input,
    {
      startMessage: (m) => {
        body = EDIFACT_ACKNOWLEDGMENT_TYPES.includes(m.type) ? [] : undefined;
      },
      segment: (view, ctx) => {
        if (body && ctx.message) body.push(view.toSegment());
      },
      endMessage: (m) => {
        if (!body) return;
        if (m.type === 'CONTRL') contrls.push(interpretContrl(m, body, interchange));
        else aperaks.push(interpretAperak(m, body, interchange));
        body = undefined;
      },
      startInterchange: (ic) => {
        interchange = ic.header.reference;
      },
    },
    options,
  );
  return { result, contrls, aperaks };
}

const v = (s: EdifactSegment, n: number, c = 1): string => s.elements[n]?.[0]?.[c - 1] ?? '';
const int = (text: string): number | undefined => (/^\d+$/.test(text) ? Number(text) : undefined);

function verdict(s: EdifactSegment, actionAt: number): ContrlVerdict {
  return {
    action: ACTIONS[v(s, actionAt)] ?? 'unknown',
    code: v(s, actionAt + 1) || undefined,
    segmentTag: v(s, actionAt + 2) || undefined,
    element: int(v(s, actionAt + 3, 1)),
    component: int(v(s, actionAt + 3, 2)),
  };
}

/** Interprets one CONTRL message's segments (UNH … UNT), ISO 9735-6 structure. */
export function interpretContrl(
  message: Pick<EdifactMessageResult, 'reference' | 'offset' | 'segmentIndex'>,
  segments: readonly EdifactSegment[],
  interchange = '',
): ContrlReport {
  let uci: EdifactSegment | undefined;
  const groups: { reference: string; verdict: ContrlVerdict; messages: ContrlMessageReport[] }[] = [];
  const loose: ContrlMessageReport[] = [];
  let currentMessage: { report: ContrlMessageReport; errors: ContrlSegmentError[] } | undefined;
  let currentSegment:
    | { position: number; code: string | undefined; elements: ContrlSegmentError['elements'][number][] }
    | undefined;
  const flushSegment = (): void => {
    if (currentSegment && currentMessage) currentMessage.errors.push(currentSegment);
    currentSegment = undefined;
  };
  for (const s of segments) {
    switch (s.id) {
      case 'UCI':
        uci = s;
        break;
      case 'UCF':
        flushSegment();
        currentMessage = undefined;
        groups.push({ reference: v(s, 1), verdict: verdict(s, 4), messages: [] });
        break;
      case 'UCM': {
        flushSegment();
        const errors: ContrlSegmentError[] = [];
        const report: ContrlMessageReport = {
          reference: v(s, 1),
          type: v(s, 2),
          ...verdict(s, 3),
          segmentErrors: errors,
        };
        currentMessage = { report, errors };
        (groups.at(-1)?.messages ?? loose).push(report);
        break;
      }
      case 'UCS':
        flushSegment();
        currentSegment = { position: int(v(s, 1)) ?? 0, code: v(s, 2) || undefined, elements: [] };
        break;
      case 'UCD': {
        const component = int(v(s, 2, 2));
        currentSegment?.elements.push({
          code: v(s, 1),
          element: int(v(s, 2, 1)) ?? 0,
          ...(component === undefined ? {} : { component }),
        });
        break;
      }
      default:
        break;
    }
  }
  flushSegment();
  const top = uci
    ? verdict(uci, 4)
    : {
        action: 'unknown' as const,
        code: undefined,
        segmentTag: undefined,
        element: undefined,
        component: undefined,
      };
  return {
    ...top,
    contrl: {
      reference: message.reference,
      interchange,
      offset: message.offset,
      segmentIndex: message.segmentIndex,
    },
    interchangeReference: uci ? v(uci, 1) : '',
    sender: uci ? v(uci, 2) : '',
    recipient: uci ? v(uci, 3) : '',
    groups: groups.map((g) => ({ reference: g.reference, ...g.verdict, messages: g.messages })),
    messages: loose,
  };
}

/** Interprets one APERAK message's segments (UN/EDIFACT APERAK D.96A and later, EANCOM). */
export function interpretAperak(
  message: Pick<EdifactMessageResult, 'reference' | 'offset' | 'segmentIndex'>,
  segments: readonly EdifactSegment[],
  interchange = '',
): AperakReport {
  let bgm: EdifactSegment | undefined;
  const references: { qualifier: string; value: string }[] = [];
  const dates: { qualifier: string; value: string; format: string }[] = [];
  const errors: { code: string; texts: string[] }[] = [];
  for (const s of segments) {
    if (s.id === 'BGM') bgm ??= s;
    else if (s.id === 'RFF') references.push({ qualifier: v(s, 1, 1), value: v(s, 1, 2) });
    else if (s.id === 'DTM') dates.push({ qualifier: v(s, 1, 1), value: v(s, 1, 2), format: v(s, 1, 3) });
    else if (s.id === 'ERC') errors.push({ code: v(s, 1, 1), texts: [] });
    else if (s.id === 'FTX' && errors.length > 0) {
      // C108 text literal: up to five components.
      errors.at(-1)!.texts.push((s.elements[4]?.[0] ?? []).filter((t) => t !== '').join(' '));
    }
  }
  const fn = bgm ? v(bgm, 3) : '';
  const status =
    fn === '27' ? 'rejected' : fn === '29' ? 'accepted' : errors.length > 0 ? 'errors-reported' : 'unknown';
  return {
    aperak: {
      reference: message.reference,
      interchange,
      offset: message.offset,
      segmentIndex: message.segmentIndex,
    },
    documentName: bgm ? v(bgm, 1) : '',
    documentNumber: bgm ? v(bgm, 2) : '',
    function: fn,
    status,
    references,
    dates,
    errors,
  };
}
