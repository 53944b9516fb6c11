import type { z } from 'zod';
import type { ErpInstanceConfig } from '../connections/erp-instances.schema.js';
import { erpOutcomeUnknown, erpRejected } from '../port/erp-errors.js';
import type { ErpMasterData, ErpStock } from '../port/erp-master-data.js';
import type {
  ErpAmendRequest,
  ErpCallOptions,
  ErpDocument,
  ErpEntry,
  ErpMasterDataQuery,
  ErpOperation,
  ErpPort,
  ErpPostRequest,
  ErpPurchaseOrder,
  ErpReverseRequest,
} from '../port/erp-port.js';
import {
  describeIssues,
  IDEMPOTENCY_KEY,
  documentListAnswer,
  entryAnswer,
  entryListAnswer,
  masterDataAnswer,
  purchaseOrderAnswer,
  stockAnswer,
} from './rest-answers.js';
import { RestClient, type FetchFunction, type RestAnswer, type RestRequest } from './rest-client.js';
import { RestCredentials, type ReadSecretFile } from './rest-credentials.js';
import { classifyStatus } from './rest-failures.js';

export interface RestErpOptions {
  readonly fetch?: FetchFunction;
  readonly readSecretFile?: ReadSecretFile;
}

const segment = (value: string) => encodeURIComponent(value);

/**
 * The ERP port over the generic REST contract (docs/erp-contract.yaml): one instance per
 * configured ERP with `adapter: rest`. Every effect carries its Idempotency-Key and external
 * reference; every answer is checked against the contract before it is believed, and an answer
 * that does not fit is an unknown outcome, never a success.
 */
export class RestErp implements ErpPort {
  private readonly client: RestClient;
  private readonly id: string;

  constructor(instance: Pick<ErpInstanceConfig, 'id' | 'rest'>, options: RestErpOptions = {}) {
    if (!instance.rest) throw new Error(`ERP instance ${instance.id} has no rest settings`);
    this.id = instance.id;
    const credentials = new RestCredentials(instance.rest.auth, instance.id, options.readSecretFile);
    this.client = new RestClient(instance.rest.baseUrl, credentials, options.fetch);
  }

  async post(request: ErpPostRequest, call: ErpCallOptions): Promise<ErpEntry> {
    const what = `post ${request.kind} ${request.externalReference} to ERP ${this.id}`;
    const answer = await this.effect(
      {
        method: 'POST',
        path: `postings/${segment(request.kind)}`,
        idempotencyKey: request.idempotencyKey,
        body: {
          externalReference: request.externalReference,
          poNumber: request.poNumber,
          body: request.body,
        },
        what,
      },
      call,
    );
    return this.entry(answer, what, { operation: 'post', ...request });
  }

  async amend(request: ErpAmendRequest, call: ErpCallOptions): Promise<ErpEntry> {
    const what = `amend ${request.kind} ${request.documentNumber} (${request.externalReference}) in ERP ${this.id}`;
    const answer = await this.effect(
      {
        method: 'POST',
        path: `documents/${segment(request.documentNumber)}/amendments`,
        idempotencyKey: request.idempotencyKey,
        body: {
          kind: request.kind,
          revision: request.revision,
          externalReference: request.externalReference,
          body: request.body,
        },
        what,
      },
      call,
    );
    return this.entry(answer, what, { operation: 'amend', ...request });
  }

  async reverse(request: ErpReverseRequest, call: ErpCallOptions): Promise<ErpEntry> {
    const what = `reverse ${request.documentNumber} (${request.externalReference}) in ERP ${this.id}`;
    const answer = await this.effect(
      {
        method: 'POST',
        path: `documents/${segment(request.documentNumber)}/reversal`,
        idempotencyKey: request.idempotencyKey,
        body: { externalReference: request.externalReference, reason: request.reason },
        what,
      },
      call,
    );
    return this.entry(answer, what, { operation: 'reverse', ...request });
  }

  async findEntry(externalReference: string, call: ErpCallOptions): Promise<ErpEntry | null> {
    const what = `look up the entry for ${externalReference} in ERP ${this.id}`;
    const query = new URLSearchParams({ externalReference });
    const list = await this.read({ method: 'GET', path: 'entries', query, what }, call, entryListAnswer);
    if (list === null) throw erpRejected(`the ERP answered 404 to ${what}: is rest.baseUrl right?`);
    // The oldest entry is the effect; an ERP that ignores keys may hold later duplicates.
    const entry = list.items[0] ?? null;
    if (entry && entry.externalReference !== externalReference) {
      throw erpOutcomeUnknown(`the ERP answered ${what} with an entry for ${entry.externalReference}`);
    }
    return entry;
  }

  async readDocument(externalReference: string, call: ErpCallOptions): Promise<ErpDocument | null> {
    const what = `read the document for ${externalReference} in ERP ${this.id}`;
    const query = new URLSearchParams({ externalReference });
    const list = await this.read({ method: 'GET', path: 'documents', query, what }, call, documentListAnswer);
    if (list === null) throw erpRejected(`the ERP answered 404 to ${what}: is rest.baseUrl right?`);
    const document = list.items[0] ?? null;
    if (document && document.externalReference !== externalReference) {
      throw erpOutcomeUnknown(`the ERP answered ${what} with the document for ${document.externalReference}`);
    }
    return document;
  }

  async readPurchaseOrder(poNumber: string, call: ErpCallOptions): Promise<ErpPurchaseOrder | null> {
    const what = `read purchase order ${poNumber} in ERP ${this.id}`;
    const po = await this.read(
      { method: 'GET', path: `purchase-orders/${segment(poNumber)}`, what },
      call,
      purchaseOrderAnswer,
    );
    if (po && po.poNumber !== poNumber) {
      throw erpOutcomeUnknown(`the ERP answered ${what} with purchase order ${po.poNumber}`);
    }
    return po;
  }

  async readMasterData(query: ErpMasterDataQuery, call: ErpCallOptions): Promise<ErpMasterData> {
    const what = `read master data in ERP ${this.id}`;
    const params = new URLSearchParams();
    if (query.plant !== undefined) params.set('plant', query.plant);
    for (const material of query.materials ?? []) params.append('material', material);
    const data = await this.read(
      { method: 'GET', path: 'master-data', query: params, what },
      call,
      masterDataAnswer,
    );
    if (data === null) throw erpRejected(`the ERP answered 404 to ${what}: is rest.baseUrl right?`);
    return data;
  }

  async readStock(material: string, plant: string, call: ErpCallOptions): Promise<ErpStock | null> {
    const what = `read stock of ${material} in plant ${plant} in ERP ${this.id}`;
    const stock = await this.read(
      { method: 'GET', path: `stock/${segment(plant)}/${segment(material)}`, what },
      call,
      stockAnswer,
    );
    if (stock && (stock.material !== material || stock.plant !== plant)) {
      throw erpOutcomeUnknown(`the ERP answered ${what} with stock of ${stock.material} in ${stock.plant}`);
    }
    return stock;
  }

  private async effect(request: RestRequest & { idempotencyKey: string }, call: ErpCallOptions) {
    if (!IDEMPOTENCY_KEY.test(request.idempotencyKey)) {
      // Keys are deterministic: a key the contract cannot carry never will, so this is permanent.
      throw erpRejected(
        `cannot ${request.what}: the idempotency key is not 1-255 printable ASCII characters`,
        [request.idempotencyKey],
      );
    }
    return this.client.send(request, call);
  }

  /** A 200 (repeated key) or 201 (new effect) with the entry the call made, or an error. */
  private entry(
    answer: RestAnswer,
    what: string,
    request: {
      operation: ErpOperation;
      idempotencyKey: string;
      externalReference: string;
      kind?: string;
      documentNumber?: string;
    },
  ): ErpEntry {
    if (answer.status !== 200 && answer.status !== 201) {
      if (answer.status >= 200 && answer.status < 300) {
        throw erpOutcomeUnknown(`the ERP answered ${what} with HTTP ${answer.status} and no entry`);
      }
      throw classifyStatus(answer, what);
    }
    const entry = parseAnswer(answer, entryAnswer, what);
    const mismatches = [
      entry.operation !== request.operation && `operation ${entry.operation}`,
      entry.idempotencyKey !== request.idempotencyKey && `idempotency key ${entry.idempotencyKey}`,
      entry.externalReference !== request.externalReference &&
        `external reference ${entry.externalReference}`,
      request.kind !== undefined && entry.kind !== request.kind && `kind ${entry.kind}`,
      request.documentNumber !== undefined &&
        entry.documentNumber !== request.documentNumber &&
        `document ${entry.documentNumber}`,
      entry.created !== (answer.status === 201) && `created ${entry.created} with HTTP ${answer.status}`,
    ].filter((m): m is string => typeof m === 'string');
    if (mismatches.length > 0) {
      throw erpOutcomeUnknown(
        `the ERP answered ${what} with an entry that does not match: ${mismatches.join(', ')}`,
      );
    }
    return entry;
  }

  /** A read: the validated answer, or null on 404. */
  private async read<T>(request: RestRequest, call: ErpCallOptions, schema: z.ZodType<T>): Promise<T | null> {
    const answer = await this.client.send(request, call);
    if (answer.status === 404) return null;
    if (answer.status !== 200) {
      if (answer.status >= 200 && answer.status < 300) {
        throw erpOutcomeUnknown(`the ERP answered ${request.what} with HTTP ${answer.status} and no content`);
      }
      throw classifyStatus(answer, request.what);
    }
    return parseAnswer(answer, schema, request.what);
  }
}

/** JSON that fits the contract, or an unknown outcome: a malformed answer is never trusted. */
function parseAnswer<T>(answer: RestAnswer, schema: z.ZodType<T>, what: string): T {
  let json: unknown;
  try {
    json = JSON.parse(answer.text);
  } catch {
    throw erpOutcomeUnknown(`the ERP answered ${what} with HTTP ${answer.status} but no valid JSON`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    throw erpOutcomeUnknown(
      `the ERP's answer to ${what} does not fit the contract: ${describeIssues(parsed.error)}`,
    );
  }
  return parsed.data;
}
