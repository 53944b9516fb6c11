import { queryRows, type Queryable } from '../../platform/database/sql.js';

/**
 * What the simulator can be told to do wrong, per operation (`*` for all effects and reads):
 * - `fail`: refuse before doing anything (503), so a retry is safe;
 * - `timeout`: hold the call for `delayMs` and then refuse, having done nothing;
 * - `drop-answer`: commit, then lose the answer (the connection drops);
 * - `commit-late`: hold the call for `delayMs`, then commit (after the caller gave up).
 * Each rule fires with probability `rate`, optionally only until a time (an outage window) or a
 * number of times. `injected` counts what fired, so a test can prove the faults happened.
 */
export const SIMULATOR_FAULT_MODES = ['fail', 'timeout', 'drop-answer', 'commit-late'] as const;
export type SimulatorFaultMode = (typeof SIMULATOR_FAULT_MODES)[number];
export const SIMULATOR_FAULT_OPERATIONS = ['post', 'amend', 'reverse', 'read', '*'] as const;
export type SimulatorFaultOperation = (typeof SIMULATOR_FAULT_OPERATIONS)[number];

export interface SimulatorFaultRule {
  readonly operation: SimulatorFaultOperation;
  readonly mode: SimulatorFaultMode;
  /** 0..1 */
  readonly rate: number;
  readonly delayMs: number;
  readonly until: string | null;
  readonly remaining: number | null;
  readonly injected: number;
}

export interface SimulatorFault {
  readonly mode: SimulatorFaultMode;
  readonly delayMs: number;
}

export interface SimulatorSettings {
  /** `ignore` makes the journal accept a repeated key as a new effect, like a careless ERP. */
  readonly idempotency: 'honour' | 'ignore';
  /** Whether an accepted PO change request goes to the supplier through the ERP's own output. */
  readonly outputPoChanges: boolean;
}

interface FaultRow {
  operation: SimulatorFaultOperation;
  mode: SimulatorFaultMode;
  rate: string;
  delay_ms: number;
  until: string | null;
  remaining: number | null;
  injected: number;
}

const toRule = (r: FaultRow): SimulatorFaultRule => ({
  operation: r.operation,
  mode: r.mode,
  rate: Number(r.rate),
  delayMs: r.delay_ms,
  until: r.until,
  remaining: r.remaining,
  injected: r.injected,
});

export class SimulatorFaults {
  constructor(
    private readonly db: Queryable,
    private readonly random: () => number = Math.random,
  ) {}

  async list(): Promise<SimulatorFaultRule[]> {
    const rows = await queryRows<FaultRow>(
      this.db,
      `SELECT operation, mode, rate::text AS rate, delay_ms,
              to_char(until AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS until, remaining, injected
         FROM erp_sim_fault ORDER BY operation, mode`,
    );
    return rows.map(toRule);
  }

  /** Sets (or replaces) a rule; rate 0 keeps the rule's counter but stops it firing. */
  async set(rule: {
    operation: SimulatorFaultOperation;
    mode: SimulatorFaultMode;
    rate: number;
    delayMs?: number;
    until?: Date | null;
    remaining?: number | null;
  }): Promise<void> {
    await this.db.query(
      `INSERT INTO erp_sim_fault (operation, mode, rate, delay_ms, until, remaining)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT ON CONSTRAINT pk_erp_sim_fault
       DO UPDATE SET rate = EXCLUDED.rate, delay_ms = EXCLUDED.delay_ms, until = EXCLUDED.until,
                     remaining = EXCLUDED.remaining`,
      [rule.operation, rule.mode, rule.rate, rule.delayMs ?? 0, rule.until ?? null, rule.remaining ?? null],
    );
  }

  async clear(): Promise<void> {
    await this.db.query(`DELETE FROM erp_sim_fault`);
  }

  /**
   * The fault this call suffers, if any: the active rules for the operation are tried in order,
   * each with its own probability, and the first that fires is counted.
   */
  async decide(operation: Exclude<SimulatorFaultOperation, '*'>): Promise<SimulatorFault | null> {
    const rows = await queryRows<FaultRow>(
      this.db,
      `SELECT operation, mode, rate::text AS rate, delay_ms, NULL AS until, remaining, injected
         FROM erp_sim_fault
        WHERE operation IN ($1, '*') AND rate > 0
          AND (until IS NULL OR until > now()) AND (remaining IS NULL OR remaining > 0)
        ORDER BY CASE mode WHEN 'fail' THEN 0 WHEN 'timeout' THEN 1 WHEN 'commit-late' THEN 2 ELSE 3 END`,
      [operation === 'read' ? 'read' : operation],
    );
    for (const row of rows) {
      // Rules for '*' cover effects and reads alike.
      if (this.random() >= Number(row.rate)) continue;
      const fired = await queryRows<{ mode: string }>(
        this.db,
        `UPDATE erp_sim_fault SET injected = injected + 1,
                remaining = CASE WHEN remaining IS NULL THEN NULL ELSE remaining - 1 END
          WHERE operation = $1 AND mode = $2 AND (remaining IS NULL OR remaining > 0)
        RETURNING mode`,
        [row.operation, row.mode],
      );
      if (fired.length > 0) return { mode: row.mode, delayMs: row.delay_ms };
    }
    return null;
  }

  async settings(): Promise<SimulatorSettings> {
    const [row] = await queryRows<{ idempotency: 'honour' | 'ignore'; output_po_changes: boolean }>(
      this.db,
      `SELECT idempotency, output_po_changes FROM erp_sim_setting WHERE id = 1`,
    );
    return { idempotency: row!.idempotency, outputPoChanges: row!.output_po_changes };
  }

  async setSettings(settings: Partial<SimulatorSettings>): Promise<SimulatorSettings> {
    await this.db.query(
      `UPDATE erp_sim_setting SET idempotency = COALESCE($1, idempotency),
              output_po_changes = COALESCE($2, output_po_changes) WHERE id = 1`,
      [settings.idempotency ?? null, settings.outputPoChanges ?? null],
    );
    return this.settings();
  }
}
