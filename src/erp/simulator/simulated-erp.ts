import type { DataSource } from 'typeorm';
import { erpOutcomeUnknown, erpUnavailable, ErpCallError } from '../port/erp-errors.js';
import type {
  ErpAmendRequest,
  ErpCallOptions,
  ErpDocument,
  ErpEntry,
  ErpMasterDataQuery,
  ErpPort,
  ErpPostRequest,
  ErpPurchaseOrder,
  ErpReverseRequest,
} from '../port/erp-port.js';
import type { ErpMasterData, ErpStock } from '../port/erp-master-data.js';
import { performWithFault, SimulatedDroppedAnswer, SimulatedUnavailable } from './simulator-behaviour.js';
import { SimulatorFaults, type SimulatorFaultOperation } from './simulator-faults.js';
import { SimulatorLedger } from './simulator-ledger.js';
import { SimulatorPurchaseOrders } from './simulator-purchase-orders.js';
import { SimulatorReads } from './simulator-reads.js';

class CallTimedOut extends Error {}

/**
 * The embedded ERP: the simulator's ledger in the gateway's own database, called in-process, but
 * failing the way a remote ERP fails. A call that outlives `timeoutMs` is given up with an unknown
 * outcome while the simulator may still commit it (a late commit), exactly as over HTTP.
 */
export class SimulatedErp implements ErpPort {
  readonly ledger: SimulatorLedger;
  readonly reads: SimulatorReads;
  readonly faults: SimulatorFaults;
  readonly purchaseOrders: SimulatorPurchaseOrders;
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(dataSource: DataSource) {
    this.ledger = new SimulatorLedger(dataSource);
    this.reads = new SimulatorReads(dataSource);
    this.faults = new SimulatorFaults(dataSource);
    this.purchaseOrders = new SimulatorPurchaseOrders(dataSource);
  }

  post(request: ErpPostRequest, call: ErpCallOptions): Promise<ErpEntry> {
    return this.call('post', call, () => this.ledger.post(request, call.correlationId));
  }

  amend(request: ErpAmendRequest, call: ErpCallOptions): Promise<ErpEntry> {
    return this.call('amend', call, () => this.ledger.amend(request, call.correlationId));
  }

  reverse(request: ErpReverseRequest, call: ErpCallOptions): Promise<ErpEntry> {
    return this.call('reverse', call, () => this.ledger.reverse(request, call.correlationId));
  }

  findEntry(externalReference: string, call: ErpCallOptions): Promise<ErpEntry | null> {
    return this.call('read', call, () => this.reads.findEntry(externalReference));
  }

  readDocument(externalReference: string, call: ErpCallOptions): Promise<ErpDocument | null> {
    return this.call('read', call, () => this.reads.readDocument(externalReference));
  }

  readPurchaseOrder(poNumber: string, call: ErpCallOptions): Promise<ErpPurchaseOrder | null> {
    return this.call('read', call, () => this.purchaseOrders.read(poNumber));
  }

  readMasterData(query: ErpMasterDataQuery, call: ErpCallOptions): Promise<ErpMasterData> {
    return this.call('read', call, () => this.reads.readMasterData(query));
  }

  readStock(material: string, plant: string, call: ErpCallOptions): Promise<ErpStock | null> {
    return this.call('read', call, () => this.reads.readStock(material, plant));
  }

  /** Waits for calls still running after their caller gave up (late commits), before the database closes. */
  async drain(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private async call<T>(
    operation: Exclude<SimulatorFaultOperation, '*'>,
    call: ErpCallOptions,
    effect: () => Promise<T>,
  ): Promise<T> {
    const work = this.faults.decide(operation).then((fault) => performWithFault(fault, effect));
    const tracked = work.then(
      () => undefined,
      () => undefined,
    );
    this.inFlight.add(tracked);
    void tracked.finally(() => this.inFlight.delete(tracked));

    let timer: NodeJS.Timeout | undefined;
    let onAbort: (() => void) | undefined;
    const timeout = new Promise<never>((_, reject) => {
      onAbort = () => reject(new CallTimedOut());
      timer = setTimeout(onAbort, call.timeoutMs);
      call.signal?.addEventListener('abort', onAbort, { once: true });
    });
    try {
      return await Promise.race([work, timeout]);
    } catch (error) {
      throw classify(error, operation, call.timeoutMs);
    } finally {
      clearTimeout(timer);
      if (onAbort) call.signal?.removeEventListener('abort', onAbort);
    }
  }
}

function classify(error: unknown, operation: string, timeoutMs: number): ErpCallError {
  if (error instanceof ErpCallError) return error;
  if (error instanceof SimulatedUnavailable)
    return erpUnavailable(`ERP simulator refused the ${operation}: ${error.fault}`);
  if (error instanceof SimulatedDroppedAnswer)
    return erpOutcomeUnknown(`no answer to the ${operation} (connection dropped)`);
  if (error instanceof CallTimedOut)
    return erpOutcomeUnknown(`no answer to the ${operation} within ${timeoutMs} ms`);
  // A database error inside the simulator may have happened at commit: say the outcome is unknown.
  return erpOutcomeUnknown(`ERP simulator failed during the ${operation}`, error);
}
