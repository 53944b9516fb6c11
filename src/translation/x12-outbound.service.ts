import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { CanonicalEvent } from '../canonical/index.js';
import type { X12Party } from '../edi/x12/generator/index.js';
import type { X12Encoding } from '../edi/x12/index.js';
import { PartnerRegistry } from '../partners/partner-registry.js';
import { queryRows } from '../platform/database/sql.js';
import { X12ControlNumbersRepository } from './x12-control-numbers.repository.js';
import { generateForPartner, partnerX12Encoding } from './x12-generation.js';
import { X12MapRegistry } from './x12-map-registry.js';

export interface X12OutboundDocument {
  /** `x12_outbound_document` row. */
  readonly id: string;
  readonly partnerId: string;
  readonly setId: string;
  readonly text: string;
  /** The encoding `text` is to be written in, and was checked against: the profile's `x12.encoding`. */
  readonly encoding: X12Encoding;
  readonly interchangeControlNumber: string;
  readonly groupControlNumber: string;
  readonly setControlNumber: string;
}

/**
 * Writes a canonical event as an X12 interchange to its partner and records it, in the caller's
 * transaction: the ISA13/GS06/ST02 come from the partner's counters (shared with its
 * acknowledgments), so a rollback returns them and committed documents have no gaps; ISA13 wraps
 * to 1 after 999999999 (control-counter.ts). A value that would need escaping is refused
 * (`X12GenerationError` DELIMITER_IN_VALUE), and one the partner's `x12.encoding` has no byte for
 * (`VALUE_INVALID`), before any number is used.
 */
@Injectable()
export class X12OutboundService {
  constructor(
    private readonly partners: PartnerRegistry,
    private readonly maps: X12MapRegistry,
    private readonly controls: X12ControlNumbersRepository,
  ) {}

  async generate(
    tx: EntityManager,
    event: CanonicalEvent,
    options: { readonly sender: X12Party; readonly now?: Date },
  ): Promise<X12OutboundDocument> {
    const partnerId = event.partnerId;
    if (!partnerId) throw new Error(`event ${event.id} names no partner`);
    const partner = this.partners.require(partnerId);
    const now = options.now ?? new Date();
    // A dry run with placeholder numbers finds every data problem before a number is taken.
    generateForPartner(event, this.maps, partner, {
      sender: options.sender,
      now,
      controlNumbers: { interchange: 1, group: 1, sets: [1] },
    });
    const numbers = await this.controls.allocate(tx, partnerId, { interchange: 1, group: 1, set: 1 });
    const written = generateForPartner(event, this.maps, partner, {
      sender: options.sender,
      now,
      controlNumbers: { interchange: numbers.interchange[0]!, group: numbers.group[0]!, sets: numbers.set },
    });
    const [row] = await queryRows<{ id: string }>(
      tx,
      `INSERT INTO x12_outbound_document
         (partner_id, set_id, event_id, interchange_control_number, group_control_number, set_control_number, content)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id::text AS id`,
      [
        partnerId,
        written.setId,
        event.id,
        written.interchangeControlNumber,
        written.groupControlNumber,
        written.setControlNumbers[0],
        written.text,
      ],
    );
    return {
      id: row!.id,
      partnerId,
      setId: written.setId,
      text: written.text,
      encoding: partnerX12Encoding(partner),
      interchangeControlNumber: written.interchangeControlNumber,
      groupControlNumber: written.groupControlNumber,
      setControlNumber: written.setControlNumbers[0]!,
    };
  }
}
