import { Injectable } from '@nestjs/common';
import { Counter, Histogram } from 'prom-client';
import { MetricsRegistry } from '../metrics/metrics-registry.js';

/** Job counts and durations by job name and outcome. */
@Injectable()
export class JobMetrics {
  private readonly attempts: Counter<'job' | 'outcome'>;
  private readonly duration: Histogram<'job'>;

  constructor(metrics: MetricsRegistry) {
    this.attempts = new Counter({
      name: 'gateway_job_attempts_total',
      help: 'Job attempts by job name and outcome (done, retry, dead, deferred).',
      labelNames: ['job', 'outcome'],
      registers: [metrics.registry],
    });
    this.duration = new Histogram({
      name: 'gateway_job_duration_seconds',
      help: 'Duration of job attempts.',
      labelNames: ['job'],
      buckets: [0.005, 0.02, 0.1, 0.5, 2, 10, 60],
      registers: [metrics.registry],
    });
  }

  observe(job: string, outcome: string, ms: number): void {
    this.attempts.inc({ job, outcome });
    this.duration.observe({ job }, ms / 1000);
  }
}
