import { Injectable } from '@nestjs/common';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import type { GatewayConfig } from '../../config/config.js';
import { InjectConfig } from '../../config/config.module.js';
import { LeaseService } from '../../platform/jobs/lease.service.js';
import { LeasedSweep } from '../../platform/jobs/leased-sweep.js';
import { ReplenishmentEvaluator } from './replenishment-evaluator.js';

/** Balances evaluated per pass; the rest wait for the next one. */
const BATCH = 200;
/** Every balance is evaluated again at least this often: days pass and orders change. */
const STALE_MINUTES = 60;
/** Decisions no recommendation points to are kept this long for explanations, then pruned. */
const DECISION_DAYS = 30;

/**
 * The replenishment loop's clock: one process at a time, every REPLENISHMENT_EVALUATE_EVERY_SECONDS,
 * evaluates the balances that moved since their last evaluation (a consumption, a completion, a
 * receipt, an opening balance), whose policy changed, or that were not looked at for an hour. Kept
 * out of the ingestion transaction on purpose: a batch of 10,000 events commits without waiting for
 * reorder points, and each material is evaluated once per pass however many events moved it.
 */
@Injectable()
export class ReplenishmentSweep extends LeasedSweep {
  constructor(
    @InjectConfig() private readonly config: GatewayConfig,
    leases: LeaseService,
    private readonly evaluator: ReplenishmentEvaluator,
    @InjectPinoLogger(ReplenishmentSweep.name) private readonly logger: PinoLogger,
  ) {
    super(
      {
        name: 'replenishment-evaluate',
        everyMs: Math.max(1, config.REPLENISHMENT_EVALUATE_EVERY_SECONDS) * 1000,
      },
      config,
      leases,
      logger,
    );
  }

  protected override wanted(): boolean {
    return this.config.REPLENISHMENT_EVALUATE_EVERY_SECONDS > 0;
  }

  protected async pass(_now: Date, signal: AbortSignal): Promise<number> {
    const done = await this.evaluator.evaluateDue(STALE_MINUTES, BATCH, signal, (plant, material, error) =>
      this.logger.error(
        { err: error, plant, material },
        'replenishment evaluation failed; set aside until the balance moves',
      ),
    );
    const raised = done.filter((e) => e.recommendation !== null);
    if (raised.length > 0)
      this.logger.info(
        { recommendations: raised.map((e) => `${e.plant}/${e.material}: ${e.recommendation!.action}`) },
        'replenishment recommendations raised',
      );
    await this.evaluator.pruneDecisions(DECISION_DAYS);
    return done.length;
  }
}
