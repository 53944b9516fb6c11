import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';
import { stringify } from 'yaml';
import { hashPassword } from '../../src/portal/portal-passwords.js';
import { percentile, startGateway, withDatabase } from '../shared/gateway.js';

/**
 * `npm run bench:portal [-- --seconds N] [--connections N] [--orders N] [--partners N] [--exceptions N]
 * [--only PAGE,…]`:
 * the portal's pages under load, as issue #20 asks — the built gateway (a child process) on a
 * PostgreSQL server holding 100,000 orders across 50 partners and 20,000 open exceptions, and 10
 * concurrent signed-in users (each connection its own user and session) on the supplier inbox, the
 * PO detail page and the buyer workbench, measured with autocannon. Prints `P95-MS <page> V` per page
 * and, as the floor measured in the same run, the anonymous sign-in page (a render with no data);
 * `RATIO <page>/floor V` says how much of a page's time is its data. Not a test; the target (p95
 * under 150 ms) is reported, never asserted.
 */
const PASSWORD = 'portal bench passphrase 2026';
const TARGET_P95_MS = 150;

function arg(name: string, fallback: number): number {
  const at = process.argv.indexOf(name);
  if (at < 0) return fallback;
  const value = Number(process.argv[at + 1]);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} expects a positive whole number`);
  return value;
}

const SECONDS = arg('--seconds', 20);
const CONNECTIONS = arg('--connections', 10);
const ORDERS = arg('--orders', 100_000);
const PARTNERS = arg('--partners', 50);
const EXCEPTIONS = arg('--exceptions', 20_000);
const LINES_PER_ORDER = 3;
/** `--only inbox,po-detail` measures those pages (and the floor) only. */
const ONLY = ((at) => (at < 0 ? undefined : new Set((process.argv[at + 1] ?? '').split(','))))(
  process.argv.indexOf('--only'),
);

/** The page of the n-th order of `list`, round and round. */
const orderPage = (list: readonly string[], n: number) => `/portal/orders/${list[n % list.length]!}`;
const partnerId = (n: number) => `bench-supplier-${String(n).padStart(3, '0')}`;

/** One partner profile per supplier, the shape docs/partners.md describes (API channel only). */
function partnersDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sg-bench-portal-partners-'));
  for (let n = 1; n <= PARTNERS; n++) {
    const id = partnerId(n);
    const code = `BSUP${String(n).padStart(3, '0')}`;
    const profile = {
      id,
      name: `Bench Supplier ${n}`,
      status: 'live',
      identities: { x12: [{ qualifier: 'ZZ', id: code }], gs: [code], edifact: [], as2: [] },
      documents: {
        inbound: [
          { standard: 'x12', version: '004010', type: '855' },
          { standard: 'x12', version: '004010', type: '856' },
        ],
        outbound: [
          {
            standard: 'x12',
            version: '004010',
            type: '850',
            format: { elementSeparator: '*', componentSeparator: '>', segmentTerminator: '~' },
          },
        ],
      },
      channels: { api: { enabled: true } },
      delivery: { channel: 'api' },
      acknowledgments: { functional: '997', functionalSlaHours: 24, businessSlaHours: 48 },
      tolerances: { quantityPercent: 2, pricePercent: 0, dateDaysEarly: 2, dateDaysLate: 0 },
    };
    writeFileSync(join(dir, `${id}.yaml`), stringify(profile));
  }
  return dir;
}

/**
 * The data set, written straight into the gateway's tables after its migrations ran (a bench seeds;
 * tests go through the services): orders spread over the partners and every state, three lines each,
 * a history of two to four entries per order, and open exceptions with value at risk and lateness.
 */
async function seed(client: pg.Client): Promise<void> {
  const t0 = performance.now();
  await client.query(
    `INSERT INTO purchase_order (partner_id, po_number, revision, state, plant, currency, order_date, ship_to,
                                 correlation_id, created_at, updated_at)
     SELECT 'bench-supplier-' || lpad((1 + g % $2)::text, 3, '0'), (4700000000 + g)::text, g % 3,
            (ARRAY['issued','acknowledged','acknowledged-with-changes','rejected','changed','partially-shipped',
                   'shipped','partially-received','received','closed','cancelled'])[1 + g % 11],
            (ARRAY['1000','2000','3000'])[1 + g % 3], 'EUR', date '2026-01-01' + (g % 330), 'PLANT',
            'bench:po:' || g, now() - make_interval(mins => g % 500000), now() - make_interval(mins => g % 400000)
       FROM generate_series(1, $1) g`,
    [ORDERS, PARTNERS],
  );
  await client.query(
    `INSERT INTO purchase_order_line (po_id, line_number, material, supplier_part, quantity, unit, unit_price,
                                      delivery_date, ack_status, confirmed_quantity, confirmed_date)
     SELECT o.id, (l * 10)::text, 'MAT-' || lpad(((o.id * 7 + l) % 2000)::text, 5, '0'), 'SP-' || o.id || '-' || l,
            10 + (o.id + l) % 990, 'H87', round((1 + (o.id % 500) / 7.0)::numeric, 2),
            o.order_date + 14 + l, CASE WHEN o.state <> 'issued' THEN 'IA' END,
            CASE WHEN o.state <> 'issued' THEN 10 + (o.id + l) % 990 END,
            CASE WHEN o.state <> 'issued' THEN o.order_date + 14 + l END
       FROM purchase_order o CROSS JOIN generate_series(1, $1) l
      ORDER BY o.id, l`,
    [LINES_PER_ORDER],
  );
  // The wire side of every order: the 850 sent (and its 997 accepted) and, once the supplier answered,
  // the 855 received with its business event, as the order page's timeline reads them.
  await client.query(
    `INSERT INTO interchange (direction, channel, partner_id, received_at, sha256, size_bytes, content, content_type,
                              filename, metadata, status, correlation_id)
     SELECT d.direction, 'sftp-mailbox', o.partner_id, o.created_at + make_interval(hours => d.n),
            encode(sha256((o.po_number || d.direction)::bytea), 'hex'), 512, convert_to('ISA*…', 'UTF8'),
            'application/edi-x12', o.po_number || CASE d.direction WHEN 'outbound' THEN '.850' ELSE '.855' END,
            jsonb_build_object('poNumber', o.po_number), CASE d.direction WHEN 'outbound' THEN 'sent' ELSE 'processed' END,
            o.correlation_id
       FROM purchase_order o
       CROSS JOIN (VALUES ('outbound', 0), ('inbound', 5)) d(direction, n)
      WHERE d.direction = 'outbound' OR o.state <> 'issued'
      ORDER BY o.id, d.n`,
  );
  await client.query(
    `INSERT INTO outbound_document (partner_id, source_key, kind, po_number, po_revision, standard, message_type, channel,
                                    interchange_id, filename, control_reference, status, delivered_at, fa_expected,
                                    fa_status, correlation_id, created_at)
     SELECT i.partner_id, 'bench:' || i.id, 'purchase-order', i.metadata->>'poNumber', 0, 'x12', '850', 'sftp-mailbox',
            i.id, i.filename, lpad(i.id::text, 9, '0'), 'delivered', i.received_at, true, 'accepted', i.correlation_id,
            i.received_at
       FROM interchange i WHERE i.direction = 'outbound'`,
  );
  await client.query(
    `INSERT INTO canonical_event (id, type, schema_version, partner_id, document_kind, document_number,
                                  document_revision, correlation_id, interchange_id, occurred_at, payload)
     SELECT gen_random_uuid(), 'purchase-order.acknowledged', 'v1', i.partner_id, 'original', i.metadata->>'poNumber',
            '1', 'po:' || (i.metadata->>'poNumber'), i.id, i.received_at,
            jsonb_build_object('poNumber', i.metadata->>'poNumber', 'lines', jsonb_build_array())
       FROM interchange i WHERE i.direction = 'inbound'`,
  );
  await client.query(
    `INSERT INTO purchase_order_history (po_id, what, document_number, document_revision, from_state, to_state,
                                         summary, correlation_id, at)
     SELECT o.id, (ARRAY['issued','acknowledged','changed','shipped'])[h], o.po_number, h::text,
            CASE WHEN h > 1 THEN 'issued' END, (ARRAY['issued','acknowledged','changed','shipped'])[h],
            'bench history entry ' || h, o.correlation_id, o.created_at + make_interval(hours => h)
       FROM purchase_order o CROSS JOIN generate_series(1, 4) h
      WHERE h <= 2 + o.id % 3`,
  );
  await client.query(
    `INSERT INTO exception_case (type, severity, dedupe_key, summary, partner_id, po_number, po_line, material, plant,
                                 differences, value_at_risk, currency, days_late, state, state_changed_by,
                                 correlation_id, created_at)
     SELECT (ARRAY['acknowledgment.quantity-changed','acknowledgment.date-changed','acknowledgment.rejected',
                   'ship-notice.over-shipment','goods-receipt.short'])[1 + g % 5],
            (ARRAY['low','medium','high','critical'])[1 + g % 4], 'bench:' || g,
            'Line ' || ((g % 3 + 1) * 10) || ' answered with a change', o.partner_id, o.po_number,
            ((g % 3 + 1) * 10)::text, 'MAT-' || lpad((g % 2000)::text, 5, '0'), o.plant,
            jsonb_build_object('quantity', jsonb_build_object('ordered', '100', 'answered', (90 - g % 40)::text)),
            round((g % 9973) * 1.37, 2), 'EUR', g % 30, 'open', 'bench', o.correlation_id,
            now() - make_interval(hours => g % 2000)
       FROM generate_series(1, $1) g
       JOIN purchase_order o ON o.id = 1 + (g * 5) % $2`,
    [EXCEPTIONS, ORDERS],
  );
  await client.query(
    `INSERT INTO exception_event (case_id, at, actor_kind, actor_display, action, to_state, correlation_id)
     SELECT id, created_at, 'system', 'gateway', 'raised', 'open', correlation_id FROM exception_case`,
  );
  // As autovacuum leaves a table between bursts of writes: statistics and the visibility map current.
  await client.query('VACUUM ANALYZE');
  console.log(
    `seeded ${ORDERS} orders (${ORDERS * LINES_PER_ORDER} lines, their 850s, 855s and events) across ` +
      `${PARTNERS} partners and ${EXCEPTIONS} open exceptions in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
}

interface User {
  readonly email: string;
  readonly partner: string | null;
  cookie?: string;
}

/** Supplier users on different partners and a buyer; one shared Argon2id hash (hashing is not measured). */
async function seedUsers(client: pg.Client): Promise<{ suppliers: User[]; buyers: User[] }> {
  const hash = await hashPassword(PASSWORD);
  const suppliers: User[] = [];
  const buyers: User[] = [];
  for (let n = 0; n < CONNECTIONS; n++) {
    suppliers.push({ email: `clerk${n}@supplier${n}.example.com`, partner: partnerId(1 + (n % PARTNERS)) });
    buyers.push({ email: `buyer${n}@mfg.example.com`, partner: null });
  }
  for (const user of [...suppliers, ...buyers]) {
    const { rows } = await client.query<{ id: string }>(
      `INSERT INTO app_user (email, display_name, role, partner_id) VALUES ($1, $1, $2, $3) RETURNING id`,
      [user.email, user.partner ? 'supplier-user' : 'buyer', user.partner],
    );
    await client.query(`INSERT INTO portal_credential (user_id, password_hash) VALUES ($1, $2)`, [
      rows[0]!.id,
      hash,
    ]);
  }
  return { suppliers, buyers };
}

/** Signs in through the real form (CSRF token from the page, session cookie from the answer). */
async function signIn(base: string, user: User): Promise<void> {
  const page = await fetch(`${base}/portal/login`);
  const cookie = page.headers
    .getSetCookie()
    .map((c) => c.split(';')[0]!)
    .join('; ');
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1];
  if (!csrf) throw new Error('no CSRF token on the sign-in page');
  const res = await fetch(`${base}/portal/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', cookie },
    body: new URLSearchParams({ _csrf: csrf, email: user.email, password: PASSWORD }).toString(),
  });
  const session = res.headers.getSetCookie().map((c) => c.split(';')[0]!);
  if (res.status !== 303 || session.length === 0)
    throw new Error(`sign-in of ${user.email} answered ${res.status}`);
  user.cookie = session.join('; ');
}

interface PageFigures {
  readonly page: string;
  readonly requests: number;
  readonly rps: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
}

/**
 * One page under `CONNECTIONS` concurrent connections for SECONDS; connection i is user i (its own
 * session). `path(user, n)` gives the n-th request's path. Percentiles come from every response's own
 * time (autocannon's summary has no p95). Any answer other than 200 aborts the run: an error page
 * answered fast would flatter the figures.
 */
async function measure(
  base: string,
  page: string,
  users: readonly User[],
  path: (user: User, n: number) => string,
): Promise<PageFigures> {
  let connection = 0;
  let sent = 0;
  const times: number[] = [];
  const instance = autocannon({
    url: base,
    connections: CONNECTIONS,
    duration: SECONDS,
    initialContext: {},
    requests: [
      {
        setupRequest: (request, context) => {
          const user = (context.user ??= users[connection++ % users.length]!) as User;
          const headers: Record<string, string> = user.cookie ? { cookie: user.cookie } : {};
          return { ...request, method: 'GET', path: path(user, sent++), headers };
        },
      },
    ],
  });
  instance.on('response', (_client, _status, _bytes, responseTime) => times.push(responseTime));
  const result = await instance;
  const bad = result.non2xx + result.errors + result.timeouts;
  if (bad > 0) throw new Error(`${page}: ${bad} of ${result.requests.total} requests failed or were not 200`);
  const sorted = times.sort((a, b) => a - b);
  return {
    page,
    requests: times.length,
    rps: times.length / SECONDS,
    p50: percentile(sorted, 0.5),
    p95: percentile(sorted, 0.95),
    p99: percentile(sorted, 0.99),
    max: sorted.at(-1) ?? 0,
  };
}

async function run(url: string): Promise<void> {
  const partners = partnersDir();
  const gateway = await startGateway(url, {
    PARTNERS_DIR: partners,
    BOOTSTRAP_ADMIN_TOKEN: `bench-${randomBytes(16).toString('hex')}`,
    PORTAL_COOKIE_SECURE: 'never',
    ERP_RECONCILE_EVERY_MINUTES: '0',
  }).catch((error: unknown) => {
    rmSync(partners, { recursive: true, force: true });
    throw error;
  });
  const client = new pg.Client({ connectionString: url });
  try {
    const base = gateway.base;
    await client.connect();
    await seed(client);
    const { suppliers, buyers } = await seedUsers(client);
    for (const user of [...suppliers, ...buyers]) await signIn(base, user);
    // Each supplier user opens orders of its own partner only (others would be 404, and abort the run).
    const ordersOf = new Map<string, string[]>();
    for (const user of suppliers) {
      const { rows } = await client.query<{ po_number: string }>(
        `SELECT po_number FROM purchase_order WHERE partner_id = $1 ORDER BY id LIMIT 500`,
        [user.partner],
      );
      ordersOf.set(
        user.email,
        rows.map((r) => r.po_number),
      );
    }
    const anonymous: User[] = [{ email: 'anonymous', partner: null }];
    const figures: PageFigures[] = [];
    const pages: [string, readonly User[], (user: User, n: number) => string][] = [
      ['floor', anonymous, () => '/portal/login'],
      ['inbox', suppliers, (_u, n) => (n % 4 === 3 ? '/portal/orders?tab=all&page=2' : '/portal/orders')],
      ['po-detail', suppliers, (u, n) => orderPage(ordersOf.get(u.email)!, n)],
      [
        'workbench',
        buyers,
        (_u, n) => (n % 4 === 3 ? '/portal/workbench?type=acknowledgment' : '/portal/workbench'),
      ],
    ];
    for (const [page, users, path] of pages) {
      if (ONLY && page !== 'floor' && !ONLY.has(page)) continue;
      // A short warm-up per page (JIT, plan cache, connection pool), then the measured run.
      const first = users[0]!;
      await autocannon({
        url: `${base}${path(first, 0)}`,
        connections: 2,
        amount: 50,
        headers: first.cookie ? { cookie: first.cookie } : {},
      });
      figures.push(await measure(base, page, users, path));
    }
    report(figures);
  } finally {
    await client.end().catch(() => undefined);
    await gateway.stop();
    rmSync(partners, { recursive: true, force: true });
  }
}

function report(figures: readonly PageFigures[]): void {
  console.log(
    `\nmachine: ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), ${Math.round(totalmem() / 2 ** 30)} GiB, ` +
      `Node ${process.version}; ${CONNECTIONS} connections × ${SECONDS} s per page`,
  );
  console.log('page        requests   req/s    p50 ms   p95 ms   p99 ms   max ms');
  for (const f of figures)
    console.log(
      `${f.page.padEnd(11)} ${String(f.requests).padStart(8)} ${f.rps.toFixed(0).padStart(7)} ` +
        `${f.p50.toFixed(0).padStart(8)} ${f.p95.toFixed(0).padStart(8)} ${f.p99.toFixed(0).padStart(8)} ${f.max.toFixed(0).padStart(8)}`,
    );
  const floor = figures.find((f) => f.page === 'floor')!;
  for (const f of figures) console.log(`P95-MS ${f.page} ${f.p95.toFixed(0)}`);
  for (const f of figures.filter((x) => x !== floor))
    console.log(`RATIO ${f.page}/floor ${(f.p95 / Math.max(floor.p95, 1)).toFixed(2)}`);
  const missed = figures.filter((f) => f !== floor && f.p95 >= TARGET_P95_MS).map((f) => f.page);
  console.log(
    missed.length === 0
      ? `every page's p95 is under the ${TARGET_P95_MS} ms target`
      : `target missed (p95 ≥ ${TARGET_P95_MS} ms): ${missed.join(', ')}`,
  );
}

await withDatabase('sg_bench_portal', run);
