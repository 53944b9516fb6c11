import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Named crash points for the durability tests. Inert unless GATEWAY_FAULT_POINT names a point: then
 * the process kills itself with SIGKILL on the GATEWAY_FAULT_AFTER-th pass through that point, after
 * leaving a marker in GATEWAY_FAULT_MARKER_DIR so the test can prove the point was reached.
 *
 * Read from the environment once, at load, on purpose: this is a test harness switch, not a setting
 * an operator should ever see in the configuration table.
 */
const armed = process.env.GATEWAY_FAULT_POINT;
const after = Number(process.env.GATEWAY_FAULT_AFTER ?? '1');
const markerDir = process.env.GATEWAY_FAULT_MARKER_DIR;
let passes = 0;

export type FaultPointName =
  /** Inside a job's effect transaction, after the effect is written and before it commits. */
  | 'job.effect.in-transaction'
  /** After the effect committed, before the job is acknowledged (outbox row done, queue job completed). */
  | 'job.after-commit'
  /** After a job was handed to the queue, before the outbox row records the dispatch. */
  | 'job.after-dispatch'
  /** The ERP answered a posting; the gateway has not yet recorded it as posted. */
  | 'erp.after-post';

export function faultPoint(name: FaultPointName): void {
  if (armed !== name) return;
  passes += 1;
  if (passes < after) return;
  if (markerDir) writeFileSync(join(markerDir, `${name}.${process.pid}`), new Date().toISOString());
  process.kill(process.pid, 'SIGKILL');
}
