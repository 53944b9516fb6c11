import type { GatewayConfig } from '../config/config.js';
import type { EdifactParty } from '../edi/edifact/index.js';
import type { X12InterchangeResult } from '../edi/x12/index.js';
import { edifactKey, gsKey, x12Key } from '../partners/partner-identities.js';

/**
 * Whether an inbound interchange is addressed to us: ISA07/ISA08 (X12) or UNB S003 (EDIFACT) against
 * our own identities, the one we send as (GATEWAY_X12_*, GATEWAY_EDIFACT_*) and those configured
 * besides it. Without that configuration nothing is checked (as before the check existed): shipped
 * examples and partners address the gateway by several ids, and only an operator knows which are ours.
 */
export type ReceiverCheck =
  | { readonly ours: true }
  | {
      readonly ours: false;
      /** TA105 (X12.5 I18) or 0085 (EDIFACT): who the envelope names is not us. */
      readonly code: '007' | '009' | '43';
      readonly detail: string;
      /** Our identities and what the envelope said, for the exception's differences. */
      readonly expected: readonly string[];
      readonly found: string;
    };

const OURS: ReceiverCheck = { ours: true };

/** `QUALIFIER/ID` of each X12 identity of ours, ours first; undefined when the check is off. */
export function ourX12Receivers(config: GatewayConfig): readonly string[] | undefined {
  const listed = config.GATEWAY_X12_RECEIVER_IDS;
  if (listed === undefined) return undefined;
  return unique([x12Key(config.GATEWAY_X12_QUALIFIER, config.GATEWAY_X12_ID), ...listed]);
}

/** GS02 of the groups we send, and of our functional acknowledgments' groups. */
export function ourGsCode(config: GatewayConfig): string {
  return config.GATEWAY_GS_ID ?? config.GATEWAY_X12_ID;
}

/**
 * Whether a GS03 is one of our application receiver codes: our GS02 and those listed in
 * GATEWAY_X12_APPLICATION_RECEIVER_CODES, compared as the partner registry compares GS codes
 * (trimmed, upper-cased). Undefined when the list is unset: GS03 is then not checked. A separate list
 * from the ISA ids: GS03 names an application or division (a plant, a business unit) and is often not
 * ISA08, so an EDI coordinator configures it per application, as translators do.
 */
export function x12ApplicationReceiverCheck(config: GatewayConfig): ((code: string) => boolean) | undefined {
  const listed = config.GATEWAY_X12_APPLICATION_RECEIVER_CODES;
  if (listed === undefined) return undefined;
  const ours = new Set([gsKey(ourGsCode(config)), ...listed.map(gsKey)]);
  return (code) => ours.has(gsKey(code));
}

/** `ID` or `ID:QUALIFIER` of each EDIFACT identity of ours, ours first; undefined when the check is off. */
export function ourEdifactRecipients(config: GatewayConfig): readonly string[] | undefined {
  const listed = config.GATEWAY_EDIFACT_RECIPIENT_IDS;
  if (listed === undefined) return undefined;
  return unique([
    `${edifactKey(config.GATEWAY_EDIFACT_ID)}:${config.GATEWAY_EDIFACT_QUALIFIER.toUpperCase()}`,
    ...listed,
  ]);
}

/**
 * ISA07/ISA08 against our identities: TA105 009 "Unknown Interchange Receiver ID"; 007 when ISA08 is
 * ours but not under this qualifier (as the sender binding answers 005 for the partner's id).
 */
export function checkX12Receiver(
  interchange: Pick<X12InterchangeResult, 'header'>,
  ours: readonly string[] | undefined,
): ReceiverCheck {
  if (ours === undefined) return OURS;
  const { receiverQualifier, receiverId } = interchange.header;
  const found = x12Key(receiverQualifier, receiverId);
  if (ours.includes(found)) return OURS;
  const id = found.slice(found.indexOf('/') + 1);
  const idIsOurs = ours.some((key) => key.slice(key.indexOf('/') + 1) === id);
  return {
    ours: false,
    code: idIsOurs ? '007' : '009',
    detail: idIsOurs
      ? `ISA07 qualifier ${receiverQualifier.trim()} is not one we are known by with ISA08 ${receiverId.trim()} (ours: ${ours.join(', ')})`
      : `ISA receiver ${found} is not an identity of ours (ours: ${ours.join(', ')})`,
    expected: ours,
    found,
  };
}

/**
 * UNB S003 against our identities: 0085 43 "Unknown interchange recipient". The qualifier (0007) is
 * conditional: an envelope without one is ours when the id is; one of ours listed without a qualifier
 * takes any.
 */
export function checkEdifactRecipient(
  recipient: Pick<EdifactParty, 'id' | 'qualifier'>,
  ours: readonly string[] | undefined,
): ReceiverCheck {
  if (ours === undefined) return OURS;
  const id = edifactKey(recipient.id);
  const qualifier = recipient.qualifier.trim().toUpperCase();
  const matches = ours.some((entry) => {
    const [ourId, ourQualifier] = entry.split(':');
    return ourId === id && (ourQualifier === undefined || qualifier === '' || ourQualifier === qualifier);
  });
  if (matches) return OURS;
  const found = qualifier === '' ? id : `${id}:${qualifier}`;
  return {
    ours: false,
    code: '43',
    detail: `UNB recipient ${found} is not an identity of ours (ours: ${ours.join(', ')})`,
    expected: ours,
    found,
  };
}

function unique(keys: readonly string[]): string[] {
  return [...new Set(keys)];
}
