import { CliFailure, EXIT } from './cli-context.js';
import {
  ACTUAL,
  addDays,
  LINE,
  MATERIAL,
  PLANT,
  plantEvent,
  STANDARD,
  STEADY_PER_DAY,
  SUPPLIER,
  todayIn,
  x865,
} from './demo-documents.js';
import { DemoPlant } from './demo-plant.js';
import { DemoSession, out, StepMissing, type Json } from './demo-session.js';

/** What the set-up left for the scenario's later steps. */
interface Prepared {
  readonly today: string;
  readonly poNumber: string;
  /** The demo's purchase order as the gateway recorded it from the ERP. */
  readonly order: Json;
  readonly onHandBefore: string;
}

/**
 * The reference scenario (DESIGN.md), step by step through the gateway's public and admin APIs: the
 * set-up (master data, a reorder policy, a consumption history, a purchase order, stock just above
 * the reorder point), then the replenishment loop (a production completion from the MES, its ERP
 * posting, the reorder point crossed, the PO change through the ERP to the supplier), then the
 * supplier refusing the change and the buyer's case. Each step is shown as it is seen.
 */
export class DemoScenario {
  private readonly runId = new Date().toISOString().replace(/\D/g, '').slice(0, 14);

  private readonly plant: DemoPlant;

  constructor(
    private readonly session: DemoSession,
    private readonly owner: string | null,
    transport: 'mqtt' | 'rest',
    mqttUrl: string | null,
    mqttTopics: string,
  ) {
    this.plant = new DemoPlant(session, this.runId, transport, mqttUrl, mqttTopics);
  }

  async run(): Promise<void> {
    out(`Supplier Gateway demo — the reference scenario against ${this.session.url}`);
    out(`  plant ${PLANT} (${LINE}), component ${MATERIAL} bought from ${SUPPLIER}\n`);
    try {
      const prepared = await this.prepare();
      const { rec, changed } = await this.replenish(prepared);
      await this.supplierRefuses(prepared, rec, changed);
    } catch (error) {
      if (error instanceof StepMissing)
        throw new CliFailure(`demo incomplete: ${error.message}`, EXIT.findings);
      throw error;
    }
  }

  /** Master data, policy, history and the demo's own order, with stock just above the reorder point. */
  private async prepare(): Promise<Prepared> {
    await this.session.call('GET', '/health/live').catch((error: Error) => {
      throw new StepMissing(
        `no gateway answers at ${this.session.url} (${error.message}); start it with npm start`,
      );
    });

    const master = await this.session.until(
      'master data',
      async () => {
        const data = await this.session.call('GET', '/plant-events/v1/master-data');
        const plant =
          data?.current?.plants?.find?.((p: Json) => p.plant === PLANT) ??
          data?.plants?.find?.((p: Json) => p.plant === PLANT);
        return plant ? { timezone: plant.timezone as string, data } : undefined;
      },
      async () => {
        await this.session
          .call('POST', '/plant-events/v1/master-data/import-from-erp', {})
          .catch(() => undefined);
      },
    );
    const today = todayIn(master.timezone);
    this.session.show(
      'master data',
      `plant ${PLANT} (${master.timezone}) from the ERP; today there is ${today}`,
    );

    const policy = await this.session.call('PUT', `/replenishment/v1/policies/${PLANT}/${MATERIAL}`, {
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
    this.session.show(
      'reorder policy',
      `dynamic, service level ${policy.serviceLevel}, α ${policy.smoothing}, applied without a buyer up to ${policy.autoMaxQuantity} pieces / ${policy.autoMaxValue} in the order's currency`,
    );

    // Earlier demo orders still open would cover the need: the ERP's buyer cancels them. Any other
    // open order of the material would take the expedite (the earliest line of the preferred
    // supplier is pulled in), and the demo changes no order it did not make: it stops here instead.
    const before = await this.session.call('GET', `/plant-events/v1/balances/${PLANT}/${MATERIAL}`);
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
      await this.session
        .call('POST', `/admin/erp-simulator/purchase-orders/${po}/changes`, { cancel: true })
        .catch(() => undefined);
      await this.session.until(`the cancellation of ${po}`, async () => {
        const found = await this.session.call('GET', `/buyer/v1/purchase-orders/${po}`);
        return found?.order?.state === 'cancelled' || undefined;
      });
    }

    // Plenty of stock while the history arrives, so that only the completion crosses the threshold.
    if (Number(before.onHand) < 10_000) await this.plant.adjust(10_000 - Number(before.onHand), 'DEMO-STOCK');
    const history = Array.from({ length: 13 }, (_, i) => {
      const day = addDays(today, i - 13);
      return plantEvent('material.consumed', `DEMO-HIST-${MATERIAL}-${day}`, `${day}T12:00:00Z`, {
        purpose: 'production',
        items: [{ material: MATERIAL, quantity: { value: String(STEADY_PER_DAY), unit: 'H87' } }],
      });
    });
    const sent = await this.session.call('POST', '/plant-events/v1/events', { events: history });
    this.session.show(
      'consumption history',
      `13 days of ${STEADY_PER_DAY} a day from the MES (${sent.accepted} new, ${sent.duplicates} already known)`,
    );

    const poNumber = `DEMO-${this.runId}`;
    await this.session.call('POST', '/admin/erp-simulator/purchase-orders', {
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
    const order = await this.session.until('the purchase order from the ERP', async () => {
      const found = await this.session.call('GET', `/buyer/v1/purchase-orders/${poNumber}`);
      return found?.order as Json;
    });
    this.session.show(
      'purchase order',
      `${poNumber} issued in the ERP simulator (4800 pieces due ${addDays(today, 10)}), recorded by the gateway (${order.state}, revision ${order.revision})`,
    );

    // Stock just above today's reorder point, so that the completion is what crosses it.
    const steady = await this.session.call('POST', `/replenishment/v1/evaluations/${PLANT}/${MATERIAL}`, {});
    if (steady.decision.basis !== 'dynamic')
      throw new StepMissing(
        `a dynamic reorder point (got ${steady.decision.basis}: ${steady.decision.inputs?.threshold?.reason})`,
      );
    const change = Number(steady.decision.reorderPoint) + 100 - Number(steady.decision.position);
    if (change !== 0) await this.plant.adjust(change, 'DEMO-COUNT');
    const above = await this.session.call('POST', `/replenishment/v1/evaluations/${PLANT}/${MATERIAL}`, {});
    if (above.decision.below)
      throw new StepMissing('the material above its reorder point before the completion');
    this.session.show(
      'reorder point',
      `${above.decision.reorderPoint} (${above.decision.averageDailyUsage} a day, safety stock ${above.decision.safetyStock}, lead time ${above.decision.leadTimeDays} days); position ${above.decision.position}: nothing to do`,
    );
    const onHandBefore = (await this.session.call('GET', `/plant-events/v1/balances/${PLANT}/${MATERIAL}`))
      .onHand as string;

    return { today, poNumber, order, onHandBefore };
  }

  /**
   * The loop the scenario is about: a completion from the MES, posted to the ERP, moves the balance
   * below the reorder point; the recommendation changes the demo's order through the ERP, and the
   * change goes to the supplier.
   */
  private async replenish({
    poNumber,
    order,
    onHandBefore,
  }: Prepared): Promise<{ rec: Json; changed: Json }> {
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
    await this.plant.sendCompletion(completion);
    this.session.show(
      'production completion',
      `${productionOrder} on ${LINE}: 60 pumps, ${ACTUAL} bolts consumed against a standard of ${STANDARD} — sent over ${this.plant.transportName()}`,
    );

    const confirmation = await this.session.until(
      'the production confirmation posted to the ERP',
      async () => {
        const postings = await this.session.call(
          'GET',
          `/admin/erp/postings?kind=production-confirmation&businessKey=${encodeURIComponent(`${PLANT}/DEMO-MES-${this.runId}/1`)}`,
        );
        const posting = (Array.isArray(postings) ? postings : (postings?.items ?? [])).find(
          (p: Json) => p.status === 'posted',
        );
        return posting;
      },
    );
    this.session.show(
      'ERP posting',
      `production confirmation posted once (ERP document ${confirmation.documentNumber})`,
    );

    const balance = await this.session.until('the balance moved', async () => {
      const b = await this.session.call('GET', `/plant-events/v1/balances/${PLANT}/${MATERIAL}`);
      return Number(b.onHand) === Number(onHandBefore) - Number(ACTUAL) ? b : undefined;
    });
    this.session.show('balance', `on-hand ${onHandBefore} → ${balance.onHand}`);

    const rec = await this.session.until('a replenishment recommendation', async () => {
      const list = await this.session.call(
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
    const explained = await this.session.call('GET', `/replenishment/v1/recommendations/${rec.id}`);
    const d = explained.decision;
    this.session.show(
      'reorder point crossed',
      `${d.reorderPoint} now (${d.averageDailyUsage} a day, safety stock ${d.safetyStock}, lead time ${d.leadTimeDays} days from the ${d.inputs.leadTime.source}); position ${d.position}; stock runs out ${rec.shortageDate ?? 'later'}`,
    );
    this.session.show(
      'recommendation',
      `${rec.action} PO ${rec.poNumber} line ${rec.lineNumber}${rec.newDeliveryDate ? ` from ${rec.currentDueDate} to ${rec.newDeliveryDate}` : ''}${rec.newQuantity ? ` to ${rec.newQuantity} pieces` : ''} — ${rec.policyReason}`,
    );
    if (rec.state === 'proposed')
      await this.session.call('POST', `/replenishment/v1/recommendations/${rec.id}/approve`, {
        note: 'approved by gateway demo',
      });

    const posted = await this.session.until('the PO change taken by the ERP', async () => {
      const r = await this.session.call('GET', `/replenishment/v1/recommendations/${rec.id}`);
      return r.tracking.erpPosting?.status === 'posted' ? r.tracking.erpPosting : undefined;
    });
    this.session.show(
      'PO change',
      `requested from the ERP and taken (ERP document ${posted.documentNumber}); the ERP changes the order`,
    );

    const document = await this.session.until('the change sent to the supplier', async () => {
      const r = await this.session.call('GET', `/replenishment/v1/recommendations/${rec.id}`);
      return r.tracking.supplierDocuments.find((doc: Json) => doc.status !== 'pending');
    });
    const changed = (await this.session.call('GET', `/buyer/v1/purchase-orders/${poNumber}`)).order;
    // An 865 answers a change: without one sent for a later revision of the demo's order it would answer nothing.
    if (
      !(Number(changed.revision) > Number(order.revision)) ||
      Number(document.poRevision) !== Number(changed.revision) ||
      document.status === 'failed'
    )
      throw new StepMissing(
        `sent to the supplier: no change of ${poNumber} was sent (order at revision ${changed.revision}, ${document.messageType} for revision ${document.poRevision}: ${document.status})`,
      );
    this.session.show(
      'sent to the supplier',
      `${document.messageType} for revision ${document.poRevision} to ${SUPPLIER}, once (channel ${document.channel}: ${document.status}); the order is ${changed.state}`,
    );
    return { rec, changed };
  }

  /** The supplier refuses the change (an 865 over the partner API), and the buyer gets the case. */
  private async supplierRefuses({ today, poNumber }: Prepared, rec: Json, changed: Json): Promise<void> {
    // The supplier: an 865 refusing the change, through the partner API with a key of its own.
    const key = await this.session.call('POST', `/admin/partners/${SUPPLIER}/api-keys`, {
      scopes: ['documents:write', 'documents:read'],
      label: 'gateway demo (supplier side)',
    });
    try {
      const control = String(Date.now() % 1_000_000_000).padStart(9, '0');
      const answer = await this.session.call(
        'POST',
        '/partner/v1/documents',
        x865(control, poNumber, String(changed.revision), addDays(today, -3), today),
        { token: key.token, contentType: 'application/edi-x12' },
      );
      if (answer.status === 'rejected')
        throw new StepMissing(`supplier answer: the 865 was rejected (interchange ${answer.interchangeId})`);
      this.session.show(
        'supplier answer',
        `${SUPPLIER} sends an 865 rejecting the change to revision ${changed.revision} (interchange ${answer.interchangeId})`,
      );

      const found = await this.session.until('the buyer exception', async () => {
        const page = await this.session.call(
          'GET',
          `/buyer/v1/exceptions?poNumber=${encodeURIComponent(poNumber)}&type=po-change.rejected`,
        );
        return page.items?.find((c: Json) => Number(c.references?.poRevision) === Number(changed.revision));
      });
      this.session.show('exception', `${found.type} (${found.severity}): ${found.summary}`);
      this.session.show(
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
      for (const [what, path] of links) out(`  ${what.padEnd(15)} ${this.session.url}${path}`);
      out(`  (with Authorization: Bearer <your admin token>)`);
    } finally {
      await this.session
        .call('DELETE', `/admin/partners/${SUPPLIER}/api-keys/${key.key.lookup}`)
        .catch(() => undefined);
    }
  }
}
