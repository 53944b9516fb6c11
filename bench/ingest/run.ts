import { spawnSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import {
  normalizePlantEvent,
  type AcceptedEvent,
} from '../../src/replenishment/ingestion/plant-event-normalizer.js';
import { PlantEventRepository } from '../../src/replenishment/ingestion/plant-event.repository.js';
import { MasterDataRepository } from '../../src/replenishment/master-data/master-data.repository.js';
import { ADMIN_URL, percentile, startGateway, withDatabase } from '../shared/gateway.js';
import { arg } from '../shared/runner.js';

/**
 * `npm run bench:ingest [-- --seconds N] [--concurrency N] [--batch N]`: sustained plant-event
 * ingestion through the REST batch path of the built gateway (a child process on a PostgreSQL
 * server), next to two floors measured in the same run on the same server: the bare SQL path (the
 * same rows through the same INSERT … ON CONFLICT and balance upsert, no HTTP, no validation) and a
 * raw COPY of the same event and movement rows (psql \copy). Not a test: it prints figures and ratios.
 */
const TOKEN = `bench-${randomBytes(16).toString('hex')}`;
const MATERIALS = ['CMP-BOLT-M8', 'CMP-HOUSING-C1', 'RAW-STEEL-S235', 'FG-PUMP-100'];

const SECONDS = arg('--seconds', 20);
const CONCURRENCY = arg('--concurrency', 4);
const BATCH = arg('--batch', 1000);
/** Events resent from the previous batch of the same worker: the path stays idempotent under load. */
const DUPLICATES_PER_BATCH = Math.floor(BATCH / 100);

let sequence = 0;
const started = new Date().toISOString();

/** One canonical material.consumed event as NDJSON text (built by template: the client must stay cheap). */
function eventLine(n: number): string {
  const material = MATERIALS[n % MATERIALS.length]!;
  const unit = material === 'RAW-STEEL-S235' ? 'KGM' : 'H87';
  const value = n % 10 === 0 ? `${(n % 97) + 1}` : `${(n % 97) + 1}.${n % 10}`;
  return `{"id":"${randomUUID()}","type":"material.consumed","schemaVersion":"v1","plant":"1000","occurredAt":"${started}","receivedAt":"${started}","correlationId":"bench:${n}","causationId":null,"document":{"kind":"original","number":"B-${n}","revision":"1"},"source":{"channel":"mes"},"payload":{"purpose":"production","items":[{"material":"${material}","quantity":{"value":"${value}","unit":"${unit}"}}]}}`;
}

function nextBatch(previous: string[]): string[] {
  const lines: string[] = [];
  for (let i = 0; i < BATCH - DUPLICATES_PER_BATCH; i++) lines.push(eventLine(sequence++));
  for (let i = 0; i < DUPLICATES_PER_BATCH && previous.length > 0; i++) lines.push(previous[i]!);
  return lines;
}

interface RestFigures {
  events: number;
  seconds: number;
  rate: number;
  p50: number;
  p99: number;
  requests: number;
}

async function restPath(url: string): Promise<RestFigures> {
  const gateway = await startGateway(url, {
    BOOTSTRAP_ADMIN_TOKEN: TOKEN,
    ERP_RECONCILE_EVERY_MINUTES: '0',
  });
  try {
    const base = gateway.base;
    const latencies: number[] = [];
    let accepted = 0;
    const deadline = Date.now() + SECONDS * 1000;
    const t0 = performance.now();
    const worker = async () => {
      let previous: string[] = [];
      while (Date.now() < deadline) {
        const lines = nextBatch(previous);
        previous = lines;
        const body = lines.join('\n');
        const start = performance.now();
        const res = await fetch(`${base}/plant-events/v1/events`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/x-ndjson' },
          body,
        });
        const result = (await res.json()) as { accepted: number; rejected: unknown[] };
        latencies.push(performance.now() - start);
        if (res.status !== 200 || result.rejected.length > 0)
          throw new Error(`batch refused: ${res.status} ${JSON.stringify(result).slice(0, 300)}`);
        accepted += result.accepted;
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    const seconds = (performance.now() - t0) / 1000;
    // Durability and idempotency: every accepted event is stored once and counted once.
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const { rows } = await client.query<{ events: number; movements: number }>(
      `SELECT (SELECT count(*)::int FROM plant_event) AS events, (SELECT sum(movements)::int FROM stock_balance) AS movements`,
    );
    await client.end();
    if (rows[0]!.events !== accepted || rows[0]!.movements !== accepted)
      throw new Error(
        `stored ${rows[0]!.events} events and ${rows[0]!.movements} movements, accepted ${accepted}`,
      );
    return {
      events: accepted,
      seconds,
      rate: accepted / seconds,
      p50: percentile(latencies, 0.5),
      p99: percentile(latencies, 0.99),
      requests: latencies.length,
    };
  } finally {
    await gateway.stop();
  }
}

/** The rows the REST path would write, prepared outside the timing. */
async function prepared(url: string, events: number): Promise<AcceptedEvent[][]> {
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  const db = { query: async (sql: string, params?: unknown[]) => (await pool.query(sql, params)).rows };
  const master = await new MasterDataRepository().view(db as never);
  await pool.end();
  const batches: AcceptedEvent[][] = [];
  for (let done = 0; done < events; done += BATCH) {
    const batch: AcceptedEvent[] = [];
    for (let i = 0; i < Math.min(BATCH, events - done); i++) {
      const n = normalizePlantEvent(JSON.parse(eventLine(sequence++)), master);
      if (!n.ok) throw new Error(`bench event refused: ${n.details.join('; ')}`);
      batch.push(n);
    }
    batches.push(batch);
  }
  return batches;
}

async function bareSql(url: string, batches: AcceptedEvent[][]): Promise<{ rate: number; seconds: number }> {
  const pool = new pg.Pool({ connectionString: url, max: CONCURRENCY });
  const repository = new PlantEventRepository();
  let next = 0;
  const t0 = performance.now();
  const worker = async () => {
    const client = await pool.connect();
    const tx = { query: async (sql: string, params?: unknown[]) => (await client.query(sql, params)).rows };
    try {
      while (next < batches.length) {
        const batch = batches[next++]!;
        await client.query('BEGIN');
        await repository.insertBatch(tx as never, batch, 'api', 60);
        await client.query('COMMIT');
      }
    } finally {
      client.release();
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const seconds = (performance.now() - t0) / 1000;
  await pool.end();
  const events = batches.reduce((n, b) => n + b.length, 0);
  return { rate: events / seconds, seconds };
}

function csv(value: string): string {
  return `"${value.replace(/"/g, '""')}"`;
}

async function rawCopy(url: string, batches: AcceptedEvent[][]): Promise<{ rate: number; seconds: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'sg-bench-copy-'));
  const events = batches.flat();
  const eventsFile = join(dir, 'events.csv');
  const movementsFile = join(dir, 'movements.csv');
  writeFileSync(
    eventsFile,
    events
      .map((e) =>
        [e.producerKey, e.type, e.plant, e.material, 'api', e.occurredAt, 'false', JSON.stringify(e.event)]
          .map(csv)
          .join(','),
      )
      .join('\n'),
  );
  writeFileSync(
    movementsFile,
    events
      .flatMap((e) =>
        e.movements.map((m) =>
          [e.producerKey, String(m.seq), e.plant, m.material, m.kind, m.quantity, e.occurredAt]
            .map(csv)
            .join(','),
        ),
      )
      .join('\n'),
  );
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(`CREATE TABLE copy_event (LIKE plant_event INCLUDING ALL)`);
  await client.query(`CREATE TABLE copy_movement (LIKE stock_movement INCLUDING ALL)`);
  await client.end();
  const t0 = performance.now();
  const psql = spawnSync(
    'psql',
    [
      url,
      '-v',
      'ON_ERROR_STOP=1',
      '-c',
      `\\copy copy_event (producer_key, type, plant, material, channel, occurred_at, late, event) FROM '${eventsFile}' WITH (FORMAT csv)`,
      '-c',
      `\\copy copy_movement (producer_key, seq, plant, material, kind, quantity, occurred_at) FROM '${movementsFile}' WITH (FORMAT csv)`,
    ],
    { encoding: 'utf8' },
  );
  const seconds = (performance.now() - t0) / 1000;
  rmSync(dir, { recursive: true, force: true });
  if (psql.status !== 0) throw new Error(`psql \\copy failed: ${psql.stderr}`);
  return { rate: events.length / seconds, seconds };
}

async function main(): Promise<void> {
  console.log(
    `bench:ingest on ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB; PostgreSQL ${ADMIN_URL.replace(/\/\/[^@]*@/, '//')}`,
  );
  console.log(
    `REST: batches of ${BATCH} (${DUPLICATES_PER_BATCH} resent each), ${CONCURRENCY} concurrent requests, ${SECONDS} s`,
  );
  const rest = await withDatabase('sg_bench_ingest', restPath);
  const floors = await withDatabase('sg_bench_ingest', async (url) => {
    // The gateway migrates and imports master data at start; the floors reuse a database it prepared.
    await restPathSetupOnly(url);
    const batches = await prepared(url, Math.max(rest.events, BATCH));
    const bare = await bareSql(url, batches);
    const copy = await rawCopy(url, batches);
    return { bare, copy, events: batches.reduce((n, b) => n + b.length, 0) };
  });
  const rows = [
    ['path', 'events', 'seconds', 'events/s', 'p50 ms', 'p99 ms'],
    [
      'REST batch (gateway)',
      rest.events,
      rest.seconds.toFixed(1),
      Math.round(rest.rate),
      rest.p50.toFixed(0),
      rest.p99.toFixed(0),
    ],
    [
      'bare SQL (no HTTP)',
      floors.events,
      floors.bare.seconds.toFixed(1),
      Math.round(floors.bare.rate),
      '',
      '',
    ],
    ['raw COPY (psql)', floors.events, floors.copy.seconds.toFixed(1), Math.round(floors.copy.rate), '', ''],
  ];
  for (const row of rows) console.log(row.map((c, i) => String(c).padEnd(i === 0 ? 22 : 10)).join(' '));
  console.log(`RATE ingest-events-per-s ${Math.round(rest.rate)}`);
  console.log(`RATE ingest-p99-ms ${rest.p99.toFixed(0)}`);
  console.log(`RATIO ingest/bare-sql ${(rest.rate / floors.bare.rate).toFixed(2)}`);
  console.log(`RATIO ingest/copy ${(rest.rate / floors.copy.rate).toFixed(2)}`);
}

/** Starts the gateway once on a fresh database (migrations, master data) and stops it. */
async function restPathSetupOnly(url: string): Promise<void> {
  await (await startGateway(url, {})).stop();
}

await main();
