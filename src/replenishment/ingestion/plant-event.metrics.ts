import { Injectable } from '@nestjs/common';
import { Counter, Histogram } from 'prom-client';
import { MetricsRegistry } from '../../platform/metrics/metrics-registry.js';
import type { IngestResult } from './plant-event-ingestion.service.js';
import type { IngestChannel } from './plant-event.repository.js';

/** Plant events by channel and outcome, and batch commit durations, on /metrics. */
@Injectable()
export class PlantEventMetrics {
  private readonly events: Counter<'channel' | 'outcome'>;
  private readonly batches: Histogram<'channel'>;

  constructor(metrics: MetricsRegistry) {
    this.events = new Counter({
      name: 'gateway_plant_events_total',
      help: 'Plant events by channel (api, mqtt, procurement) and outcome (accepted, duplicate, late, rejected).',
      labelNames: ['channel', 'outcome'],
      registers: [metrics.registry],
    });
    this.batches = new Histogram({
      name: 'gateway_plant_event_batch_seconds',
      help: 'Time from a batch starting to its commit (balances updated).',
      labelNames: ['channel'],
      buckets: [0.005, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [metrics.registry],
    });
  }

  observe(channel: IngestChannel, result: IngestResult, ms: number): void {
    this.events.inc({ channel, outcome: 'accepted' }, result.accepted);
    this.events.inc({ channel, outcome: 'duplicate' }, result.duplicates);
    this.events.inc({ channel, outcome: 'late' }, result.late);
    this.events.inc({ channel, outcome: 'rejected' }, result.rejected.length);
    this.batches.observe({ channel }, ms / 1000);
  }
}
