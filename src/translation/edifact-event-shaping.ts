import { normalizeEvent } from './x12-event-shaping.js';

type Json = Record<string, any>;

/**
 * The rules that turn an EDIFACT map's reading into the catalogue's event, beyond the ones every
 * standard shares (x12-event-shaping.ts: cancellations, changed lines, answer statuses):
 *
 * - An ORDRSP that names the change revision it answers (RFF+PP, 1 and up) answers our ORDCHG:
 *   `purchase-order.change-answered`; one without (or with RFF+PP:0) answers the order itself:
 *   `purchase-order.acknowledged`.
 * - What an answer line restates (QTY, DTM, PRI) is listed once in `changes`.
 * - A DESADV packing level without lines of its own (EANCOM's consignment level, CPS+1 above the
 *   pallets) is no pack: only levels that carry items are.
 */
export function shapeEdifactEvent(event: Json): Json {
  const answered = event.payload?.purchaseOrder?.revision;
  if (event.type === 'purchase-order.acknowledged' && answered !== undefined && answered !== '0')
    event.type = 'purchase-order.change-answered';
  if (event.type === 'purchase-order.acknowledged' || event.type === 'purchase-order.change-answered')
    for (const line of (event.payload?.lines ?? []) as Json[])
      if (Array.isArray(line.changes)) {
        line.changes = [...new Set(line.changes)];
        if (line.changes.length === 0) delete line.changes;
      }
  if (event.type === 'ship-notice.received')
    for (const order of (event.payload?.orders ?? []) as Json[])
      if (Array.isArray(order.packs) && order.packs.some((p: Json) => (p.items ?? []).length > 0))
        order.packs = order.packs.filter((p: Json) => (p.items ?? []).length > 0);
  return normalizeEvent(event);
}
