import { setTimeout as sleep } from 'node:timers/promises';
import type { SimulatorFault } from './simulator-faults.js';

/** The simulator refused the call before doing anything (an outage, a held call given up). */
export class SimulatedUnavailable extends Error {
  constructor(readonly fault: SimulatorFault['mode']) {
    super(`simulated ERP fault: ${fault} (nothing committed)`);
    this.name = 'SimulatedUnavailable';
  }
}

/** The simulator committed and then lost the answer. */
export class SimulatedDroppedAnswer extends Error {
  constructor() {
    super('simulated ERP fault: committed, answer dropped');
    this.name = 'SimulatedDroppedAnswer';
  }
}

/**
 * Runs one call the way a faulty ERP would, the same for the embedded adapter and the HTTP
 * simulator: the HTTP server turns `SimulatedDroppedAnswer` into a dropped connection and
 * `SimulatedUnavailable` into a 503; the embedded adapter into the errors a REST adapter would see.
 * `track` keeps late work visible to the owner, which waits for it before closing the database.
 */
export async function performWithFault<T>(
  fault: SimulatorFault | null,
  effect: () => Promise<T>,
): Promise<T> {
  switch (fault?.mode) {
    case undefined:
      return effect();
    case 'fail':
      throw new SimulatedUnavailable('fail');
    case 'timeout':
      await sleep(fault.delayMs);
      throw new SimulatedUnavailable('timeout');
    case 'commit-late':
      await sleep(fault.delayMs);
      return effect();
    case 'drop-answer':
      await effect();
      throw new SimulatedDroppedAnswer();
  }
}
