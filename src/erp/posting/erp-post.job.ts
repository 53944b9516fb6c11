import { Injectable } from '@nestjs/common';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { DataSource } from 'typeorm';
import { GATEWAY_ACTOR } from '../../audit/actor.js';
import { ExceptionService } from '../../exceptions/exception.service.js';
import { faultPoint } from '../../platform/faults/fault-point.js';
import {
  backoffDelayMs,
  defineJob,
  DeferJobError,
  PermanentJobError,
  RetryJobError,
  type JobContext,
  type JobHandler,
} from '../../platform/jobs/job-definition.js';
import { HandlesJob } from '../../platform/jobs/job-handler.decorator.js';
import { jobRun } from '../../platform/jobs/outbox.repository.js';
import { ErpConnections } from '../connections/erp-connections.js';
import type { ErpInstanceConfig } from '../connections/erp-instances.schema.js';
import type { ErpDocumentBody } from '../port/erp-documents.js';
import { ErpCallError, erpOutcomeUnknown } from '../port/erp-errors.js';
import type { ErpCallOptions, ErpEntry, ErpPort } from '../port/erp-port.js';
import { ErpLimiter } from './erp-limiter.js';
import { ErpPostingEvents } from './erp-posting.events.js';
import { ErpPostingRepository } from './erp-posting.repository.js';
import type { ErpPosting } from './erp-posting.types.js';

export interface ErpPostPayload {
  readonly postingId: string;
}

/** Sends one `erp_posting` row to its ERP. Keyed by ERP instance and idempotency key. */
export const ErpPostJob = defineJob<ErpPostPayload>('erp.post', { maxAttempts: 12 });

/** The cases a dead posting raises: refused by the ERP, or out of tries. */
const DEAD_POSTING_CASES = ['erp.posting-rejected', 'erp.posting-failed'] as const;

/** One case per posting (and ERP), whichever of the two it is. */
function deadPostingCaseKey(posting: ErpPosting): string {
  return `${posting.erpInstance}:${posting.idempotencyKey}`;
}

/** How long a posting waits before looking again at the posting it must not overtake. */
const ORDER_WAIT_MS = 250;
const BLOCKED_WAIT_MS = 30_000;

/**
 * One try of one posting, in the order the posting's ordering key demands, within the ERP's rate
 * and concurrency limits, and never twice: where the ERP ignores idempotency keys, a call whose
 * outcome was unknown is followed (and the next try preceded) by a look-up by external reference.
 */
@Injectable()
@HandlesJob(ErpPostJob)
export class ErpPostJobHandler implements JobHandler<ErpPostPayload> {
  constructor(
    private readonly dataSource: DataSource,
    private readonly postings: ErpPostingRepository,
    private readonly connections: ErpConnections,
    private readonly limiter: ErpLimiter,
    private readonly exceptions: ExceptionService,
    private readonly events: ErpPostingEvents,
    @InjectPinoLogger(ErpPostJobHandler.name) private readonly logger: PinoLogger,
  ) {}

  async handle(payload: ErpPostPayload, context: JobContext): Promise<void> {
    const posting = await this.postings.get(this.dataSource, payload.postingId);
    if (!posting) throw new PermanentJobError(`no ERP posting ${payload.postingId}`);
    if (posting.status === 'posted') return;
    if (posting.status === 'dead') await this.postings.setStatus(this.dataSource, posting.id, 'pending');

    const documentNumber = await this.waitForPredecessors(posting);
    const instance = this.connections.instance(posting.erpInstance);
    const port = this.connections.port(instance.id);
    const call: ErpCallOptions = { correlationId: posting.correlationId, timeoutMs: instance.timeoutMs };
    const lookUp = instance.idempotencyKeys === 'ignored';

    if (posting.outcomeUnknownAt !== null) {
      const settledAt = Date.parse(posting.outcomeUnknownAt) + instance.unknownOutcomeSettleMs;
      if (settledAt > Date.now()) {
        throw new DeferJobError(
          `posting ${posting.id} waits for its unknown outcome to settle`,
          settledAt - Date.now(),
        );
      }
      if (lookUp) {
        const found = await this.lookUp(posting, instance, port, call);
        if (found === 'found') return;
        if (found === 'unknown') {
          // Sending now could post it twice: try again later, the outcome still unknown.
          await this.postings.recordAttempt(this.dataSource, posting.id, 'look-up failed', false);
          await this.giveUpOrRetry(
            posting,
            instance,
            erpOutcomeUnknown(`could not look ${posting.externalReference} up in ERP ${instance.id}`),
            context,
          );
        }
      }
    }

    let entry: ErpEntry;
    try {
      entry = await this.limiter.run(instance, () => this.send(port, posting, documentNumber, call));
    } catch (error) {
      if (error instanceof DeferJobError) throw error;
      const failure =
        error instanceof ErpCallError ? error : erpOutcomeUnknown('the ERP adapter failed', error);
      // After a timeout or a lost answer, ask again before giving the try up.
      if (
        failure.mayHaveCommitted &&
        lookUp &&
        (await this.lookUp(posting, instance, port, call)) === 'found'
      )
        return;
      await this.postings.recordAttempt(
        this.dataSource,
        posting.id,
        failure.message,
        failure.mayHaveCommitted,
      );
      await this.giveUpOrRetry(posting, instance, failure, context);
      throw failure; // unreachable: giveUpOrRetry always throws
    }
    faultPoint('erp.after-post');
    await this.recordPosted(posting, entry, true);
  }

  private async recordPosted(posting: ErpPosting, entry: ErpEntry, sent: boolean): Promise<void> {
    await this.dataSource.transaction(async (tx) => {
      await this.postings.markPosted(tx, posting.id, entry, sent);
      await this.events.posted(tx, posting, entry.documentNumber);
      // Only a dead posting has a case, and only a replay from the dead letters runs it again: once
      // it reaches the ERP, the case's problem is gone.
      await this.exceptions.resolveRaised(
        tx,
        DEAD_POSTING_CASES,
        deadPostingCaseKey(posting),
        GATEWAY_ACTOR,
        `${sent ? 'posted to' : 'found in'} ERP ${posting.erpInstance} as document ${entry.documentNumber} ` +
          `on a replay from the dead letters`,
      );
    });
  }

  /** Defers while an earlier posting of the same ordering key (or the amended one) is not posted. */
  private async waitForPredecessors(posting: ErpPosting): Promise<string | null> {
    const before = await this.postings.firstUnpostedBefore(this.dataSource, posting);
    if (before) {
      const delay = before.status === 'dead' ? BLOCKED_WAIT_MS : ORDER_WAIT_MS;
      throw new DeferJobError(
        `posting ${posting.id} waits for posting ${before.id} (${before.status})`,
        delay,
      );
    }
    if (posting.targetPostingId === null) return null;
    const target = await this.postings.get(this.dataSource, posting.targetPostingId);
    if (!target || target.status !== 'posted') {
      throw new DeferJobError(
        `posting ${posting.id} waits for the posting it changes (${posting.targetPostingId})`,
        ORDER_WAIT_MS,
      );
    }
    return target.documentNumber;
  }

  private send(port: ErpPort, posting: ErpPosting, documentNumber: string | null, call: ErpCallOptions) {
    const keys = { idempotencyKey: posting.idempotencyKey, externalReference: posting.externalReference };
    switch (posting.operation) {
      case 'post':
        return port.post(
          { ...keys, kind: posting.kind, poNumber: posting.poNumber, body: posting.body as ErpDocumentBody },
          call,
        );
      case 'amend':
        return port.amend(
          {
            ...keys,
            kind: posting.kind,
            documentNumber: documentNumber!,
            revision: posting.revision,
            body: posting.body as ErpDocumentBody,
          },
          call,
        );
      case 'reverse':
        return port.reverse(
          { ...keys, documentNumber: documentNumber!, reason: (posting.body as { reason: string }).reason },
          call,
        );
    }
  }

  /**
   * Whether the ERP holds the effect (then recorded as posted): `absent` only on the ERP's own
   * answer; a look-up that fails is `unknown`, and the caller must not send on it.
   */
  private async lookUp(
    posting: ErpPosting,
    instance: ErpInstanceConfig,
    port: ErpPort,
    call: ErpCallOptions,
  ): Promise<'found' | 'absent' | 'unknown'> {
    await this.postings.countLookup(this.dataSource, posting.id);
    let entry: ErpEntry | null;
    try {
      entry = await this.limiter.run(instance, () => port.findEntry(posting.externalReference, call));
    } catch (error) {
      if (error instanceof DeferJobError) throw error;
      this.logger.warn({ postingId: posting.id, err: error }, 'ERP look-up by external reference failed');
      return 'unknown';
    }
    if (!entry) return 'absent';
    await this.recordPosted(posting, entry, false);
    this.logger.info(
      { postingId: posting.id, entryId: entry.entryId },
      'found the posting in the ERP; not sent again',
    );
    return 'found';
  }

  private async giveUpOrRetry(
    posting: ErpPosting,
    instance: ErpInstanceConfig,
    failure: ErpCallError,
    context: JobContext,
  ): Promise<never> {
    const terminal = !failure.retryable;
    if (terminal || context.attempt >= context.maxAttempts) {
      await this.dataSource.transaction(async (tx) => {
        await this.postings.setStatus(tx, posting.id, 'dead');
        await this.exceptions.raise(
          tx,
          {
            type: terminal ? 'erp.posting-rejected' : 'erp.posting-failed',
            dedupeKey: deadPostingCaseKey(posting),
            // A replay from the dead letters that fails again reopens a case someone resolved.
            occurrence: await jobRun(tx, context),
            summary: `${posting.operation} ${posting.kind} ${posting.businessKey} rev ${posting.revision} to ERP ${posting.erpInstance}: ${failure.message}`,
            references: { poNumber: posting.poNumber, postingRef: posting.externalReference },
            differences:
              failure.details.length > 0
                ? { erp: { expected: null, actual: [...failure.details] } }
                : undefined,
            correlationId: posting.correlationId,
          },
          GATEWAY_ACTOR,
        );
      });
      if (terminal) throw new PermanentJobError(failure.message, { cause: failure });
      throw failure;
    }
    throw new RetryJobError(
      `${posting.operation} ${posting.kind} ${posting.businessKey} rev ${posting.revision}`,
      backoffDelayMs(
        { backoff: { baseMs: instance.retry.baseMs, maxMs: instance.retry.maxMs } },
        context.attempt,
      ),
      {
        cause: failure,
      },
    );
  }
}
