import { readX12 } from './reader.js';

export type X12AckStatus = 'accepted' | 'accepted-with-errors' | 'partially-accepted' | 'rejected';

/** One acknowledged transaction set (AK2 + AK5 in a 997, AK2 + IK5 in a 999). */
export interface X12AcknowledgedSet {
  /** AK201. */
  readonly setId: string;
  /** AK202. */
  readonly controlNumber: string;
  readonly status: 'accepted' | 'accepted-with-errors' | 'rejected';
  /** AK3/AK4 or IK3/IK4 segment ids with their error codes, as read. */
  readonly errors: readonly string[];
}

/** One 997 / 999 set as a partner sent it: the group it answers and how. */
export interface X12FunctionalAck {
  readonly ackType: '997' | '999';
  /** ISA13 / GS06 / ST02 of the acknowledgment itself. */
  readonly interchangeControlNumber: string;
  readonly groupControlNumber: string;
  readonly setControlNumber: string;
  /**
   * Who sent the acknowledgment to whom: ISA05/ISA06, ISA07/ISA08 (`qualifier/id`, id trimmed) and
   * GS02, GS03. The acknowledged group is ours only when these mirror our envelope.
   */
  readonly envelope: X12AckEnvelope;
  /** AK101: the functional id of the group acknowledged (PO, PC, …). */
  readonly functionalId: string;
  /** AK102: GS06 of the group acknowledged. */
  readonly acknowledgedGroup: string;
  /** AK901. */
  readonly status: X12AckStatus;
  readonly sets: readonly X12AcknowledgedSet[];
}

export interface X12AckEnvelope {
  readonly isaSender: string;
  readonly isaReceiver: string;
  readonly gsSender: string;
  readonly gsReceiver: string;
}

const GROUP_STATUS: Readonly<Record<string, X12AckStatus>> = {
  A: 'accepted',
  E: 'accepted-with-errors',
  P: 'partially-accepted',
  R: 'rejected',
  M: 'rejected',
  W: 'rejected',
  X: 'rejected',
};

const SET_STATUS: Readonly<Record<string, X12AcknowledgedSet['status']>> = {
  A: 'accepted',
  E: 'accepted-with-errors',
  M: 'rejected',
  R: 'rejected',
  W: 'rejected',
  X: 'rejected',
};

/**
 * The 997 and 999 sets of an interchange, read segment by segment: what group each answers (AK1),
 * each set's verdict (AK2/AK5 or AK2/IK5) and the group's (AK9). A set without AK1 or AK9 is skipped:
 * it says nothing trustworthy. Envelope problems are the intake's business, not this reader's.
 */
export function readX12FunctionalAcks(bytes: Uint8Array | string): X12FunctionalAck[] {
  const acks: X12FunctionalAck[] = [];
  let current:
    | {
        ackType: '997' | '999';
        ids: { interchange: string; group: string; set: string };
        envelope: X12AckEnvelope;
        functionalId?: string;
        group?: string;
        status?: X12AckStatus;
        sets: {
          setId: string;
          controlNumber: string;
          status?: X12AcknowledgedSet['status'];
          errors: string[];
        }[];
      }
    | undefined;
  readX12(bytes, {
    segment(view, context) {
      const id = view.id;
      if (id === 'ST') {
        const type = view.element(1);
        current =
          type === '997' || type === '999'
            ? {
                ackType: type,
                ids: {
                  interchange: context.interchange?.controlNumber ?? '',
                  group: context.group?.controlNumber ?? '',
                  set: view.element(2),
                },
                envelope: {
                  isaSender: party(
                    context.interchange?.header.senderQualifier,
                    context.interchange?.header.senderId,
                  ),
                  isaReceiver: party(
                    context.interchange?.header.receiverQualifier,
                    context.interchange?.header.receiverId,
                  ),
                  gsSender: context.group?.senderCode ?? '',
                  gsReceiver: context.group?.receiverCode ?? '',
                },
                sets: [],
              }
            : undefined;
        return;
      }
      if (!current) return;
      const last = current.sets[current.sets.length - 1];
      switch (id) {
        case 'AK1':
          current.functionalId = view.element(1);
          current.group = view.element(2);
          break;
        case 'AK2':
          current.sets.push({ setId: view.element(1), controlNumber: view.element(2), errors: [] });
          break;
        case 'AK3':
        case 'IK3':
          last?.errors.push(`${id} ${view.element(1)} at ${view.element(2)}: ${view.element(4)}`);
          break;
        case 'AK4':
        case 'IK4':
          last?.errors.push(`${id} element ${view.element(1)}: ${view.element(3)}`);
          break;
        case 'AK5':
        case 'IK5':
          if (last) last.status = SET_STATUS[view.element(1)] ?? 'rejected';
          break;
        case 'AK9':
          current.status = GROUP_STATUS[view.element(1)] ?? 'rejected';
          break;
        case 'SE':
          if (current.group !== undefined && current.status !== undefined)
            acks.push({
              ackType: current.ackType,
              interchangeControlNumber: current.ids.interchange,
              groupControlNumber: current.ids.group,
              setControlNumber: current.ids.set,
              envelope: current.envelope,
              functionalId: current.functionalId ?? '',
              acknowledgedGroup: current.group,
              status: current.status,
              sets: current.sets.map((s) => ({
                setId: s.setId,
                controlNumber: s.controlNumber,
                status: s.status ?? (current!.status === 'rejected' ? 'rejected' : 'accepted'),
                errors: s.errors,
              })),
            });
          current = undefined;
          break;
      }
    },
  });
  return acks;
}

/** `qualifier/id` of an ISA party, the id without its padding. */
export function party(qualifier: string | undefined, id: string | undefined): string {
  return `${(qualifier ?? '').trim()}/${(id ?? '').trim()}`;
}
