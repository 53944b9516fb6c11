import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { currentCorrelationId } from '../logging/correlation.js';
import type { JobDefinition } from './job-definition.js';
import { OutboxRepository } from './outbox.repository.js';

export interface EnqueueOptions {
  /**
   * Deterministic job key: the business key plus revision of the effect (e.g.
   * `erp.post-confirmation:PO-4711:rev-2`). Enqueueing the same key twice makes one job.
   */
  readonly key: string;
  readonly correlationId?: string;
  readonly causationId?: string | null;
  readonly notBefore?: Date;
  /** Overrides the job's `maxAttempts` (a per-ERP retry policy). */
  readonly maxAttempts?: number;
}

/**
 * Enqueues jobs inside the caller's transaction, so that a business change and the effects it
 * causes commit or roll back together (DESIGN.md, data flow step 3).
 */
@Injectable()
export class OutboxService {
  constructor(private readonly outbox: OutboxRepository) {}

  /** Returns false when a job with this key already exists. */
  async enqueue<P>(
    tx: EntityManager,
    job: JobDefinition<P>,
    payload: P,
    options: EnqueueOptions,
  ): Promise<boolean> {
    if (!tx.queryRunner?.isTransactionActive) {
      // Outside a transaction the job could commit without the change that caused it, or the reverse.
      throw new Error(
        `enqueue ${job.name}: call inside a transaction (pass the transaction's EntityManager)`,
      );
    }
    return this.outbox.insert(tx, {
      jobKey: `${job.name}:${options.key}`,
      jobName: job.name,
      payload,
      correlationId: options.correlationId ?? currentCorrelationId(),
      causationId: options.causationId ?? null,
      maxAttempts: options.maxAttempts ?? job.maxAttempts,
      availableAt: options.notBefore,
    });
  }
}
