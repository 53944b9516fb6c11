import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { EventOf } from '../canonical/events/catalogue.js';
import type { Differences, ExceptionImpact } from '../exceptions/exception.types.js';
import type { PurchaseOrder } from './purchase-order.types.js';

export interface ChangeRefusal {
  readonly order: PurchaseOrder;
  readonly answer: EventOf<'purchase-order.change-answered.v1'>;
}

/** What another module knows about a refused change, added to the buyer's `po-change.rejected` case. */
export interface ChangeRefusalFacts {
  readonly poLine?: string;
  readonly material?: string;
  /** Appended to the case's summary. */
  readonly summary?: string;
  readonly differences?: Differences;
  readonly impact?: ExceptionImpact;
}

export interface ChangeRefusalDescriber {
  /** Called in the transaction that applies the answer, before the case is raised. */
  describeRefusal(tx: EntityManager, refusal: ChangeRefusal): Promise<ChangeRefusalFacts | undefined>;
}

/**
 * Lets the module that asked for a PO change (replenishment) say what a refusal puts at risk, so the
 * buyer's case names it when it is raised (and its first notification carries it), without the PO
 * lifecycle knowing about reorder points.
 */
@Injectable()
export class ChangeRefusalHooks {
  private readonly describers: ChangeRefusalDescriber[] = [];

  register(describer: ChangeRefusalDescriber): void {
    this.describers.push(describer);
  }

  async describe(tx: EntityManager, refusal: ChangeRefusal): Promise<ChangeRefusalFacts> {
    let facts: ChangeRefusalFacts = {};
    for (const describer of this.describers) {
      const more = await describer.describeRefusal(tx, refusal);
      if (!more) continue;
      facts = {
        ...facts,
        ...more,
        summary: [facts.summary, more.summary].filter(Boolean).join('; ') || undefined,
        differences: { ...facts.differences, ...more.differences },
        impact: { ...facts.impact, ...more.impact },
      };
    }
    return facts;
  }
}
