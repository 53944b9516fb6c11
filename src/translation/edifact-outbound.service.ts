import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { CanonicalEvent } from '../canonical/index.js';
import type { EdifactParty } from '../edi/edifact/generator/index.js';
import { PartnerRegistry } from '../partners/partner-registry.js';
import { queryRows } from '../platform/database/sql.js';
import { generateEdifactForPartner } from './edifact-generation.js';
import { EdifactMapRegistry } from './edifact-map-registry.js';
import { EdifactReferencesRepository } from './edifact-references.repository.js';

export interface EdifactOutboundDocument {
  /** `edifact_outbound_document` row. */
  readonly id: string;
  readonly partnerId: string;
  readonly type: string;
  readonly directory: string;
  readonly text: string;
  /** `text` in the character set of its UNB S001 (ISO 8859-1 for UNOC, UTF-8 for UNOW …): the payload. */
  readonly bytes: Buffer;
  /** The IANA name of the bytes' charset (ISO-8859-1, UTF-8, ISO-8859-2 …). */
  readonly charset: string;
  readonly interchangeReference: string;
  readonly messageReference: string;
}

/**
 * Writes a canonical event as an EDIFACT interchange to its partner and records it, in the caller's
 * transaction: UNB 0020 and UNH 0062 come from the partner's counters (shared with its CONTRLs,
 * migration 1764230400008), so a rollback returns them and committed documents have no gaps. A value
 * that cannot be written (no release character for a service character in it, a character outside
 * the declared character set, a code the map does not know) is refused with `EdifactGenerationError` before any reference is taken.
 */
@Injectable()
export class EdifactOutboundService {
  constructor(
    private readonly partners: PartnerRegistry,
    private readonly maps: EdifactMapRegistry,
    private readonly references: EdifactReferencesRepository,
  ) {}

  async generate(
    tx: EntityManager,
    event: CanonicalEvent,
    options: { readonly sender: EdifactParty; readonly now?: Date },
  ): Promise<EdifactOutboundDocument> {
    const partnerId = event.partnerId;
    if (!partnerId) throw new Error(`event ${event.id} names no partner`);
    const partner = this.partners.require(partnerId);
    const now = options.now ?? new Date();
    // A dry run with placeholder references finds every data problem before a reference is taken.
    generateEdifactForPartner(event, this.maps, partner, {
      sender: options.sender,
      now,
      references: { interchange: '1', messages: ['1'] },
    });
    const taken = await this.references.allocate(tx, partnerId, { interchange: 1, message: 1 });
    const written = generateEdifactForPartner(event, this.maps, partner, {
      sender: options.sender,
      now,
      references: { interchange: String(taken.interchange[0]), messages: [String(taken.message[0])] },
    });
    const [row] = await queryRows<{ id: string }>(
      tx,
      `INSERT INTO edifact_outbound_document
         (partner_id, message_type, directory, event_id, interchange_reference, message_reference, content)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id::text AS id`,
      [
        partnerId,
        written.type,
        written.directory,
        event.id,
        written.interchangeReference,
        written.messageReferences[0],
        written.text,
      ],
    );
    return {
      id: row!.id,
      partnerId,
      type: written.type,
      directory: written.directory,
      text: written.text,
      bytes: written.bytes,
      charset: written.charset,
      interchangeReference: written.interchangeReference,
      messageReference: written.messageReferences[0]!,
    };
  }
}
