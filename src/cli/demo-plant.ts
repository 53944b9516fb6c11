import { DemoSession, StepMissing, type Json } from './demo-session.js';
import { MATERIAL, PLANT, plantEvent } from './demo-documents.js';

/**
 * The plant's systems as the demo plays them: the WMS counting stock and the MES reporting a
 * production completion, over REST or over MQTT (`--transport`), the way a plant connects to the
 * gateway.
 */
export class DemoPlant {
  constructor(
    private readonly session: DemoSession,
    private readonly runId: string,
    private readonly transport: 'mqtt' | 'rest',
    private readonly mqttUrl: string | null,
    private readonly mqttTopics: string,
  ) {}

  /** How a completion travels, as the step that sent it says. */
  transportName(): string {
    return this.transport === 'mqtt' ? `MQTT (${this.mqttUrl})` : 'REST (POST /plant-events/v1/events)';
  }

  /** A WMS cycle count: an inventory.adjusted event of the signed change. */
  async adjust(change: number, prefix: string): Promise<void> {
    const result = await this.session.call('POST', '/plant-events/v1/events', {
      events: [
        plantEvent('inventory.adjusted', `${prefix}-${this.runId}`, new Date().toISOString(), {
          material: MATERIAL,
          change: { value: String(change), unit: 'H87' },
          reason: 'cycle-count',
          note: 'gateway demo: stock set for the scenario',
        }),
      ],
    });
    if (result.accepted !== 1)
      throw new StepMissing(`the stock adjustment accepted (${JSON.stringify(result.rejected)})`);
  }

  /** The MES reports a completion: a POST of the event, or a publication to the broker the gateway subscribes to. */
  async sendCompletion(event: Json): Promise<void> {
    if (this.transport === 'rest') {
      const result = await this.session.call('POST', '/plant-events/v1/events', { events: [event] });
      if (result.accepted !== 1)
        throw new StepMissing(`the completion accepted (${JSON.stringify(result.rejected)})`);
      return;
    }
    const mqtt = (await import('mqtt')).default;
    const client = await mqtt.connectAsync(this.mqttUrl!, {
      clientId: `gateway-demo-${this.runId}`,
      protocolVersion: 5,
    });
    try {
      // The first subscribed filter names the topic tree, `plants/+/mes/#` by default.
      const filter =
        this.mqttTopics
          .split(',')
          .map((t) => t.trim())
          .find((t) => t.includes('/mes/')) ?? 'plants/+/mes/#';
      const topic = filter.replace('+', PLANT).replace('#', 'production');
      await client.publishAsync(topic, JSON.stringify(event), { qos: 1 });
    } finally {
      await client.endAsync();
    }
  }
}
