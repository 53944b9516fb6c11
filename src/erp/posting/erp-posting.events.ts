import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { ErpPosting } from './erp-posting.types.js';

/** Told when the ERP has taken a posting, inside the transaction that records it. */
export interface ErpPostingListener {
  postingPosted(tx: EntityManager, posting: ErpPosting, documentNumber: string): Promise<void>;
}

/**
 * Who wants to know that a posting reached the ERP (the PO lifecycle, for a PO change the gateway
 * sends on itself). Listeners write in the recording transaction: an outbox job, never a remote call.
 */
@Injectable()
export class ErpPostingEvents {
  private readonly listeners: ErpPostingListener[] = [];

  listen(listener: ErpPostingListener): void {
    this.listeners.push(listener);
  }

  async posted(tx: EntityManager, posting: ErpPosting, documentNumber: string): Promise<void> {
    for (const listener of this.listeners) await listener.postingPosted(tx, posting, documentNumber);
  }
}
