import { Router, type Request, type Response } from 'express';
import { isErpPostingKind, parseErpDocumentBody, type ErpPostingKind } from '../../port/erp-documents.js';
import type { ErpEntry } from '../../port/erp-port.js';
import { performWithFault, SimulatedDroppedAnswer, SimulatedUnavailable } from '../simulator-behaviour.js';
import type { SimulatorFaultOperation } from '../simulator-faults.js';
import { HttpProblem, parseInput as parse } from './problem.js';
import {
  amendRequest,
  byReferenceQuery,
  documentNumber as documentNumberSchema,
  idempotencyKey as idempotencyKeySchema,
  masterDataQuery,
  poNumber as poNumberSchema,
  postRequest,
  reverseRequest,
  stockParams,
} from './request-schemas.js';
import type { SimulatorCore, Handle } from './simulator-http-types.js';

/**
 * The generic REST contract (docs/erp-contract.yaml) served over the simulator core. Every call
 * first asks the fault rules what to suffer: `fail` and `timeout` answer 503 (nothing done),
 * `drop-answer` commits and then cuts the connection, `commit-late` waits and then commits.
 */
export function contractRoutes(core: SimulatorCore, handle: Handle): Router {
  const router = Router();

  router.post(
    '/postings/:kind',
    handle(async (req, res) => {
      const kind = req.params.kind as string;
      if (!isErpPostingKind(kind)) throw new HttpProblem('not-found', `no posting kind ${kind}`);
      const key = parse(idempotencyKeySchema, req.get('Idempotency-Key'), 'Idempotency-Key header');
      const request = parse(postRequest, req.body, 'posting');
      const body = documentBody(kind, request.body);
      const entry = await withFault(core, 'post', req, res, () =>
        core.ledger.post(
          {
            kind,
            idempotencyKey: key,
            externalReference: request.externalReference,
            poNumber: request.poNumber,
            body,
          },
          correlationIdOf(res),
        ),
      );
      if (entry) sendEntry(res, entry);
    }),
  );

  router.post(
    '/documents/:documentNumber/amendments',
    handle(async (req, res) => {
      const number = parse(documentNumberSchema, req.params.documentNumber, 'document number');
      const key = parse(idempotencyKeySchema, req.get('Idempotency-Key'), 'Idempotency-Key header');
      const request = parse(amendRequest, req.body, 'amendment');
      if (!isErpPostingKind(request.kind)) {
        throw new HttpProblem('bad-request', 'invalid amendment', [`kind: no posting kind ${request.kind}`]);
      }
      const kind: ErpPostingKind = request.kind;
      const body = documentBody(kind, request.body);
      const entry = await withFault(core, 'amend', req, res, async () => {
        await requireDocument(core, number);
        return core.ledger.amend(
          {
            kind,
            documentNumber: number,
            revision: request.revision,
            idempotencyKey: key,
            externalReference: request.externalReference,
            body,
          },
          correlationIdOf(res),
        );
      });
      if (entry) sendEntry(res, entry);
    }),
  );

  router.post(
    '/documents/:documentNumber/reversal',
    handle(async (req, res) => {
      const number = parse(documentNumberSchema, req.params.documentNumber, 'document number');
      const key = parse(idempotencyKeySchema, req.get('Idempotency-Key'), 'Idempotency-Key header');
      const request = parse(reverseRequest, req.body, 'reversal');
      const entry = await withFault(core, 'reverse', req, res, async () => {
        await requireDocument(core, number);
        return core.ledger.reverse(
          {
            documentNumber: number,
            reason: request.reason,
            idempotencyKey: key,
            externalReference: request.externalReference,
          },
          correlationIdOf(res),
        );
      });
      if (entry) sendEntry(res, entry);
    }),
  );

  router.get(
    '/entries',
    handle(async (req, res) => {
      const { externalReference } = parse(byReferenceQuery, req.query, 'query');
      const page = await withFault(core, 'read', req, res, () =>
        core.reads.entries({ externalReference, limit: 100 }),
      );
      // `created` says what one call did; on a read it is always false.
      if (page) res.json({ items: page.items.map((e) => ({ ...e, created: false })) });
    }),
  );

  router.get(
    '/documents',
    handle(async (req, res) => {
      const { externalReference } = parse(byReferenceQuery, req.query, 'query');
      const items = await withFault(core, 'read', req, res, async () => {
        const document = await core.reads.readDocument(externalReference);
        return document ? [document] : [];
      });
      if (items) res.json({ items });
    }),
  );

  router.get(
    '/purchase-orders/:poNumber',
    handle(async (req, res) => {
      const poNumber = parse(poNumberSchema, req.params.poNumber, 'purchase order number');
      const po = await withFault(core, 'read', req, res, () => core.purchaseOrders.read(poNumber));
      if (po === undefined) return;
      if (po === null) throw new HttpProblem('not-found', `no purchase order ${poNumber}`);
      res.json(po);
    }),
  );

  router.get(
    '/master-data',
    handle(async (req, res) => {
      const query = parse(masterDataQuery, req.query, 'query');
      const data = await withFault(core, 'read', req, res, () =>
        core.reads.readMasterData({ plant: query.plant, materials: query.material }),
      );
      if (data) res.json(data);
    }),
  );

  router.get(
    '/stock/:plant/:material',
    handle(async (req, res) => {
      const { plant, material } = parse(stockParams, req.params, 'path');
      const stock = await withFault(core, 'read', req, res, () => core.reads.readStock(material, plant));
      if (stock === undefined) return;
      if (stock === null) throw new HttpProblem('not-found', `no stock of ${material} in plant ${plant}`);
      res.json(stock);
    }),
  );

  return router;
}

function documentBody(kind: ErpPostingKind, body: unknown) {
  const parsed = parseErpDocumentBody(kind, body);
  if (!parsed.ok) {
    throw new HttpProblem(
      'bad-request',
      `invalid ${kind} body`,
      parsed.problems.map((p) => `body.${p}`),
    );
  }
  return parsed.body;
}

async function requireDocument(core: SimulatorCore, number: string): Promise<void> {
  if (!(await core.reads.documentByNumber(number)))
    throw new HttpProblem('not-found', `no document ${number}`);
}

function correlationIdOf(res: Response): string {
  return String(res.getHeader('X-Correlation-Id'));
}

function sendEntry(res: Response, entry: ErpEntry): void {
  res.status(entry.created ? 201 : 200).json(entry);
}

/**
 * Runs `work` under the fault the rules pick for this operation. Undefined means the fault has
 * answered for it (503) or cut the connection after the work committed; the caller sends nothing.
 */
async function withFault<T>(
  core: SimulatorCore,
  operation: Exclude<SimulatorFaultOperation, '*'>,
  req: Request,
  res: Response,
  work: () => Promise<T>,
): Promise<T | undefined> {
  const fault = await core.faults.decide(operation);
  try {
    return await performWithFault(fault, work);
  } catch (error) {
    if (error instanceof SimulatedDroppedAnswer) {
      req.socket.destroy();
      return undefined;
    }
    if (error instanceof SimulatedUnavailable) {
      throw new HttpProblem('unavailable', `simulated ERP fault: ${error.fault}; nothing was processed`, [], {
        'Retry-After': '1',
      });
    }
    throw error;
  }
}
