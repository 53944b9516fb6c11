import { Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import mqtt, { type IPublishPacket } from 'mqtt';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import type { GatewayConfig } from '../../config/config.js';
import { InjectConfig } from '../../config/config.module.js';
import { faultPoint, type FaultPointName } from '../../platform/faults/fault-point.js';
import { LeaseService } from '../../platform/jobs/lease.service.js';
import { startLeasedTask, type LeasedTaskHandle } from '../../platform/jobs/leased-task.js';
import { PlantEventIngestion, type IngestItem } from './plant-event-ingestion.service.js';

/** Test-only crash points (src/platform/faults): the events are received, the batch not committed … */
const BEFORE_COMMIT = 'plant-events.mqtt.before-commit' as FaultPointName;
/** … or committed and not yet acknowledged to the broker. */
const AFTER_COMMIT = 'plant-events.mqtt.after-commit' as FaultPointName;

/** A batch closes when no message came for this long (see the in-flight window in docs/plant-events.md). */
const IDLE_FLUSH_MS = 10;

/** `…plants/{plant}/…`: a topic of one plant carries only that plant's events. */
const TOPIC_PLANT = /(?:^|\/)plants\/([^/+#]+)\//;

interface Pending {
  readonly item: IngestItem;
  readonly messageId: number | undefined;
  /** The connection it came on: packet ids are only unique within one. */
  readonly connection: number;
}

type SendPacket = (
  packet: { cmd: string; messageId?: number },
  cb?: (error?: Error) => void,
  ...rest: unknown[]
) => void;

/**
 * The MQTT subscriber for MES/WMS plant events: one process at a time (lease `plant-events-mqtt`),
 * a fixed client id with a persistent session (clean start off, session expiry set), QoS 1, and a
 * PUBACK for each message only after the batch holding it committed. Batches close every
 * MQTT_BATCH_SIZE messages or MQTT_BATCH_MS milliseconds.
 *
 * Why the PUBACKs are held here rather than with mqtt.js's `customHandleAcks`: mqtt.js handles one
 * incoming packet at a time and takes the next only once the previous PUBACK was written (its
 * packet pump continues in the PUBACK's write callback). Delaying the `customHandleAcks` callback
 * (or `handleMessage`'s) until a commit therefore stalls the client after the first message, and
 * every batch would hold one message. Instead each message is taken at once (`handleMessage` calls
 * back immediately, so the pump runs on) and the PUBACK packet mqtt.js then writes is held back,
 * by packet id, until the commit; it is dropped if the connection closes first, and the broker
 * redelivers the message (DUP) on the next session, where the producer key makes it a duplicate.
 */
@Injectable()
export class PlantEventSubscriber implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private task?: LeasedTaskHandle;

  constructor(
    @InjectConfig() private readonly config: GatewayConfig,
    private readonly ingestion: PlantEventIngestion,
    private readonly leases: LeaseService,
    @InjectPinoLogger(PlantEventSubscriber.name) private readonly logger: PinoLogger,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.GATEWAY_ROLE === 'api' || !this.config.MQTT_URL) return;
    this.task = startLeasedTask(this.leases, this.logger, {
      name: 'plant-events-mqtt',
      everyMs: 2_000,
      ttlMs: 15_000,
      run: (signal) => this.subscribe(this.config.MQTT_URL!, signal),
    });
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.task?.stop();
  }

  /** Holds the subscription until the signal aborts (lease lost, shutdown) or a batch fails. */
  private async subscribe(url: string, signal: AbortSignal): Promise<void> {
    const client = mqtt.connect(url, {
      clientId: this.config.MQTT_CLIENT_ID,
      protocolVersion: 5,
      clean: false,
      properties: {
        sessionExpiryInterval: this.config.MQTT_SESSION_EXPIRY_SECONDS,
        // Unacknowledged messages the broker may send at once: every message of a batch is
        // unacknowledged until the batch commits, so a batch never holds more than this.
        receiveMaximum: this.config.MQTT_BATCH_SIZE,
      },
      reconnectPeriod: 1_000,
      connectTimeout: 10_000,
    });
    // PUBACKs held back, by connection and packet id: after a reconnect the broker reuses packet ids,
    // and a batch of the old connection must not acknowledge a message of the new one.
    const held = new Map<string, () => void>();
    let connection = 0;
    const send = (client as unknown as { _sendPacket: SendPacket })._sendPacket.bind(client);
    (client as unknown as { _sendPacket: SendPacket })._sendPacket = (packet, cb, ...rest) => {
      if (packet.cmd !== 'puback' || packet.messageId === undefined) return send(packet, cb, ...rest);
      held.set(`${connection}:${packet.messageId}`, () => send(packet, undefined, ...rest));
      cb?.();
    };
    client.on('close', () => {
      connection += 1;
      held.clear();
    });
    client.on('error', (error) => this.logger.warn({ err: error }, 'MQTT client error'));
    client.on('connect', (connack) => {
      this.logger.info({ sessionPresent: connack.sessionPresent }, 'MQTT plant-event subscriber connected');
      if (connack.sessionPresent) return;
      const topics = this.config.MQTT_TOPICS.split(',')
        .map((t) => t.trim())
        .filter(Boolean);
      client.subscribe(topics, { qos: 1 }, (error) => {
        if (error) this.logger.error({ err: error, topics }, 'MQTT subscribe failed');
      });
    });

    let pending: Pending[] = [];
    let timer: NodeJS.Timeout | undefined;
    let idle: NodeJS.Timeout | undefined;
    let flushing: Promise<void> = Promise.resolve();
    let failed: Error | undefined;

    const acknowledge = (batch: readonly Pending[]): void => {
      for (const { messageId, connection: on } of batch) {
        if (messageId === undefined) continue;
        const ack = held.get(`${on}:${messageId}`);
        held.delete(`${on}:${messageId}`);
        ack?.();
      }
    };

    const flush = (): Promise<void> => {
      clearTimeout(timer);
      clearTimeout(idle);
      timer = undefined;
      const batch = pending;
      pending = [];
      if (batch.length === 0) return flushing;
      flushing = flushing.then(async () => {
        if (failed) return;
        try {
          faultPoint(BEFORE_COMMIT);
          await this.ingestion.ingest(
            batch.map((p) => p.item),
            'mqtt',
          );
          faultPoint(AFTER_COMMIT);
          acknowledge(batch);
        } catch (error) {
          this.logger.warn({ err: error, messages: batch.length }, 'plant-event batch failed; one by one');
          try {
            // One message the database refuses must not block every batch it lands in.
            await this.ingestion.ingestOneByOne(
              batch.map((p) => p.item),
              'mqtt',
            );
            acknowledge(batch);
          } catch (again) {
            // Nothing of the batch is acknowledged: the broker redelivers it to the next session.
            failed = again as Error;
            this.logger.error(
              { err: again, messages: batch.length },
              'plant-event batch failed; reconnecting',
            );
            client.end(true);
          }
        }
      });
      return flushing;
    };

    client.handleMessage = (packet: IPublishPacket, callback: (error?: Error) => void) => {
      const plant = TOPIC_PLANT.exec(packet.topic)?.[1];
      pending.push({
        item: { ...parsePayload(packet.payload), topic: packet.topic, ...(plant ? { plant } : {}) },
        messageId: packet.messageId,
        connection,
      });
      clearTimeout(idle);
      if (pending.length >= this.config.MQTT_BATCH_SIZE) void flush();
      else {
        timer ??= setTimeout(() => void flush(), this.config.MQTT_BATCH_MS);
        // A broker whose in-flight window is smaller than the batch stops sending until it gets
        // acknowledgments: a pause in the stream closes the batch rather than the full MQTT_BATCH_MS.
        idle = setTimeout(() => void flush(), IDLE_FLUSH_MS);
      }
      callback();
    };

    await new Promise<void>((resolve) => {
      if (signal.aborted) return resolve();
      signal.addEventListener('abort', () => resolve(), { once: true });
      client.on('end', () => resolve());
    });
    await flush();
    await client.endAsync(failed !== undefined);
    if (failed) throw failed;
  }
}

function parsePayload(payload: Buffer | string): { body: unknown; raw?: string } {
  const text = typeof payload === 'string' ? payload : payload.toString('utf8');
  try {
    return { body: JSON.parse(text) as unknown, raw: text };
  } catch {
    return { body: text.length > 4096 ? `${text.slice(0, 4096)}…` : text };
  }
}
