import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InterchangeArchive } from '../../src/interchanges/interchange-archive.service.js';
import { ErpConnections } from '../../src/erp/connections/erp-connections.js';
import { SimulatorOutputRelay } from '../../src/procurement/simulator-output-relay.js';
import { X12IntakeService } from '../../src/translation/x12-intake.service.js';
import { X12TranslationService } from '../../src/translation/x12-translation.service.js';
import { simulatorGatewayEnv, waitForPostings } from '../support/erp.js';
import { startTestGateway } from '../support/gateway.js';
import { createTestDatabase, queryOnce, type TestDatabase } from '../support/postgres.js';

const fixture = (name: string) =>
  readFileSync(new URL(`../../src/translation/fixtures/x12/${name}`, import.meta.url), 'latin1');

/** An 855 over a channel changes the order it answers, in the translation's transaction. */
describe('an X12 855 from the archive to the purchase order and the ERP', () => {
  let db: TestDatabase;
  let gateway: Awaited<ReturnType<typeof startTestGateway>>;

  beforeAll(async () => {
    db = await createTestDatabase('x12_procurement');
    gateway = await startTestGateway({
      ...simulatorGatewayEnv(db.url),
    });
  });
  afterAll(async () => {
    await gateway?.stop();
    await db?.drop();
  });

  it('matches the answer line by line, raises the rejected line and confirms the rest to the ERP', async () => {
    // The ERP's buyer issues the order the 855 answers.
    await gateway.app
      .get(ErpConnections)
      .embeddedSimulator()!
      .purchaseOrders.issue({
        poNumber: '4500012345',
        supplier: 'acme-fasteners',
        plant: '1000',
        currency: 'USD',
        orderDate: '2025-03-01',
        lines: [
          {
            lineNumber: '10',
            material: '100-20455',
            quantity: '9600',
            unit: 'H87',
            netPrice: '4.25',
            deliveryDate: '2025-04-04',
          },
          {
            lineNumber: '20',
            material: '100-20471',
            quantity: '500',
            unit: 'C62',
            netPrice: '0.31',
            deliveryDate: '2025-03-10',
          },
          {
            lineNumber: '30',
            material: '100-31002',
            quantity: '200',
            unit: 'H87',
            netPrice: null,
            deliveryDate: '2025-03-10',
          },
          {
            lineNumber: '40',
            material: '100-31002',
            quantity: '50',
            unit: 'H87',
            netPrice: null,
            deliveryDate: '2025-03-10',
          },
        ],
      });
    await gateway.app.get(SimulatorOutputRelay).relay();
    const archive = gateway.app.get(InterchangeArchive);
    const { id } = await archive.receive({
      partnerId: 'acme-fasteners',
      channel: 'sftp',
      payload: Buffer.from(fixture('855-004010.edi'), 'latin1'),
    });
    expect((await gateway.app.get(X12IntakeService).check(id)).status).toBe('processing');
    const record = await gateway.app.get(X12TranslationService).translate(id);
    expect(record.status).toBe('accepted');

    const [order] = await queryOnce<{ state: string; correlation_id: string }>(
      db.url,
      `SELECT state, correlation_id FROM purchase_order WHERE po_number = '4500012345'`,
    );
    expect(order).toEqual({ state: 'acknowledged-with-changes', correlation_id: 'po:4500012345' });
    const cases = await queryOnce<{ type: string; po_line: string }>(
      db.url,
      `SELECT type, po_line FROM exception_case WHERE po_number = '4500012345' ORDER BY po_line`,
    );
    expect(cases).toContainEqual({ type: 'acknowledgment.rejected', po_line: '30' });
    await waitForPostings(db.url, 15_000);
    const [confirmation] = await queryOnce<{ lines: string[]; correlation_id: string }>(
      db.url,
      `SELECT array(SELECT l->>'lineNumber' FROM jsonb_array_elements(d.body->'lines') l) AS lines, e.correlation_id
         FROM erp_sim_entry e JOIN erp_sim_document d USING (document_number) WHERE e.kind = 'po-confirmation'`,
    );
    expect(confirmation!.lines).toEqual(expect.arrayContaining(['10', '20']));
    expect(confirmation!.lines).not.toContain('30');
    expect(confirmation!.correlation_id).toBe('po:4500012345');
    // Translating the same interchange again changes nothing.
    await gateway.app.get(X12TranslationService).translate(id);
    expect((await queryOnce<{ n: number }>(db.url, `SELECT count(*)::int AS n FROM erp_posting`))[0]!.n).toBe(
      1,
    );
  });
});
