import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { queryRows } from '../database/sql.js';

/**
 * The idempotent-consumer pattern: a processed key inserted in the same transaction as a local
 * effect. A second delivery finds the key and skips the effect; if two deliveries race, the unique
 * key makes the second wait for the first and then skip.
 */
@Injectable()
export class IdempotencyService {
  /** Runs `effect` once per (consumer, key); returns false when it had run before. */
  async once(
    tx: EntityManager,
    consumer: string,
    key: string,
    effect: () => Promise<void>,
  ): Promise<boolean> {
    if (!tx.queryRunner?.isTransactionActive) {
      throw new Error(`idempotent effect ${consumer}: call inside the effect's transaction`);
    }
    const inserted = await queryRows(
      tx,
      `INSERT INTO processed_key (consumer, key) VALUES ($1, $2)
       ON CONFLICT ON CONSTRAINT pk_processed_key DO NOTHING RETURNING key`,
      [consumer, key],
    );
    if (inserted.length === 0) return false;
    await effect();
    return true;
  }
}
