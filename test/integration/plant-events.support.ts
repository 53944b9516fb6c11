import { randomBytes, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import mqtt, { type MqttClient } from 'mqtt';

/** Canonical plant events as an MES or WMS would send them, for the plant-event tests and the bench. */

export interface EventOptions {
  readonly plant?: string;
  readonly number: string;
  readonly revision?: string;
  readonly occurredAt?: string;
}

function envelope(type: string, o: EventOptions) {
  return {
    id: randomUUID(),
    type,
    schemaVersion: 'v1',
    plant: o.plant ?? '1000',
    occurredAt: o.occurredAt ?? new Date().toISOString(),
    receivedAt: new Date().toISOString(),
    correlationId: `mes:${o.number}`,
    causationId: null,
    document: { kind: 'original', number: o.number, revision: o.revision ?? '1' },
    source: { channel: 'mes' },
  };
}

export function consumed(o: EventOptions, material: string, value: string, unit = 'H87') {
  return {
    ...envelope('material.consumed', o),
    payload: { purpose: 'production', items: [{ material, quantity: { value, unit } }] },
  };
}

export function adjusted(o: EventOptions, material: string, change: string, unit = 'H87') {
  return {
    ...envelope('inventory.adjusted', o),
    payload: { material, change: { value: change, unit }, reason: 'cycle-count' },
  };
}

export function completed(
  o: EventOptions,
  order: string,
  finished: string,
  components: { material: string; value: string; unit?: string; lot?: string }[],
) {
  return {
    ...envelope('production.completed', o),
    payload: {
      productionOrder: order,
      workCenter: 'LINE-4',
      material: 'FG-PUMP-100',
      finishedQuantity: { value: finished, unit: 'H87' },
      scrapQuantity: { value: '0', unit: 'H87' },
      final: true,
      components: components.map((c) => ({
        material: c.material,
        quantity: { value: c.value, unit: c.unit ?? 'H87' },
        ...(c.lot ? { lots: [{ lot: c.lot }] } : {}),
      })),
    },
  };
}

/** An instant `minutes` from now, as an event's occurred-at. */
export function minutesFromNow(minutes: number): string {
  return new Date(Date.now() + minutes * 60_000).toISOString();
}

export function ndjson(events: readonly unknown[]): string {
  return events.map((e) => JSON.stringify(e)).join('\n');
}

export const MQTT_URL = process.env.TEST_MQTT_URL ?? 'mqtt://127.0.0.1:1883';

/** Waits until `probe` returns true, or fails after `timeoutMs` with `what`. */
export async function until(what: string, probe: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

export async function publisher(url = MQTT_URL): Promise<MqttClient> {
  return mqtt.connectAsync(url, {
    clientId: `test-pub-${randomBytes(4).toString('hex')}`,
    protocolVersion: 5,
  });
}
