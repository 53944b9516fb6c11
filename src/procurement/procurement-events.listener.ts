import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { CanonicalEvent } from '../canonical/events/catalogue.js';
import { CanonicalEventStore, type CanonicalEventListener } from '../translation/canonical-event.store.js';
import { AcknowledgmentService } from './acknowledgment.service.js';
import { ShipNoticeService } from './ship-notice.service.js';

/**
 * Supplier documents, once translated and stored (X12 today; EDIFACT, the API and the portal as
 * they arrive), change the orders in the same transaction: acknowledgments and ship notices are
 * applied as they are stored. Other event types are not the PO lifecycle's to apply.
 */
@Injectable()
export class ProcurementEventsListener implements CanonicalEventListener, OnModuleInit {
  constructor(
    private readonly store: CanonicalEventStore,
    private readonly acknowledgments: AcknowledgmentService,
    private readonly shipNotices: ShipNoticeService,
  ) {}

  onModuleInit(): void {
    this.store.listen(this);
  }

  async eventStored(tx: EntityManager, event: CanonicalEvent): Promise<void> {
    switch (event.type) {
      case 'purchase-order.acknowledged':
        await this.acknowledgments.apply(tx, event);
        return;
      case 'purchase-order.change-answered':
        await this.acknowledgments.applyChangeAnswer(tx, event);
        return;
      case 'ship-notice.received':
        await this.shipNotices.apply(tx, event);
        return;
      default:
        return;
    }
  }
}
