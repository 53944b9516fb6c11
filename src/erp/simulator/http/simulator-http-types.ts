import type { Request, RequestHandler, Response } from 'express';
import type { SimulatorFaults } from '../simulator-faults.js';
import type { SimulatorLedger } from '../simulator-ledger.js';
import type { SimulatorPurchaseOrders } from '../simulator-purchase-orders.js';
import type { SimulatorReads } from '../simulator-reads.js';

/** The simulator core the HTTP routes serve, over one DataSource. */
export interface SimulatorCore {
  readonly ledger: SimulatorLedger;
  readonly reads: SimulatorReads;
  readonly faults: SimulatorFaults;
  readonly purchaseOrders: SimulatorPurchaseOrders;
}

/**
 * Wraps a route: its work is tracked (a late commit outlives its caller, and the server waits for it
 * before the database closes) and whatever it throws becomes a problem+json answer.
 */
export type Handle = (handler: (req: Request, res: Response) => Promise<void>) => RequestHandler;
