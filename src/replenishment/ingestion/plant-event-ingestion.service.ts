import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { GatewayConfig } from '../../config/config.js';
import { InjectConfig } from '../../config/config.module.js';
import { hasUnstorableEscape } from '../../platform/database/storable-json.js';
import { parseErpDocumentBody, type ErpDocumentBody } from '../../erp/port/erp-documents.js';
import { ErpPostingService } from '../../erp/posting/erp-posting.service.js';
import type { MasterDataView } from '../master-data/master-data.model.js';
import { MasterDataService } from '../master-data/master-data.service.js';
import {
  normalizePlantEvent,
  type AcceptedEvent,
  type NormalizedEvent,
  type PlantEvent,
  type RejectedEvent,
} from './plant-event-normalizer.js';
import { PlantEventMetrics } from './plant-event.metrics.js';
import { PlantEventRepository, type IngestChannel } from './plant-event.repository.js';

export interface IngestItem {
  /** The event as received (parsed JSON, or the text that did not parse). */
  readonly body: unknown;
  /** The MQTT topic it came on. */
  readonly topic?: string;
  /** The JSON text `body` was parsed from, stored as received when the event is accepted. */
  readonly raw?: string;
  /** The plant the channel is for (`plants/{plant}/…` topics): an event of another plant is refused. */
  readonly plant?: string;
}

export interface IngestResult {
  readonly received: number;
  /** Applied for the first time in this batch. */
  readonly accepted: number;
  /** Already applied earlier (or twice in this batch): counted once. */
  readonly duplicates: number;
  /** Applied, but older than the out-of-order window allows: flagged for a person. */
  readonly late: number;
  readonly rejected: readonly {
    index: number;
    producerKey: string | null;
    reason: string;
    details: readonly string[];
  }[];
}

const RETRYABLE = new Set(['40P01', '40001']);

/**
 * One batch of plant events, from REST or MQTT, in one transaction: validate and convert (in
 * memory), insert events, movements and balance changes with one statement, keep refused events,
 * and request a production confirmation from the ERP for each newly applied production completion.
 * A batch that commits is applied exactly once per producer key; one that does not changed nothing.
 */
@Injectable()
export class PlantEventIngestion {
  private readonly events = new PlantEventRepository();

  constructor(
    @InjectConfig() private readonly config: GatewayConfig,
    private readonly dataSource: DataSource,
    private readonly masterData: MasterDataService,
    private readonly erp: ErpPostingService,
    private readonly metrics: PlantEventMetrics,
  ) {}

  async ingest(items: readonly IngestItem[], channel: IngestChannel): Promise<IngestResult> {
    for (let attempt = 1; ; attempt++) {
      try {
        const started = performance.now();
        const result = await this.apply(items, channel);
        this.metrics.observe(channel, result, performance.now() - started);
        return result;
      } catch (error) {
        // Two batches crossing on the same keys or balances: PostgreSQL picked this one to retry.
        if (attempt < 4 && RETRYABLE.has((error as { code?: string }).code ?? '')) continue;
        throw error;
      }
    }
  }

  /**
   * The usual batch (every event accepted or a duplicate, no production completion to confirm to
   * the ERP) is written by one statement, which PostgreSQL runs as its own transaction and commits
   * before it answers: the same atomicity and durability as BEGIN … COMMIT around it, with two
   * round trips fewer and the balance rows locked only while that statement commits. Anything
   * else takes the transaction.
   */
  private async apply(items: readonly IngestItem[], channel: IngestChannel): Promise<IngestResult> {
    const master = await this.masterData.repository.view(this.dataSource.manager);
    const batch = sortOut(items, master);
    const oneStatement =
      batch.rejected.length === 0 &&
      ![...batch.accepted.values()].some((e) => e.event.type === 'production.completed');
    if (oneStatement) return this.write(this.dataSource.manager, items, batch, channel);
    return this.dataSource.transaction((tx) => this.write(tx, items, batch, channel));
  }

  /**
   * After a batch failed: each event on its own, so that one event the database refuses (a poison
   * message) is kept as refused instead of failing its batch forever. An event that fails while the
   * database does not answer a trivial query is not the cause (the database is away): the error is
   * thrown and nothing is kept.
   */
  async ingestOneByOne(items: readonly IngestItem[], channel: IngestChannel): Promise<IngestResult[]> {
    const results: IngestResult[] = [];
    for (const item of items) {
      try {
        results.push(await this.ingest([item], channel));
      } catch (error) {
        await this.dataSource.query('SELECT 1');
        const refused: RejectedEvent = {
          ok: false,
          producerKey: normalizedKey(item),
          reason: 'not-storable',
          details: [messageOf(error)],
        };
        const topic = item.topic ?? null;
        try {
          await this.keepRefused(refused, item.body, topic, channel);
        } catch (again) {
          await this.dataSource.query('SELECT 1');
          // Not even the refusal can be stored with its body (nested deeper than PostgreSQL's JSON
          // parser or JSON.stringify follow): kept with the start of its text instead, so that the
          // message is acknowledged all the same.
          const details = [...refused.details, `the body is not kept, only its start: ${messageOf(again)}`];
          await this.keepRefused({ ...refused, details }, startOf(item), topic, channel);
        }
      }
    }
    return results;
  }

  private keepRefused(
    refused: RejectedEvent,
    body: unknown,
    topic: string | null,
    channel: IngestChannel,
  ): Promise<void> {
    return this.dataSource.transaction((tx) =>
      this.events.insertRejected(tx, [{ event: refused, body, topic }], channel),
    );
  }

  /** The same, inside the caller's transaction (goods receipts from the PO lifecycle). */
  async ingestIn(
    tx: EntityManager,
    items: readonly IngestItem[],
    channel: IngestChannel,
  ): Promise<IngestResult> {
    const master = await this.masterData.repository.view(tx);
    return this.write(tx, items, sortOut(items, master), channel);
  }

  private async write(
    tx: EntityManager,
    items: readonly IngestItem[],
    batch: SortedBatch,
    channel: IngestChannel,
  ): Promise<IngestResult> {
    const { accepted, rejected, duplicates } = batch;
    const inserted = await this.events.insertBatch(
      tx,
      [...accepted.values()],
      channel,
      this.config.PLANT_EVENTS_LATE_MINUTES,
    );
    await this.events.insertRejected(tx, rejected, channel);
    for (const { producerKey } of inserted) {
      const event = accepted.get(producerKey)!.event;
      if (event.type === 'production.completed') await this.confirmProduction(tx, producerKey, event);
    }
    return {
      received: items.length,
      accepted: inserted.length,
      duplicates: duplicates + (accepted.size - inserted.length),
      late: inserted.filter((i) => i.late).length,
      rejected: rejected.map((r) => ({
        index: r.index,
        producerKey: r.event.producerKey,
        reason: r.event.reason,
        details: r.event.details,
      })),
    };
  }

  private async confirmProduction(
    tx: EntityManager,
    producerKey: string,
    event: Extract<PlantEvent, { type: 'production.completed' }>,
  ): Promise<void> {
    await this.erp.post(tx, {
      kind: 'production-confirmation',
      // Deterministic from the producer key: a redelivered completion is the same effect.
      businessKey: producerKey,
      revision: 0,
      plant: event.plant,
      orderingKey: `production:${event.plant}/${event.payload.productionOrder}`,
      correlationId: event.correlationId,
      causationId: event.id,
      body: productionConfirmationBody(event),
    });
  }
}

export function productionConfirmationBody(
  event: Extract<PlantEvent, { type: 'production.completed' }>,
): ErpDocumentBody<'production-confirmation'> {
  const done = event.payload;
  return {
    productionOrder: done.productionOrder,
    plant: event.plant,
    material: done.material,
    yieldQuantity: done.finishedQuantity.value,
    scrapQuantity: done.scrapQuantity.value,
    unit: done.finishedQuantity.unit,
    completedAt: event.occurredAt,
    components: done.components.flatMap((c) => {
      const lots = c.lots ?? [];
      if (
        lots.length > 0 &&
        lots.every((l) => l.quantity !== undefined && l.quantity.unit === c.quantity.unit)
      )
        return lots.map((l) => ({
          material: c.material,
          quantity: l.quantity!.value,
          unit: c.quantity.unit,
          lot: l.lot,
        }));
      return [
        {
          material: c.material,
          quantity: c.quantity.value,
          unit: c.quantity.unit,
          ...(lots.length === 1 ? { lot: lots[0]!.lot } : {}),
        },
      ];
    }),
  };
}

interface SortedBatch {
  /** The first of each producer key, in batch order. */
  readonly accepted: ReadonlyMap<string, AcceptedEvent>;
  /** Seen again in the same batch. */
  readonly duplicates: number;
  readonly rejected: readonly { index: number; event: RejectedEvent; body: unknown; topic: string | null }[];
}

/** Validates and converts a batch in memory and sorts its events into accepted, repeated and refused. */
function sortOut(items: readonly IngestItem[], master: MasterDataView | undefined): SortedBatch {
  const accepted = new Map<string, AcceptedEvent>();
  let duplicates = 0;
  const rejected: SortedBatch['rejected'][number][] = [];
  items.forEach((item, index) => {
    const n = checkChannel(checkStorable(checkPostable(normalizePlantEvent(item.body, master)), item), item);
    if (!n.ok) rejected.push({ index, event: n, body: item.body, topic: item.topic ?? null });
    else if (accepted.has(n.producerKey)) duplicates += 1;
    else accepted.set(n.producerKey, item.raw !== undefined ? { ...n, raw: item.raw } : n);
  });
  return { accepted, duplicates, rejected };
}

/** The first 4,096 characters of the item's text, as received. */
function startOf(item: IngestItem): string {
  const text = item.raw ?? (typeof item.body === 'string' ? item.body : '');
  return text.length > 4096 ? `${text.slice(0, 4096)}…` : text;
}

function messageOf(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).slice(0, 1000);
}

function normalizedKey(item: IngestItem): string | null {
  const n = normalizePlantEvent(item.body, undefined);
  return n.producerKey;
}

function checkChannel(n: NormalizedEvent, item: IngestItem): NormalizedEvent {
  if (!n.ok || item.plant === undefined || n.plant === item.plant) return n;
  return {
    ok: false,
    producerKey: n.producerKey,
    reason: 'plant-mismatch',
    details: [
      `an event of plant ${n.plant} on the channel of plant ${item.plant}${item.topic ? ` (${item.topic})` : ''}`,
    ],
  };
}

/**
 * PostgreSQL's jsonb cannot hold U+0000 or an unpaired surrogate; one such event would fail its
 * whole batch (and an MQTT batch would come back forever), so it is refused on its own. The
 * catalogue's text() refuses them in every value it accepts; an event kept as received (`raw`)
 * can still hold one where the parsed event does not (a key given twice: JSON.parse keeps the last).
 */
function checkStorable(n: NormalizedEvent, item: IngestItem): NormalizedEvent {
  if (!n.ok || item.raw === undefined || !hasUnstorableEscape(item.raw)) return n;
  return {
    ok: false,
    producerKey: n.producerKey,
    reason: 'invalid-event',
    details: [
      'the event text holds \\u0000 (NUL) or an unpaired surrogate escape, which PostgreSQL cannot store',
    ],
  };
}

/** A completion the ERP contract cannot carry (too many decimals, too long a code) is refused up front. */
function checkPostable(n: NormalizedEvent): NormalizedEvent {
  if (!n.ok || n.event.type !== 'production.completed') return n;
  const parsed = parseErpDocumentBody('production-confirmation', productionConfirmationBody(n.event));
  if (parsed.ok) return n;
  return {
    ok: false,
    producerKey: n.producerKey,
    reason: 'invalid-event',
    details: parsed.problems.map((p) => `production confirmation for the ERP: ${p}`),
  };
}
