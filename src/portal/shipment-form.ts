import { draftBodySchema, type DraftBody, type DraftCarton, type DraftItem } from '../shipping/asn-draft.js';
import type { DraftProblem } from '../shipping/asn-validation.js';

/**
 * The ASN builder's pages without JavaScript: every change is one small form posted with an `op`
 * (header, add-pallet, add-carton, put, item, remove, move) and applied here to the draft body, which
 * is then saved as a whole. Framework-free, so every edit is unit-tested (shipment-form.spec.ts).
 */

export const EDIT_OPS = ['header', 'add-pallet', 'add-carton', 'put', 'item', 'remove', 'move'] as const;
export type EditOp = (typeof EDIT_OPS)[number];

/** The same shipment numbers the partner API accepts (ship-notice-drafts.controller.ts). */
export const SHIPMENT_NUMBER = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,34}$/;

export type EditResult = { readonly body: DraftBody } | { readonly problems: readonly string[] };

type Form = Record<string, unknown>;

const text = (form: Form, name: string): string | undefined => {
  const value = form[name];
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' && first.trim() !== '' ? first.trim() : undefined;
};

/** A list field typed as "a, b c": commas, spaces or new lines between values. */
const list = (value: string | undefined): string[] =>
  value === undefined ? [] : value.split(/[\s,;]+/).filter((v) => v !== '');

/** `<input type="datetime-local">` sends 2026-12-03T14:00; the page says times are UTC. */
export function fromDateTimeInput(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(:\d{2})?$/.exec(value);
  return m ? `${m[1]}T${m[2]}${m[3] ?? ':00'}Z` : value;
}

/** An ISO timestamp as the `datetime-local` input shows it (UTC). */
export function toDateTimeInput(value: string | undefined): string {
  if (value === undefined) return '';
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? '' : date.toISOString().slice(0, 16);
}

/** `L-1, L-2:40` → lots, a quantity after the colon in the item's unit. */
function lotsOf(value: string | undefined, unit: string): DraftItem['lots'] {
  const lots = (value ?? '')
    .split(/[,;\n]+/)
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .map((entry) => {
      const m = /^(.+?)\s*:\s*([0-9.]+)$/.exec(entry);
      return m ? { lot: m[1]!, quantity: { value: m[2]!, unit } } : { lot: entry };
    });
  return lots.length > 0 ? lots : undefined;
}

/** Lots as the item's input shows them again. */
export function lotsText(item: DraftItem): string {
  return (item.lots ?? []).map((l) => (l.quantity ? `${l.lot}:${l.quantity.value}` : l.lot)).join(', ');
}

/** A line as a `<select>` value: PO number and line number, each percent-encoded. */
export const lineKey = (poNumber: string, lineNumber: string) =>
  `${encodeURIComponent(poNumber)}/${encodeURIComponent(lineNumber)}`;

interface Located {
  readonly palletIndex?: number;
  /** The carton's list: a pallet's cartons or the loose ones. */
  readonly cartons?: DraftCarton[];
  readonly cartonIndex?: number;
  readonly itemIndex?: number;
}

const PATH = /^(?:pallets\.(\d{1,4})(?:\.cartons\.(\d{1,4}))?|cartons\.(\d{1,4}))(?:\.items\.(\d{1,4}))?$/;

/** Finds the pallet, carton or item a path names in the body (undefined: no such thing). */
function locate(body: DraftBody, path: string | undefined): Located | undefined {
  const m = path === undefined ? null : PATH.exec(path);
  if (!m) return undefined;
  const [, pallet, palletCarton, looseCarton, item] = m;
  if (pallet !== undefined) {
    const p = body.pallets[Number(pallet)];
    if (!p) return undefined;
    if (palletCarton === undefined) return item === undefined ? { palletIndex: Number(pallet) } : undefined;
    const carton = p.cartons[Number(palletCarton)];
    if (!carton) return undefined;
    if (item !== undefined && !carton.items[Number(item)]) return undefined;
    return {
      palletIndex: Number(pallet),
      cartons: p.cartons,
      cartonIndex: Number(palletCarton),
      itemIndex: item === undefined ? undefined : Number(item),
    };
  }
  const carton = body.cartons[Number(looseCarton)];
  if (!carton) return undefined;
  if (item !== undefined && !carton.items[Number(item)]) return undefined;
  return {
    cartons: body.cartons,
    cartonIndex: Number(looseCarton),
    itemIndex: item === undefined ? undefined : Number(item),
  };
}

/** The pallet a "where" select names: `pallets.N`, or '' for loose cartons (null: no such pallet). */
function targetCartons(body: DraftBody, where: string | undefined): DraftCarton[] | null {
  if (where === undefined || where === 'loose') return body.cartons;
  const m = /^pallets\.(\d{1,4})$/.exec(where);
  return (m && body.pallets[Number(m[1])]?.cartons) ?? null;
}

/**
 * Applies one form to a copy of the draft body. Returns the new body (checked against the draft
 * schema, as the service will) or what is wrong with the form, in words for the page.
 */
export function applyEdit(
  current: DraftBody,
  form: Form,
  /** The unit of an order line, for a quantity typed without one. */
  unitOf: (poNumber: string, lineNumber: string) => string | undefined = () => undefined,
): EditResult {
  const body = structuredClone(current);
  const op = text(form, 'op');
  const missing = (what: string): EditResult => ({
    problems: [`${what} is no longer in the notice; reload the page.`],
  });
  switch (op) {
    case 'header': {
      const scac = text(form, 'carrierScac')?.toUpperCase();
      const name = text(form, 'carrierName');
      const mode = text(form, 'carrierMode');
      const tracking = list(text(form, 'trackingNumbers'));
      const next: DraftBody = {
        ...body,
        shippedAt: fromDateTimeInput(text(form, 'shippedAt')),
        expectedDeliveryAt: fromDateTimeInput(text(form, 'expectedDeliveryAt')),
        shipFrom: text(form, 'shipFrom'),
        shipTo: text(form, 'shipTo'),
        billOfLading: text(form, 'billOfLading'),
        carrier:
          scac || name || mode
            ? { scac, name, mode: mode as NonNullable<DraftBody['carrier']>['mode'] }
            : undefined,
        trackingNumbers: tracking.length > 0 ? tracking : undefined,
      };
      return checked(next);
    }
    case 'add-pallet':
      body.pallets.push({ cartons: [] });
      return checked(body);
    case 'add-carton': {
      const cartons = targetCartons(body, text(form, 'into'));
      if (!cartons) return missing('That pallet');
      cartons.push({ items: [] });
      return checked(body);
    }
    case 'put': {
      const at = locate(body, text(form, 'carton'));
      if (!at?.cartons || at.itemIndex !== undefined) return missing('That carton');
      const [po, line] = (text(form, 'line') ?? '').split('/').map((s) => safeDecode(s));
      const quantity = text(form, 'quantity');
      const unit = text(form, 'unit')?.toUpperCase() ?? (po && line ? unitOf(po, line) : undefined);
      if (!po || !line) return { problems: ['Choose the order line to pack.'] };
      if (!quantity || !unit) return { problems: ['Say how many (and in which unit) go into the carton.'] };
      const serialNumbers = list(text(form, 'serialNumbers'));
      at.cartons[at.cartonIndex!]!.items.push({
        poNumber: po,
        lineNumber: line,
        quantity: { value: quantity, unit },
        lots: lotsOf(text(form, 'lots'), unit),
        serialNumbers: serialNumbers.length > 0 ? serialNumbers : undefined,
      });
      return checked(body);
    }
    case 'item': {
      const at = locate(body, text(form, 'path'));
      if (at?.itemIndex === undefined) return missing('That item');
      const item = at.cartons![at.cartonIndex!]!.items[at.itemIndex]!;
      const quantity = text(form, 'quantity');
      if (!quantity) return { problems: ['Say how many go into the carton (remove the item to ship none).'] };
      const unit = text(form, 'unit')?.toUpperCase() ?? item.quantity.unit;
      const serialNumbers = list(text(form, 'serialNumbers'));
      at.cartons![at.cartonIndex!]!.items[at.itemIndex] = {
        ...item,
        quantity: { value: quantity, unit },
        lots: lotsOf(text(form, 'lots'), unit),
        serialNumbers: serialNumbers.length > 0 ? serialNumbers : undefined,
      };
      return checked(body);
    }
    case 'remove': {
      const at = locate(body, text(form, 'path'));
      if (!at) return missing('That pallet, carton or item');
      if (at.itemIndex !== undefined) at.cartons![at.cartonIndex!]!.items.splice(at.itemIndex, 1);
      else if (at.cartons) at.cartons.splice(at.cartonIndex!, 1);
      else {
        // A pallet taken away leaves its cartons (and their SSCCs) in the shipment, loose.
        const [pallet] = body.pallets.splice(at.palletIndex!, 1);
        body.cartons.push(...pallet!.cartons);
      }
      return checked(body);
    }
    case 'move': {
      const at = locate(body, text(form, 'carton'));
      if (!at?.cartons || at.itemIndex !== undefined) return missing('That carton');
      const carton = at.cartons[at.cartonIndex!]!;
      const target = targetCartons(body, text(form, 'to'));
      if (!target) return missing('That pallet');
      if (target === at.cartons) return checked(body);
      at.cartons.splice(at.cartonIndex!, 1);
      target.push(carton);
      return checked(body);
    }
    default:
      return { problems: ['The form is incomplete; reload the page.'] };
  }
}

function safeDecode(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
}

/** Drops what a form left empty, then holds the body to the draft schema the service saves. */
function checked(body: DraftBody): EditResult {
  const result = draftBodySchema.safeParse(JSON.parse(JSON.stringify(body)));
  if (result.success) return { body: result.data };
  return {
    problems: result.error.issues.map((issue) => `${describePath(issue.path.join('.'))}: ${issue.message}`),
  };
}

/** A body path as a person reads it: `pallets.0.cartons.1.items.0.quantity.value` → "pallet 1, carton 2, item 1, quantity". */
export function describePath(path: string): string {
  if (path === '') return 'The shipment';
  const words: string[] = [];
  const parts = path.split('.');
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    const index = parts[i + 1];
    if (
      ['pallets', 'cartons', 'items', 'lots'].includes(part) &&
      index !== undefined &&
      /^\d+$/.test(index)
    ) {
      const noun = part === 'cartons' && i === 0 ? 'loose carton' : part.slice(0, -1);
      words.push(`${noun} ${Number(index) + 1}`);
      i++;
    } else if (part !== 'value') words.push(HEADER_NAMES[part] ?? part);
  }
  return words.join(', ').replace(/^./, (c) => c.toUpperCase());
}

const HEADER_NAMES: Record<string, string> = {
  shippedAt: 'ship date',
  expectedDeliveryAt: 'expected delivery',
  shipFrom: 'ship from',
  shipTo: 'ship to',
  billOfLading: 'bill of lading',
  trackingNumbers: 'tracking number',
  scac: 'SCAC',
  poNumber: 'purchase order',
  lineNumber: 'line',
  serialNumbers: 'serial number',
};

/**
 * Puts each validation problem next to the thing it is about: the deepest anchor (a header field,
 * pallet, carton or item path) its path starts with; problems about the whole shipment under ''.
 */
export function problemsByAnchor(
  problems: readonly DraftProblem[],
  anchors: readonly string[],
): Map<string, DraftProblem[]> {
  const byLength = [...anchors].sort((a, b) => b.length - a.length);
  const result = new Map<string, DraftProblem[]>();
  for (const problem of problems) {
    const anchor =
      byLength.find((a) => a !== '' && (problem.path === a || problem.path.startsWith(`${a}.`))) ?? '';
    result.set(anchor, [...(result.get(anchor) ?? []), problem]);
  }
  return result;
}

/** An HTML id for a body path (`pallets.0.cartons.1` → `pack-pallets-0-cartons-1`). */
export const anchorId = (path: string) => (path === '' ? 'shipment' : `pack-${path.replaceAll('.', '-')}`);
