/**
 * Every kind of exception the gateway can raise. A type not listed here is refused, so a typo in a
 * producer fails its first test instead of creating cases no one filters for. Later issues add their
 * types here, with the severity a case gets unless its producer says otherwise.
 *
 * Names are `<subject>.<what went wrong>`, kebab-case segments; routing rules and list filters match
 * whole leading segments (`acknowledgment` covers `acknowledgment.late`).
 */
export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

export interface ExceptionTypeDefinition {
  readonly type: string;
  readonly severity: Severity;
  /** What the buyer is looking at, in one sentence. */
  readonly description: string;
}

export const EXCEPTION_TYPES: readonly ExceptionTypeDefinition[] = [
  {
    type: 'acknowledgment.quantity-changed',
    severity: 'high',
    description: 'The supplier confirmed a different quantity than ordered.',
  },
  {
    type: 'acknowledgment.date-changed',
    severity: 'high',
    description: 'The supplier confirmed a different delivery date than requested.',
  },
  {
    type: 'acknowledgment.price-changed',
    severity: 'medium',
    description: 'The supplier confirmed a different price than ordered.',
  },
  {
    type: 'acknowledgment.rejected',
    severity: 'critical',
    description: 'The supplier rejected the order or a line of it.',
  },
  {
    type: 'acknowledgment.backordered',
    severity: 'high',
    description: 'The supplier backordered a line.',
  },
  {
    type: 'acknowledgment.unknown-line',
    severity: 'high',
    description: 'The supplier answered a line the order does not have (or has cancelled).',
  },
  {
    type: 'acknowledgment.unknown-order',
    severity: 'high',
    description: "A supplier answered a purchase order that is not theirs (or another partner's).",
  },
  {
    type: 'acknowledgment.late',
    severity: 'medium',
    description: 'No acknowledgment arrived within the time agreed with the partner.',
  },
  {
    type: 'acknowledgment.not-postable',
    severity: 'high',
    description:
      'A supplier acknowledgment accepted lines the ERP confirmation could not be requested for (the posting was refused); the lines are held for a buyer.',
  },
  {
    type: 'ship-notice.unknown-order',
    severity: 'high',
    description: 'A ship notice names a purchase order or line the gateway does not hold for that supplier.',
  },
  {
    type: 'ship-notice.over-shipment',
    severity: 'medium',
    description: 'The supplier ships more than ordered (or confirmed), beyond the quantity tolerance.',
  },
  {
    type: 'ship-notice.item-mismatch',
    severity: 'high',
    description:
      'A shipped item does not match its order line (another material, or a unit that cannot convert).',
  },
  {
    type: 'ship-notice.order-closed',
    severity: 'high',
    description:
      'A ship notice ships against a purchase order the ERP has cancelled or closed; nothing is posted for it.',
  },
  {
    type: 'ship-notice.not-postable',
    severity: 'high',
    description:
      'A ship notice cannot be posted to the ERP (a value the ERP cannot carry, or a posting the gateway refused); it is held.',
  },
  {
    type: 'goods-receipt.short',
    severity: 'high',
    description: 'The plant received less than the ship notice announced.',
  },
  {
    type: 'goods-receipt.over',
    severity: 'medium',
    description: 'The plant received more than the ship notice announced.',
  },
  {
    type: 'goods-receipt.damaged',
    severity: 'high',
    description: 'The plant received goods damaged, wrong or on quality hold.',
  },
  {
    type: 'goods-receipt.not-postable',
    severity: 'high',
    description:
      'A goods receipt carries a value the ERP cannot take (more digits than it carries); it is recorded but not posted.',
  },
  {
    type: 'po-change.unanswered',
    severity: 'medium',
    description:
      'The supplier has not answered a purchase order change within the time agreed with the partner.',
  },
  {
    type: 'po-change.rejected',
    severity: 'high',
    description: 'The supplier cannot meet a purchase order change.',
  },
  {
    type: 'interchange.rejected',
    severity: 'medium',
    description: 'An inbound interchange failed validation and was rejected.',
  },
  {
    type: 'interchange.ack-unwritable',
    severity: 'medium',
    description:
      'An inbound interchange was accepted and is processed, but the acknowledgment it is owed (TA1 / 997 / 999) could not be written; the partner got none.',
  },
  {
    type: 'interchange.translation-failed',
    severity: 'high',
    description:
      'An inbound document passed validation and was acknowledged as accepted, but its map could not make a valid event of it (a wrong SSCC check digit, say); it was neither processed nor refused.',
  },

  {
    type: 'as2.message-id-reused',
    severity: 'high',
    description:
      'An AS2 partner sent a Message-ID it used before with different content; the new message is quarantined.',
  },
  {
    type: 'sftp.file-reused',
    severity: 'high',
    description:
      "A file read in place on a partner's SFTP server came back with the same name, size and mtime second but different content; it is quarantined, not processed.",
  },
  {
    type: 'sftp.file-too-large',
    severity: 'medium',
    description:
      "A file on a partner's SFTP server is over the SFTP size limit; it was left there, not taken.",
  },
  {
    type: 'as2.certificate-expiring',
    severity: 'medium',
    description:
      "A partner's AS2 certificate, or ours, expires within 30 days; a renewed one must be exchanged before then.",
  },
  {
    type: 'as2.certificate-expired',
    severity: 'high',
    description: "A partner's AS2 certificate, or ours, has expired; messages that rely on it fail.",
  },
  {
    type: 'as2.decryption-failures',
    severity: 'high',
    description:
      "Many AS2 messages in a partner's name failed decryption or authentication: a broken certificate or an attack.",
  },
  {
    type: 'interchange.unacknowledged',
    severity: 'medium',
    description: 'A partner did not acknowledge an outbound interchange within the agreed time.',
  },
  {
    type: 'interchange.ack-rejected',
    severity: 'high',
    description:
      "A partner's functional acknowledgment (997 / 999 / CONTRL) rejected an interchange the gateway sent, or part of it.",
  },
  {
    type: 'outbound.delivery-failed',
    severity: 'high',
    description:
      'A document for a partner could not be delivered through its channel after every try; it waits for a resend or a cancel.',
  },
  {
    type: 'webhook.delivery-failed',
    severity: 'medium',
    description:
      "A partner's webhook subscription refused or missed a message after every try; the partner can redeliver it once the endpoint works.",
  },
  {
    type: 'erp.posting-rejected',
    severity: 'high',
    description:
      'The ERP refused a posting (validation, a stale revision, a reused key); retrying cannot fix it.',
  },
  {
    type: 'erp.posting-failed',
    severity: 'high',
    description:
      'A posting failed every try (ERP unreachable, answers lost); it waits in the dead letters for a replay.',
  },
  {
    type: 'erp.reconciliation-difference',
    severity: 'critical',
    description:
      'What the ERP holds differs from what the gateway posted (missing, reversed or changed behind its back).',
  },
  {
    type: 'inventory.variance',
    severity: 'medium',
    description:
      "The gateway's on-hand of a material differs from the ERP's stock by more than the configured threshold.",
  },
];

const BY_TYPE = new Map(EXCEPTION_TYPES.map((definition) => [definition.type, definition]));

export const EXCEPTION_TYPE_PATTERN = /^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)+$/;
/** One or more leading segments of a type, as routing rules and list filters use them. */
export const EXCEPTION_TYPE_PREFIX_PATTERN = /^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)*$/;

export function exceptionType(type: string): ExceptionTypeDefinition | undefined {
  return BY_TYPE.get(type);
}

/** Whether `prefix` names `type` or a group of whole leading segments of it. */
export function typeMatchesPrefix(type: string, prefix: string): boolean {
  return type === prefix || type.startsWith(`${prefix}.`);
}
