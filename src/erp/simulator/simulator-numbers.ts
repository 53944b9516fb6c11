import type { EntityManager } from 'typeorm';
import { queryRows } from '../../platform/database/sql.js';

/** The next number of a range (`45` purchase orders, `18` inbound deliveries…), ten digits long. */
export async function nextDocumentNumber(tx: EntityManager, prefix: string): Promise<string> {
  const [row] = await queryRows<{ value: string }>(
    tx,
    `INSERT INTO erp_sim_counter (prefix, next_value) VALUES ($1, 2)
     ON CONFLICT ON CONSTRAINT pk_erp_sim_counter DO UPDATE SET next_value = erp_sim_counter.next_value + 1
     RETURNING (next_value - 1)::text AS value`,
    [prefix],
  );
  return `${prefix}${row!.value.padStart(8, '0')}`;
}
