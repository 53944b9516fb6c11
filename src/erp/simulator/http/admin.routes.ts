import { Router } from 'express';
import { isRowId } from '../../../platform/database/sql.js';
import { HttpProblem, parseInput as parse } from './problem.js';
import {
  buyerChange,
  documentNumber,
  documentsQuery,
  entriesQuery,
  faultParams,
  faultRule,
  newPurchaseOrder,
  outputsQuery,
  settingsUpdate,
} from './request-schemas.js';
import type { Handle, SimulatorCore } from './simulator-http-types.js';

/**
 * Simulator-only administration under /simulator, for tests and demos (not part of the contract):
 * faults, settings, the ledger as an ERP user would browse it, duplicate effects, and the buyer's
 * side of purchase orders with the ERP's output queue. Faults never apply here.
 */
export function adminRoutes(core: SimulatorCore, handle: Handle): Router {
  const router = Router();

  router.get(
    '/faults',
    handle(async (_req, res) => {
      res.json({ items: await core.faults.list() });
    }),
  );

  router.put(
    '/faults/:operation/:mode',
    handle(async (req, res) => {
      const { operation, mode } = parse(faultParams, req.params, 'path');
      const rule = parse(faultRule, req.body, 'fault rule');
      const until = rule.forMs ? new Date(Date.now() + rule.forMs) : rule.until ? new Date(rule.until) : null;
      await core.faults.set({
        operation,
        mode,
        rate: rule.rate,
        delayMs: rule.delayMs,
        until,
        remaining: rule.remaining ?? null,
      });
      res.json({ items: await core.faults.list() });
    }),
  );

  router.delete(
    '/faults',
    handle(async (_req, res) => {
      await core.faults.clear();
      res.status(204).end();
    }),
  );

  router.get(
    '/settings',
    handle(async (_req, res) => {
      res.json(await core.faults.settings());
    }),
  );

  router.put(
    '/settings',
    handle(async (req, res) => {
      res.json(await core.faults.setSettings(parse(settingsUpdate, req.body, 'settings')));
    }),
  );

  router.get(
    '/duplicates',
    handle(async (_req, res) => {
      res.json({ items: await core.reads.duplicateEffects() });
    }),
  );

  router.get(
    '/entries',
    handle(async (req, res) => {
      res.json(await core.reads.entries(parse(entriesQuery, req.query, 'query')));
    }),
  );

  router.get(
    '/documents',
    handle(async (req, res) => {
      res.json(await core.reads.documents(parse(documentsQuery, req.query, 'query')));
    }),
  );

  router.get(
    '/documents/:documentNumber',
    handle(async (req, res) => {
      const number = parse(documentNumber, req.params.documentNumber, 'document number');
      const document = await core.reads.documentByNumber(number);
      if (!document) throw new HttpProblem('not-found', `no document ${number}`);
      res.json(document);
    }),
  );

  router.post(
    '/purchase-orders',
    handle(async (req, res) => {
      const order = parse(newPurchaseOrder, req.body, 'purchase order');
      const po = await core.purchaseOrders.issue({
        ...order,
        orderDate: order.orderDate ?? new Date().toISOString().slice(0, 10),
      });
      res.status(201).json(po);
    }),
  );

  router.post(
    '/purchase-orders/:poNumber/changes',
    handle(async (req, res) => {
      const poNumber = req.params.poNumber as string;
      const change = parse(buyerChange, req.body, 'change');
      if (!(await core.purchaseOrders.read(poNumber))) {
        throw new HttpProblem('not-found', `no purchase order ${poNumber}`);
      }
      res.json(await core.purchaseOrders.change(poNumber, change));
    }),
  );

  router.get(
    '/outputs',
    handle(async (req, res) => {
      const query = parse(outputsQuery, req.query, 'query');
      const items = await core.purchaseOrders.outputs({
        undeliveredOnly: query.undelivered === 'true',
        limit: query.limit,
      });
      res.json({ items });
    }),
  );

  router.post(
    '/outputs/:id/delivered',
    handle(async (req, res) => {
      const id = req.params.id as string;
      if (!isRowId(id) || !(await core.purchaseOrders.markDelivered(id))) {
        throw new HttpProblem('not-found', `no undelivered output ${id}`);
      }
      res.status(204).end();
    }),
  );

  return router;
}
