import { describe, expect, it } from 'vitest';
import { ERP_POSTING_KINDS, isErpPostingKind, parseErpDocumentBody } from '../port/erp-documents.js';
import {
  documentListAnswer,
  entryAnswer,
  entryListAnswer,
  masterDataAnswer,
  purchaseOrderAnswer,
  stockAnswer,
} from './rest-answers.js';
import { contractValidator, loadContract, resolveRef } from './erp-contract.test-helper.js';

/**
 * docs/erp-contract.yaml is what ERP teams build against: every reference resolves, every operation
 * and every error has an example, every example fits its own schema, and the adapter's validators
 * and the gateway's posting bodies accept the documented answers and requests.
 */

const contract = loadContract();
const operations = Object.entries(contract.paths).flatMap(([path, item]) =>
  Object.entries(item).map(([method, operation]) => ({ path, method, operation })),
);

function refsIn(value: unknown, found: string[] = []): string[] {
  if (Array.isArray(value)) value.forEach((v) => refsIn(v, found));
  else if (value && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      if (key === '$ref' && typeof v === 'string') found.push(v);
      else refsIn(v, found);
    }
  }
  return found;
}

/** Each example of a media type, as [name, value]. */
function examplesOf(media: any): [string, unknown][] {
  if (media.example !== undefined) return [['example', media.example]];
  return Object.entries(media.examples ?? {}).map(([name, example]) => [
    name,
    resolveRef<{ value: unknown }>(contract, example).value,
  ]);
}

/** The adapter's own validator for each operation's success answer. */
const ADAPTER_ANSWERS: Record<string, { safeParse: (v: unknown) => { success: boolean } }> = {
  post: entryAnswer,
  amend: entryAnswer,
  reverse: entryAnswer,
  findEntries: entryListAnswer,
  findDocuments: documentListAnswer,
  readPurchaseOrder: purchaseOrderAnswer,
  readMasterData: masterDataAnswer,
  readStock: stockAnswer,
};

describe('docs/erp-contract.yaml', () => {
  it('is OpenAPI 3.1 and every $ref resolves', () => {
    expect(contract.openapi).toBe('3.1.0');
    const refs = refsIn(contract);
    expect(refs.length).toBeGreaterThan(50);
    for (const ref of refs) expect(() => resolveRef(contract, { $ref: ref }), ref).not.toThrow();
  });

  it('lists the posting kinds of the port', () => {
    expect(contract.components.schemas!.PostingKind.enum).toEqual(ERP_POSTING_KINDS);
  });

  it('covers the eight operations of the port', () => {
    expect(operations.map((o) => o.operation.operationId).sort()).toEqual(
      Object.keys(ADAPTER_ANSWERS).sort(),
    );
  });

  it.each(operations.map((o) => [`${o.method.toUpperCase()} ${o.path}`, o] as const))(
    '%s: every answer has examples that fit its schema, errors are problems with their status',
    (_name, { method, operation }) => {
      const statuses = Object.keys(operation.responses);
      expect(statuses).toEqual(expect.arrayContaining(['401', '500', '503']));
      if (method === 'post') expect(statuses).toEqual(expect.arrayContaining(['201', '200', '409', '422']));
      for (const [status, ref] of Object.entries(operation.responses)) {
        const response = resolveRef(contract, ref);
        const [mediaType, media] = Object.entries<any>(response.content ?? {})[0] ?? [];
        expect(media, `${status} has content`).toBeDefined();
        const examples = examplesOf(media);
        expect(examples.length, `${status} has an example`).toBeGreaterThan(0);
        const validator = contractValidator(contract, media.schema);
        for (const [name, value] of examples) {
          const parsed = validator.safeParse(value);
          expect(parsed.error?.issues ?? [], `${status} example ${name}`).toEqual([]);
          if (Number(status) >= 400) {
            expect(mediaType).toBe('application/problem+json');
            expect((value as { status: number }).status, `${status} example ${name}`).toBe(Number(status));
          } else {
            const adapter = ADAPTER_ANSWERS[operation.operationId as string]!;
            expect(adapter.safeParse(value).success, `adapter accepts ${status} example ${name}`).toBe(true);
          }
        }
      }
    },
  );

  it.each(
    operations.filter((o) => o.operation.requestBody).map((o) => [o.operation.operationId, o] as const),
  )('%s: request examples fit the contract and the gateway posting bodies', (_name, { path, operation }) => {
    const media = operation.requestBody.content['application/json'];
    const validator = contractValidator(contract, media.schema);
    const examples = examplesOf(media);
    expect(examples.length).toBeGreaterThan(0);
    for (const [name, value] of examples) {
      expect(validator.safeParse(value).error?.issues ?? [], name).toEqual([]);
      const request = value as { kind?: string; body?: unknown };
      const kind = request.kind ?? (path === '/postings/{kind}' ? guessKind(request.body) : undefined);
      if (kind !== undefined) {
        expect(isErpPostingKind(kind)).toBe(true);
        const parsed = parseErpDocumentBody(kind as never, request.body);
        expect(parsed.ok ? [] : parsed.problems, name).toEqual([]);
      }
    }
  });

  it('its Quantity schema refuses zero and negatives like the gateway', () => {
    const quantity = contractValidator(contract, { $ref: '#/components/schemas/Quantity' });
    expect(['1', '0.5', '1200.000001'].map((v) => quantity.safeParse(v).success)).toEqual([true, true, true]);
    expect(['0', '0.00', '-1', '1e3', ''].map((v) => quantity.safeParse(v).success)).toEqual([
      false,
      false,
      false,
      false,
      false,
    ]);
  });
});

/** The example bodies of POST /postings/{kind} name their kind by their shape. */
function guessKind(body: unknown): string {
  const b = body as Record<string, unknown>;
  if ('shipmentNumber' in b) return 'inbound-delivery';
  if ('poRevision' in b) return 'po-confirmation';
  if ('baseRevision' in b) return 'po-change';
  if ('receiptNumber' in b) return 'goods-receipt';
  if ('productionOrder' in b) return 'production-confirmation';
  return 'po-request';
}
