import { z } from 'zod';
import { ERP_POSTING_KINDS, parseErpDocumentBody, type ErpPostingKind } from '../port/erp-documents.js';
import type { ErpMasterData, ErpStock } from '../port/erp-master-data.js';
import { ERP_OPERATIONS, type ErpDocument, type ErpEntry, type ErpPurchaseOrder } from '../port/erp-port.js';

/**
 * The shapes the generic REST contract (docs/erp-contract.yaml) promises in its answers. An ERP's
 * answer is checked against them before the gateway believes it; unknown extra fields are dropped,
 * so an ERP may add its own.
 */

/**
 * The contract's rule for keys (docs/erp-contract.yaml, `IdempotencyKey`): 1 to 255 printable ASCII
 * characters, spaces inside only (HTTP drops them at either end, RFC 9110 §5.5).
 */
export const IDEMPOTENCY_KEY = /^(?=.{1,255}$)[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$/;

const text = (max = 255) => z.string().min(1).max(max);
const decimal = z.string().regex(/^-?\d{1,18}(\.\d{1,12})?$/, { error: 'expected an exact decimal string' });
const instant = z.iso.datetime({ offset: true });
const date = z.iso.date();
const kind = z.enum(ERP_POSTING_KINDS as [ErpPostingKind, ...ErpPostingKind[]]);

export const entryAnswer = z.object({
  entryId: text(64),
  operation: z.enum(ERP_OPERATIONS),
  kind,
  documentNumber: text(64),
  externalReference: text(),
  idempotencyKey: text(),
  postedAt: instant,
  created: z.boolean(),
}) satisfies z.ZodType<ErpEntry>;

const documentAnswer = z
  .object({
    documentNumber: text(64),
    kind,
    poNumber: text(35).nullable(),
    externalReference: text(),
    status: z.enum(['active', 'reversed']),
    revision: z.int().min(0),
    body: z.unknown(),
    updatedAt: instant,
  })
  .transform((document, ctx) => {
    // The body is the document as last posted or amended: the same shape the gateway sends.
    const parsed = parseErpDocumentBody(document.kind, document.body);
    if (!parsed.ok) {
      for (const problem of parsed.problems) ctx.addIssue({ code: 'custom', message: `body.${problem}` });
      return z.NEVER;
    }
    return { ...document, body: parsed.body } satisfies ErpDocument;
  });

export const entryListAnswer = z.object({ items: z.array(entryAnswer) });
export const documentListAnswer = z.object({ items: z.array(documentAnswer) });

export const purchaseOrderAnswer = z.object({
  poNumber: text(35),
  revision: z.int().min(0),
  supplier: text(35),
  plant: text(10),
  currency: z.string().regex(/^[A-Z]{3}$/),
  orderDate: date,
  // `completed` is how some ERPs name a closed order: read as closed.
  status: z
    .enum(['open', 'cancelled', 'closed', 'completed'])
    .transform((s) => (s === 'completed' ? 'closed' : s)),
  lines: z.array(
    z.object({
      lineNumber: text(10),
      material: text(40),
      quantity: decimal,
      unit: text(3),
      deliveryDate: date,
      netPrice: decimal.nullable(),
      status: z.enum(['open', 'cancelled', 'delivered']),
    }),
  ),
  updatedAt: instant,
}) satisfies z.ZodType<ErpPurchaseOrder>;

export const masterDataAnswer = z.object({
  plants: z.array(z.object({ plant: text(10), name: text(), timezone: text(64) })),
  materials: z.array(
    z.object({
      material: text(40),
      description: z.string().max(255),
      baseUnit: text(3),
      kind: z.enum(['raw', 'component', 'finished']),
    }),
  ),
  unitConversions: z.array(
    z.object({
      material: text(40),
      fromUnit: text(3),
      toUnit: text(3),
      numerator: decimal,
      denominator: decimal,
    }),
  ),
  billsOfMaterial: z.array(
    z.object({
      plant: text(10),
      material: text(40),
      component: text(40),
      quantityPer: decimal,
      unit: text(3),
    }),
  ),
  sourceList: z.array(
    z.object({
      plant: text(10),
      material: text(40),
      supplier: text(35),
      leadTimeDays: z.int().min(0),
      validFrom: date,
      validTo: date.nullable(),
    }),
  ),
}) satisfies z.ZodType<ErpMasterData>;

export const stockAnswer = z.object({
  material: text(40),
  plant: text(10),
  unrestricted: decimal,
  unit: text(3),
  asOf: instant,
}) satisfies z.ZodType<ErpStock>;

/** The first problems of a schema failure, for a message. */
export function describeIssues(error: z.ZodError, max = 3): string {
  const issues = error.issues.slice(0, max).map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`);
  const more = error.issues.length > max ? ` (+${error.issues.length - max} more)` : '';
  return issues.join('; ') + more;
}

const problem = z.object({
  title: z.string().optional(),
  detail: z.string().optional(),
  errors: z.array(z.unknown()).optional(),
});

/**
 * What an RFC 9457 problem says, read leniently (it only feeds messages): `detail` (else `title`)
 * and `errors[]` as strings, whether the ERP sends strings or objects with a detail or message.
 */
export function problemMessages(body: string): { detail: string | null; errors: string[] } {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { detail: null, errors: [] };
  }
  const parsed = problem.safeParse(json);
  if (!parsed.success) return { detail: null, errors: [] };
  const errors = (parsed.data.errors ?? []).slice(0, 50).flatMap((e) => {
    if (typeof e === 'string') return [e];
    if (e && typeof e === 'object') {
      const { detail, message, pointer } = e as Record<string, unknown>;
      const said = typeof detail === 'string' ? detail : typeof message === 'string' ? message : null;
      if (said) return [typeof pointer === 'string' ? `${pointer}: ${said}` : said];
    }
    return [];
  });
  const detail = parsed.data.detail ?? parsed.data.title ?? null;
  return { detail: detail ? detail.slice(0, 500) : null, errors: errors.map((e) => e.slice(0, 500)) };
}
