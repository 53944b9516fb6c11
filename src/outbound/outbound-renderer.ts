import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { CanonicalEvent } from '../canonical/index.js';
import { encodeX12, X12_MIME_CHARSETS } from '../edi/x12/index.js';
import type { GatewayConfig } from '../config/config.js';
import { InjectConfig } from '../config/config.module.js';
import type { PartnerProfile } from '../partners/partner-profile.schema.js';
import { EdifactOutboundService } from '../translation/edifact-outbound.service.js';
import { X12OutboundService } from '../translation/x12-outbound.service.js';
import type { OutboundKind } from './outbound.types.js';
import { contentTypeWithCharset } from './transports/platform.transport.js';

/** The message each kind of document is written as, per standard. */
const MESSAGE_TYPES: Readonly<
  Record<Exclude<OutboundKind, 'functional-ack'>, Record<'x12' | 'edifact' | 'json', string>>
> = {
  'purchase-order': { x12: '850', edifact: 'ORDERS', json: 'purchase-order' },
  'po-change': { x12: '860', edifact: 'ORDCHG', json: 'purchase-order-change' },
  'po-cancellation': { x12: '860', edifact: 'ORDCHG', json: 'purchase-order-change' },
};

export const KIND_OF_EVENT: Readonly<Record<string, Exclude<OutboundKind, 'functional-ack'>>> = {
  'purchase-order.issued': 'purchase-order',
  'purchase-order.changed': 'po-change',
  'purchase-order.cancelled': 'po-cancellation',
};

export interface RenderedDocument {
  readonly standard: 'x12' | 'edifact' | 'json';
  readonly messageType: string;
  readonly payload: Buffer;
  /** The media type with the charset `payload` is written in, e.g. `application/edifact; charset=ISO-8859-1`. */
  readonly contentType: string;
  readonly extension: string;
  readonly controlReference?: string;
  readonly groupReference?: string;
  readonly setReferences: readonly string[];
  /** Whether the partner answers this document with a 997 / 999 / CONTRL. */
  readonly functionalAckExpected: boolean;
}

export class NotRenderableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotRenderableError';
  }
}

/**
 * Writes a canonical PO event in the format the partner's profile lists for it (`documents.outbound`):
 * X12 and EDIFACT through the generators, whose control numbers come from the partner's counters in
 * the caller's transaction, or the partner JSON document (schema v1: the canonical payload in the
 * partner document envelope). Our envelope identity comes from configuration (GATEWAY_X12_*,
 * GATEWAY_EDIFACT_*).
 */
@Injectable()
export class OutboundRenderer {
  constructor(
    private readonly x12: X12OutboundService,
    private readonly edifact: EdifactOutboundService,
    @InjectConfig() private readonly config: GatewayConfig,
  ) {}

  /** The standard and message the partner receives this kind as, or undefined when its profile lists none. */
  formatFor(partner: PartnerProfile, kind: Exclude<OutboundKind, 'functional-ack'>) {
    const types = MESSAGE_TYPES[kind];
    return partner.documents.outbound.find((d) => d.type === types[d.standard]);
  }

  async render(tx: EntityManager, partner: PartnerProfile, event: CanonicalEvent): Promise<RenderedDocument> {
    const kind = KIND_OF_EVENT[event.type];
    if (!kind) throw new NotRenderableError(`${event.type} is not sent to partners`);
    const format = this.formatFor(partner, kind);
    if (!format) {
      const wanted = Object.values(MESSAGE_TYPES[kind]).join(' / ');
      throw new NotRenderableError(
        `the profile of ${partner.id} lists no outbound ${wanted} (documents.outbound)`,
      );
    }
    const functional = partner.acknowledgments.functional;
    switch (format.standard) {
      case 'x12': {
        const written = await this.x12.generate(tx, event, {
          sender: {
            qualifier: this.config.GATEWAY_X12_QUALIFIER,
            id: this.config.GATEWAY_X12_ID,
            gs: this.config.GATEWAY_GS_ID ?? this.config.GATEWAY_X12_ID,
          },
        });
        // In the partner's `x12.encoding`: UTF-8 (Müller is C3 BC) unless its profile says latin1 (FC);
        // the generator refused any value that encoding cannot carry. The archive's Content-Type says which.
        return {
          standard: 'x12',
          messageType: written.setId,
          payload: encodeX12(written.text, written.encoding),
          contentType: contentTypeWithCharset('x12', X12_MIME_CHARSETS[written.encoding]),
          extension: 'x12',
          controlReference: written.interchangeControlNumber,
          groupReference: written.groupControlNumber,
          setReferences: [written.setControlNumber],
          functionalAckExpected: functional === '997' || functional === '999',
        };
      }
      case 'edifact': {
        const written = await this.edifact.generate(tx, event, {
          sender: { id: this.config.GATEWAY_EDIFACT_ID, qualifier: this.config.GATEWAY_EDIFACT_QUALIFIER },
        });
        return {
          standard: 'edifact',
          messageType: written.type,
          payload: written.bytes,
          contentType: contentTypeWithCharset('edifact', written.charset),
          extension: 'edi',
          controlReference: written.interchangeReference,
          setReferences: [written.messageReference],
          functionalAckExpected: functional === 'CONTRL',
        };
      }
      case 'json':
        return {
          standard: 'json',
          messageType: format.type,
          // JSON between systems is UTF-8 (RFC 8259 §8.1).
          payload: Buffer.from(JSON.stringify(partnerJson(event, format.type)), 'utf8'),
          contentType: contentTypeWithCharset('json', 'UTF-8'),
          extension: 'json',
          setReferences: [],
          functionalAckExpected: false,
        };
    }
  }
}

/** The partner JSON document type a kind is written as (`purchase-order`, `purchase-order-change`). */
export function partnerJsonType(kind: Exclude<OutboundKind, 'functional-ack'>): string {
  return MESSAGE_TYPES[kind].json;
}

/** The partner JSON document (schema v1, docs/partner-api.md): the canonical payload in the partner envelope. */
export function partnerJson(event: CanonicalEvent, type: string): Record<string, unknown> {
  return {
    type,
    version: 'v1',
    sender: { scheme: 'partner', id: 'buyer' },
    document: {
      kind: event.type === 'purchase-order.cancelled' ? 'cancellation' : event.document.kind,
      number: event.document.number,
      revision: event.document.revision,
      issuedAt: event.occurredAt,
    },
    payload: event.payload,
  };
}
