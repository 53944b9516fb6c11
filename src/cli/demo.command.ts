import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Command } from 'commander';
import { CliFailure, cliConfig, EXIT } from './cli-context.js';

/**
 * `gateway demo`: the reference scenario (DESIGN.md) played against a running gateway through its
 * public and admin APIs only, so it works against the embedded `npm start` as well as a production
 * install. Each step is shown as it is seen; the command exits 0 only when every step was seen, and
 * otherwise names the step that did not happen within the timeout.
 */

const PLANT = '1000';
const MATERIAL = 'CMP-BOLT-M8';
const SUPPLIER = 'acme-fasteners';
const LINE = 'LINE-4';
const STEADY_PER_DAY = 240;
const ACTUAL = '620';
const STANDARD = '480';

interface Options {
  readonly url?: string;
  readonly token?: string;
  readonly owner?: string;
  readonly timeout: string;
  readonly transport: string;
}

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description(
      'play the reference scenario against a running gateway: a production completion, the reorder point crossed, a PO change through the ERP to the supplier, the supplier refusing, the buyer case',
    )
    .option('--url <url>', 'the running gateway (default: PUBLIC_URL, else http://localhost:PORT)')
    .option('--token <token>', 'an admin bearer token (default: BOOTSTRAP_ADMIN_TOKEN)')
    .option('--owner <userId>', "a buyer's user id: owns the material's recommendations and is notified")
    .option('--timeout <seconds>', 'give up on a step after this long', '90')
    .option(
      '--transport <transport>',
      'how the MES sends the completion: auto (MQTT when MQTT_URL is set), mqtt or rest',
      'auto',
    )
    .action(async (options: Options) => {
      const config = cliConfig();
      const url = (options.url ?? config.PUBLIC_URL ?? `http://localhost:${config.PORT}`).replace(/\/+$/, '');
      const token = options.token ?? config.BOOTSTRAP_ADMIN_TOKEN;
      if (!token)
        throw new CliFailure(
          'an admin token is needed: start the gateway with BOOTSTRAP_ADMIN_TOKEN set and run the demo with the same variable, or pass --token',
          EXIT.usage,
        );
      const timeoutMs = Number(options.timeout) * 1000;
      if (!(timeoutMs > 0)) throw new CliFailure('--timeout expects seconds above 0', EXIT.usage);
      const transport =
        options.transport === 'auto' ? (config.MQTT_URL ? 'mqtt' : 'rest') : options.transport;
      if (transport !== 'mqtt' && transport !== 'rest')
        throw new CliFailure('--transport expects auto, mqtt or rest', EXIT.usage);
      if (transport === 'mqtt' && !config.MQTT_URL)
        throw new CliFailure(
          '--transport mqtt needs MQTT_URL (the broker the gateway subscribes to)',
          EXIT.usage,
        );
      const demo = new Demo(
        url,
        token,
        timeoutMs,
        options.owner ?? null,
        transport,
        config.MQTT_URL ?? null,
        config.MQTT_TOPICS,
      );
      await demo.run();
    });
}

/** Answers of the gateway API, read loosely: the demo prints them, the API reference types them. */
type Json = any;

class StepMissing extends Error {}

class Demo {
  private step = 0;
  private readonly runId = new Date().toISOString().replace(/\D/g, '').slice(0, 14);

  constructor(
    private readonly url: string,
    private readonly token: string,
    private readonly timeoutMs: number,
    private readonly owner: string | null,
    private readonly transport: 'mqtt' | 'rest',
    private readonly mqttUrl: string | null,
    private readonly mqttTopics: string,
  ) {}

  async run(): Promise<void> {
    out(`Supplier Gateway demo — the reference scenario against ${this.url}`);
    out(`  plant ${PLANT} (${LINE}), component ${MATERIAL} bought from ${SUPPLIER}\n`);
    try {
      await this.play();
    } catch (error) {
      if (error instanceof StepMissing)
        throw new CliFailure(`demo incomplete: ${error.message}`, EXIT.findings);
      throw error;
    }
  }

  private async play(): Promise<void> {
    await this.call('GET', '/health/live').catch((error: Error) => {
      throw new StepMissing(`no gateway answers at ${this.url} (${error.message}); start it with npm start`);
    });

    const master = await this.until(
      'master data',
      async () => {
        const data = await this.call('GET', '/plant-events/v1/master-data');
        const plant =
          data?.current?.plants?.find?.((p: Json) => p.plant === PLANT) ??
          data?.plants?.find?.((p: Json) => p.plant === PLANT);
        return plant ? { timezone: plant.timezone as string, data } : undefined;
      },
      async () => {
        await this.call('POST', '/plant-events/v1/master-data/import-from-erp', {}).catch(() => undefined);
      },
    );
    const today = todayIn(master.timezone);
    this.show('master data', `plant ${PLANT} (${master.timezone}) from the ERP; today there is ${today}`);

    const policy = await this.call('PUT', `/replenishment/v1/policies/${PLANT}/${MATERIAL}`, {
      method: 'dynamic',
      serviceLevel: '0.95',
      smoothing: '0.3',
      historyDays: 14,
      minHistoryDays: 7,
      roundingQuantity: '100',
      autoApply: true,
      autoMaxQuantity: '10000',
      autoMaxValue: '1000',
      ownerUserId: this.owner,
    });
    this.show(
      'reorder policy',
      `dynamic, service level ${policy.serviceLevel}, α ${policy.smoothing}, applied without a buyer up to ${policy.autoMaxQuantity} pieces / ${policy.autoMaxValue} in the order's currency`,
    );

    // Earlier demo orders still open would cover the need: the ERP's buyer cancels them. Any other
    // open order of the material would take the expedite (the earliest line of the preferred
    // supplier is pulled in), and the demo changes no order it did not make: it stops here instead.
    const before = await this.call('GET', `/plant-events/v1/balances/${PLANT}/${MATERIAL}`);
    const others = [
      ...new Set<string>(
        before.orders
          .filter((o: Json) => !String(o.poNumber).startsWith('DEMO-') && Number(o.open) > 0)
          .map((o: Json) => o.poNumber as string),
      ),
    ];
    if (others.length > 0)
      throw new StepMissing(
        `open orders: ${MATERIAL} at plant ${PLANT} is on order in ${others.join(', ')}, not made by the demo; the replenishment step would change them, so the demo stops before it changes anything (close them in the ERP, or run the demo on a fresh install)`,
      );
    for (const po of new Set<string>(before.orders.map((o: Json) => o.poNumber as string))) {
      if (!po.startsWith('DEMO-')) continue;
      await this.call('POST', `/admin/erp-simulator/purchase-orders/${po}/changes`, { cancel: true }).catch(
        () => undefined,
      );
      await this.until(`the cancellation of ${po}`, async () => {
        const found = await this.call('GET', `/buyer/v1/purchase-orders/${po}`);
        return found?.order?.state === 'cancelled' || undefined;
      });
    }

    // Plenty of stock while the history arrives, so that only the completion crosses the threshold.
    if (Number(before.onHand) < 10_000) await this.adjust(10_000 - Number(before.onHand), 'DEMO-STOCK');
    const history = Array.from({ length: 13 }, (_, i) => {
      const day = addDays(today, i - 13);
      return plantEvent('material.consumed', `DEMO-HIST-${MATERIAL}-${day}`, `${day}T12:00:00Z`, {
        purpose: 'production',
        items: [{ material: MATERIAL, quantity: { value: String(STEADY_PER_DAY), unit: 'H87' } }],
      });
    });
    const sent = await this.call('POST', '/plant-events/v1/events', { events: history });
    this.show(
      'consumption history',
      `13 days of ${STEADY_PER_DAY} a day from the MES (${sent.accepted} new, ${sent.duplicates} already known)`,
    );

    const poNumber = `DEMO-${this.runId}`;
    await this.call('POST', '/admin/erp-simulator/purchase-orders', {
      poNumber,
      supplier: SUPPLIER,
      plant: PLANT,
      currency: 'EUR',
      orderDate: addDays(today, -3),
      lines: [
        {
          lineNumber: '10',
          material: MATERIAL,
          quantity: '4800',
          unit: 'H87',
          deliveryDate: addDays(today, 10),
          netPrice: '0.042',
        },
      ],
    });
    const order = await this.until('the purchase order from the ERP', async () => {
      const found = await this.call('GET', `/buyer/v1/purchase-orders/${poNumber}`);
      return found?.order as Json;
    });
    this.show(
      'purchase order',
      `${poNumber} issued in the ERP simulator (4800 pieces due ${addDays(today, 10)}), recorded by the gateway (${order.state}, revision ${order.revision})`,
    );

    // Stock just above today's reorder point, so that the completion is what crosses it.
    const steady = await this.call('POST', `/replenishment/v1/evaluations/${PLANT}/${MATERIAL}`, {});
    if (steady.decision.basis !== 'dynamic')
      throw new StepMissing(
        `a dynamic reorder point (got ${steady.decision.basis}: ${steady.decision.inputs?.threshold?.reason})`,
      );
    const change = Number(steady.decision.reorderPoint) + 100 - Number(steady.decision.position);
    if (change !== 0) await this.adjust(change, 'DEMO-COUNT');
    const above = await this.call('POST', `/replenishment/v1/evaluations/${PLANT}/${MATERIAL}`, {});
    if (above.decision.below)
      throw new StepMissing('the material above its reorder point before the completion');
    this.show(
      'reorder point',
      `${above.decision.reorderPoint} (${above.decision.averageDailyUsage} a day, safety stock ${above.decision.safetyStock}, lead time ${above.decision.leadTimeDays} days); position ${above.decision.position}: nothing to do`,
    );
    const onHandBefore = (await this.call('GET', `/plant-events/v1/balances/${PLANT}/${MATERIAL}`))
      .onHand as string;

    const productionOrder = `PRD-${this.runId.slice(8)}`;
    const completion = plantEvent(
      'production.completed',
      `DEMO-MES-${this.runId}`,
      new Date().toISOString(),
      {
        productionOrder,
        workCenter: LINE,
        material: 'FG-PUMP-100',
        finishedQuantity: { value: '60', unit: 'H87' },
        scrapQuantity: { value: '0', unit: 'H87' },
        final: false,
        components: [
          {
            material: MATERIAL,
            quantity: { value: ACTUAL, unit: 'H87' },
            standardQuantity: { value: STANDARD, unit: 'H87' },
          },
        ],
      },
    );
    await this.sendCompletion(completion);
    this.show(
      'production completion',
      `${productionOrder} on ${LINE}: 60 pumps, ${ACTUAL} bolts consumed against a standard of ${STANDARD} — sent over ${this.transport === 'mqtt' ? `MQTT (${this.mqttUrl})` : 'REST (POST /plant-events/v1/events)'}`,
    );

    const confirmation = await this.until('the production confirmation posted to the ERP', async () => {
      const postings = await this.call(
        'GET',
        `/admin/erp/postings?kind=production-confirmation&businessKey=${encodeURIComponent(`${PLANT}/DEMO-MES-${this.runId}/1`)}`,
      );
      const posting = (Array.isArray(postings) ? postings : (postings?.items ?? [])).find(
        (p: Json) => p.status === 'posted',
      );
      return posting;
    });
    this.show(
      'ERP posting',
      `production confirmation posted once (ERP document ${confirmation.documentNumber})`,
    );

    const balance = await this.until('the balance moved', async () => {
      const b = await this.call('GET', `/plant-events/v1/balances/${PLANT}/${MATERIAL}`);
      return Number(b.onHand) === Number(onHandBefore) - Number(ACTUAL) ? b : undefined;
    });
    this.show('balance', `on-hand ${onHandBefore} → ${balance.onHand}`);

    const rec = await this.until('a replenishment recommendation', async () => {
      const list = await this.call(
        'GET',
        `/replenishment/v1/recommendations?plant=${PLANT}&material=${MATERIAL}&limit=5`,
      );
      return list.find((r: Json) => r.causationId === completion.id);
    });
    // The crossing must be answered on the demo's own order, or every later step is about another.
    if (rec.poNumber !== poNumber)
      throw new StepMissing(
        `recommendation: it concerns ${rec.poNumber ? `PO ${rec.poNumber}` : `a new order (${rec.action})`}, not the demo's ${poNumber}`,
      );
    const explained = await this.call('GET', `/replenishment/v1/recommendations/${rec.id}`);
    const d = explained.decision;
    this.show(
      'reorder point crossed',
      `${d.reorderPoint} now (${d.averageDailyUsage} a day, safety stock ${d.safetyStock}, lead time ${d.leadTimeDays} days from the ${d.inputs.leadTime.source}); position ${d.position}; stock runs out ${rec.shortageDate ?? 'later'}`,
    );
    this.show(
      'recommendation',
      `${rec.action} PO ${rec.poNumber} line ${rec.lineNumber}${rec.newDeliveryDate ? ` from ${rec.currentDueDate} to ${rec.newDeliveryDate}` : ''}${rec.newQuantity ? ` to ${rec.newQuantity} pieces` : ''} — ${rec.policyReason}`,
    );
    if (rec.state === 'proposed')
      await this.call('POST', `/replenishment/v1/recommendations/${rec.id}/approve`, {
        note: 'approved by gateway demo',
      });

    const posted = await this.until('the PO change taken by the ERP', async () => {
      const r = await this.call('GET', `/replenishment/v1/recommendations/${rec.id}`);
      return r.tracking.erpPosting?.status === 'posted' ? r.tracking.erpPosting : undefined;
    });
    this.show(
      'PO change',
      `requested from the ERP and taken (ERP document ${posted.documentNumber}); the ERP changes the order`,
    );

    const document = await this.until('the change sent to the supplier', async () => {
      const r = await this.call('GET', `/replenishment/v1/recommendations/${rec.id}`);
      return r.tracking.supplierDocuments.find((doc: Json) => doc.status !== 'pending');
    });
    const changed = (await this.call('GET', `/buyer/v1/purchase-orders/${poNumber}`)).order;
    // An 865 answers a change: without one sent for a later revision of the demo's order it would answer nothing.
    if (
      !(Number(changed.revision) > Number(order.revision)) ||
      Number(document.poRevision) !== Number(changed.revision) ||
      document.status === 'failed'
    )
      throw new StepMissing(
        `sent to the supplier: no change of ${poNumber} was sent (order at revision ${changed.revision}, ${document.messageType} for revision ${document.poRevision}: ${document.status})`,
      );
    this.show(
      'sent to the supplier',
      `${document.messageType} for revision ${document.poRevision} to ${SUPPLIER}, once (channel ${document.channel}: ${document.status}); the order is ${changed.state}`,
    );

    // The supplier: an 865 refusing the change, through the partner API with a key of its own.
    const key = await this.call('POST', `/admin/partners/${SUPPLIER}/api-keys`, {
      scopes: ['documents:write', 'documents:read'],
      label: 'gateway demo (supplier side)',
    });
    try {
      const control = String(Date.now() % 1_000_000_000).padStart(9, '0');
      const answer = await this.call(
        'POST',
        '/partner/v1/documents',
        x865(control, poNumber, String(changed.revision), addDays(today, -3), today),
        { token: key.token, contentType: 'application/edi-x12' },
      );
      if (answer.status === 'rejected')
        throw new StepMissing(`supplier answer: the 865 was rejected (interchange ${answer.interchangeId})`);
      this.show(
        'supplier answer',
        `${SUPPLIER} sends an 865 rejecting the change to revision ${changed.revision} (interchange ${answer.interchangeId})`,
      );

      const found = await this.until('the buyer exception', async () => {
        const page = await this.call(
          'GET',
          `/buyer/v1/exceptions?poNumber=${encodeURIComponent(poNumber)}&type=po-change.rejected`,
        );
        return page.items?.find((c: Json) => Number(c.references?.poRevision) === Number(changed.revision));
      });
      this.show('exception', `${found.type} (${found.severity}): ${found.summary}`);
      this.show(
        'owner',
        found.ownerUserId
          ? `${found.ownerUserId}, notified at once (e-mail when NOTIFY_SMTP_URL is set, web hook when NOTIFY_WEBHOOK_URL is)`
          : 'none yet: pass --owner <user id> (a buyer from `gateway users add`) to have the owner notified, or add a routing rule',
      );

      out('\nEvery step was seen. Look at the result:');
      const links: [string, string][] = [
        ['exception', `/buyer/v1/exceptions/${found.id}`],
        ['recommendation', `/replenishment/v1/recommendations/${rec.id}`],
        ['reorder point', `/replenishment/v1/reorder-points/${PLANT}/${MATERIAL}`],
        ['balance', `/plant-events/v1/balances/${PLANT}/${MATERIAL}`],
        ['purchase order', `/buyer/v1/purchase-orders/${poNumber}`],
        ['ERP postings', `/admin/erp/postings?poNumber=${poNumber}`],
        ['documents sent', `/admin/outbound-documents?poNumber=${poNumber}`],
        ['API docs', '/docs'],
      ];
      for (const [what, path] of links) out(`  ${what.padEnd(15)} ${this.url}${path}`);
      out(`  (with Authorization: Bearer <your admin token>)`);
    } finally {
      await this.call('DELETE', `/admin/partners/${SUPPLIER}/api-keys/${key.key.lookup}`).catch(
        () => undefined,
      );
    }
  }

  /** A WMS cycle count: an inventory.adjusted event of the signed change. */
  private async adjust(change: number, prefix: string): Promise<void> {
    const result = await this.call('POST', '/plant-events/v1/events', {
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

  private async sendCompletion(event: Json): Promise<void> {
    if (this.transport === 'rest') {
      const result = await this.call('POST', '/plant-events/v1/events', { events: [event] });
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

  private show(what: string, detail: string): void {
    this.step += 1;
    out(`${String(this.step).padStart(2)}. ${what.padEnd(22, ' ')} ${detail}`);
  }

  /** Polls `probe` until it returns a value, or fails naming the step after the timeout. */
  private async until<T>(
    what: string,
    probe: () => Promise<T | undefined>,
    first?: () => Promise<void>,
  ): Promise<T> {
    const deadline = Date.now() + this.timeoutMs;
    await first?.();
    let last: unknown;
    for (;;) {
      try {
        const value = await probe();
        if (value !== undefined && value !== null) return value;
      } catch (error) {
        // A refused credential does not get better by waiting.
        if (error instanceof CliFailure) throw error;
        last = error;
      }
      if (Date.now() > deadline)
        throw new StepMissing(
          `${what} not seen within ${this.timeoutMs / 1000} s${last ? ` (${(last as Error).message})` : ''}`,
        );
      await sleep(250);
    }
  }

  private async call(
    method: string,
    path: string,
    body?: unknown,
    as: { token?: string; contentType?: string } = {},
  ): Promise<Json> {
    const headers: Record<string, string> = { Authorization: `Bearer ${as.token ?? this.token}` };
    if (body !== undefined) {
      headers['Content-Type'] = as.contentType ?? 'application/json';
      if (as.contentType) headers['Idempotency-Key'] = randomUUID();
    }
    const res = await fetch(`${this.url}${path}`, {
      method,
      headers,
      ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await res.text();
    const parsed = text ? safeJson(text) : null;
    if (res.status === 404 && method === 'GET') return undefined;
    if (!res.ok) {
      if (res.status === 401 || res.status === 403)
        throw new CliFailure(
          `${method} ${path}: ${res.status} — is the token an admin token of this gateway?`,
          EXIT.failure,
        );
      throw new Error(`${method} ${path}: ${res.status} ${parsed?.detail ?? text.slice(0, 300)}`);
    }
    return parsed;
  }
}

function plantEvent(type: string, number: string, occurredAt: string, payload: Json): Json {
  return {
    id: randomUUID(),
    type,
    schemaVersion: 'v1',
    plant: PLANT,
    occurredAt,
    receivedAt: new Date().toISOString(),
    correlationId: `demo:${number}`,
    causationId: null,
    document: { kind: 'original', number, revision: '1' },
    source: { channel: 'mes' },
    payload,
  };
}

/** The supplier's X12 865 (004010) rejecting the change: BCA02 RJ, BCA05 the change revision answered. */
function x865(control: string, poNumber: string, revision: string, orderDate: string, today: string): string {
  const date = today.replaceAll('-', '');
  const group = String(Number(control));
  return (
    [
      `ISA*00*          *00*          *ZZ*ACMEFAST       *ZZ*SUPPLIERGW     *${date.slice(2)}*1200*U*00401*${control}*0*P*>`,
      `GS*CA*ACMEFAST*SUPPLIERGW*${date}*1200*${group}*X*004010`,
      'ST*865*0001',
      `BCA*00*RJ*${poNumber}**${revision}*${orderDate.replaceAll('-', '')}***SO-${control}*${date}`,
      'CTT*0',
      'SE*4*0001',
      `GE*1*${group}`,
      `IEA*1*${control}`,
    ]
      .map((s) => `${s}~`)
      .join('\n') + '\n'
  );
}

function todayIn(timezone: string): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone: timezone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(new Date());
}

function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

function safeJson(text: string): Json {
  try {
    return JSON.parse(text);
  } catch {
    return { detail: text.slice(0, 300) };
  }
}

function out(line: string): void {
  process.stdout.write(`${line}\n`);
}
