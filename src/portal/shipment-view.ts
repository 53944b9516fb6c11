import { add, decimal, type DecimalString } from '../canonical/decimal.js';
import type { PurchaseOrderLine } from '../procurement/purchase-order.types.js';
import type { DraftBody, DraftCarton, ShipNoticeDraft } from '../shipping/asn-draft.js';
import type { DraftProblem } from '../shipping/asn-validation.js';
import { humanReadableSscc } from '../shipping/sscc.js';
import { trimDecimal } from './portal-orders.repository.js';
import type { OpenOrder } from './portal-shipments.repository.js';
import { anchorId, lineKey, lotsText, problemsByAnchor, toDateTimeInput } from './shipment-form.js';

/** Where a notice stands, as the list and its page say it. */
export function statusLabel(draft: ShipNoticeDraft): { key: string; label: string } {
  if (draft.status === 'draft') return { key: 'draft', label: 'draft' };
  if (draft.status === 'cancelled') return { key: 'cancelled', label: 'cancelled' };
  if (draft.revision !== null && draft.revision > 0)
    return { key: 'replaced', label: `replaced (revision ${draft.revision})` };
  return { key: 'submitted', label: 'submitted' };
}

/** A submitted notice changed since (a replacement being prepared, not sent yet). */
export function hasUnsentChanges(draft: ShipNoticeDraft): boolean {
  return draft.status === 'submitted' && draft.submittedAt !== null && draft.updatedAt > draft.submittedAt;
}

/** One row of the notices list. */
export function listRow(draft: ShipNoticeDraft) {
  const body = draft.body;
  const cartons = body.pallets.reduce((n, p) => n + p.cartons.length, body.cartons.length);
  const pos = new Set(
    [...body.pallets.flatMap((p) => p.cartons), ...body.cartons].flatMap((c) =>
      c.items.map((i) => i.poNumber),
    ),
  );
  return {
    id: draft.id,
    href: `/portal/shipments/${draft.id}`,
    shipmentNumber: draft.shipmentNumber,
    status: statusLabel(draft),
    unsent: hasUnsentChanges(draft),
    purchaseOrders: [...pos].join(', ') || '—',
    shippedAt: body.shippedAt ?? null,
    carrier: [body.carrier?.name, body.carrier?.scac].filter(Boolean).join(' · ') || '—',
    pallets: body.pallets.length,
    cartons,
    updatedAt: draft.updatedAt,
  };
}

export interface EditorInput {
  readonly draft: ShipNoticeDraft;
  /** Validation problems to show (empty when not checked). */
  readonly problems: readonly DraftProblem[];
  /** The lines of the orders the notice ships, by PO number. */
  readonly orders: ReadonlyMap<string, { lines: readonly PurchaseOrderLine[] }>;
  /** The partner's other open orders (their lines can be added). */
  readonly openOrders: readonly OpenOrder[];
  /** Length of the partner's GS1 Company Prefix, to print SSCCs as GS1 does. */
  readonly prefixLength: number;
}

const HEADER_FIELDS = [
  'shippedAt',
  'expectedDeliveryAt',
  'shipFrom',
  'shipTo',
  'carrier',
  'trackingNumbers',
  'billOfLading',
];

/**
 * Everything the draft editor and the notice page show: the header as the form's values, the pack
 * hierarchy with each pallet's and carton's SSCC, every item with its form values, the lines of the
 * orders with what this notice packs of them, the choices for the small forms, and each validation
 * problem next to the thing it is about.
 */
export function editorView(input: EditorInput) {
  const { draft, problems } = input;
  const body: DraftBody = draft.body;
  const anchors = [''];
  const palletPaths = body.pallets.map((_, p) => `pallets.${p}`);
  const cartonPaths = [
    ...body.pallets.flatMap((pallet, p) => pallet.cartons.map((_, c) => `pallets.${p}.cartons.${c}`)),
    ...body.cartons.map((_, c) => `cartons.${c}`),
  ];
  anchors.push(...HEADER_FIELDS, ...palletPaths, ...cartonPaths);
  for (const path of cartonPaths) {
    const carton = cartonAt(body, path);
    anchors.push(...carton.items.map((_, i) => `${path}.items.${i}`));
  }
  const placed = problemsByAnchor(problems, anchors);
  const at = (path: string) => (placed.get(path) ?? []).map((p) => p.message);
  const sscc = (value: string | undefined) =>
    value === undefined
      ? { digits: null, text: 'no SSCC yet' }
      : { digits: value, text: humanReadableSscc(value, input.prefixLength) };
  const lineOf = (poNumber: string, lineNumber: string) =>
    input.orders.get(poNumber)?.lines.find((l) => l.lineNumber === lineNumber);

  const cartonView = (carton: DraftCarton, path: string, label: string) => ({
    path,
    id: anchorId(path),
    label,
    /** Where it sits now, as the "Move to" choices name it. */
    location: path.startsWith('pallets.') ? path.split('.').slice(0, 2).join('.') : 'loose',
    sscc: sscc(carton.sscc),
    problems: at(path),
    items: carton.items.map((item, i) => {
      const itemPath = `${path}.items.${i}`;
      return {
        path: itemPath,
        id: anchorId(itemPath),
        poNumber: item.poNumber,
        lineNumber: item.lineNumber,
        material: lineOf(item.poNumber, item.lineNumber)?.material ?? '',
        quantity: item.quantity.value,
        unit: item.quantity.unit,
        lots: lotsText(item),
        serialNumbers: (item.serialNumbers ?? []).join(', '),
        problems: at(itemPath),
      };
    }),
  });
  const pallets = body.pallets.map((pallet, p) => ({
    path: `pallets.${p}`,
    id: anchorId(`pallets.${p}`),
    label: `Pallet ${p + 1}`,
    sscc: sscc(pallet.sscc),
    problems: at(`pallets.${p}`),
    cartons: pallet.cartons.map((carton, c) =>
      cartonView(carton, `pallets.${p}.cartons.${c}`, `Carton ${c + 1} on pallet ${p + 1}`),
    ),
  }));
  const loose = body.cartons.map((carton, c) => cartonView(carton, `cartons.${c}`, `Loose carton ${c + 1}`));
  const allCartons = [...pallets.flatMap((p) => p.cartons), ...loose];

  // The lines of the notice's orders, with what this notice packs of each, then other open lines.
  // Summed in the line's unit; an item in another unit is left to validation (which converts it).
  const packed = new Map<string, DecimalString>();
  for (const carton of [...body.pallets.flatMap((p) => p.cartons), ...body.cartons])
    for (const item of carton.items) {
      const key = lineKey(item.poNumber, item.lineNumber);
      const line = lineOf(item.poNumber, item.lineNumber);
      if (line && item.quantity.unit !== line.unit) continue;
      packed.set(key, add(packed.get(key) ?? decimal('0'), decimal(item.quantity.value)));
    }
  const lines = [...input.orders].flatMap(([poNumber, { lines }]) =>
    lines
      .filter((l) => !l.cancelled)
      .map((l) => ({
        key: lineKey(poNumber, l.lineNumber),
        poNumber,
        lineNumber: l.lineNumber,
        material: l.material,
        unit: l.unit,
        quantity: trimDecimal(l.confirmedQuantity ?? l.quantity),
        confirmed: l.confirmedQuantity !== null,
        shipped: trimDecimal(l.shippedQuantity),
        packed: trimDecimal(packed.get(lineKey(poNumber, l.lineNumber)) ?? '0'),
      })),
  );
  const known = new Set(lines.map((l) => l.key));
  const lineOptions = [
    ...lines.map((l) => ({
      value: l.key,
      label: `${l.poNumber} / ${l.lineNumber} · ${l.material} · ${l.quantity} ${l.unit}`,
    })),
    ...input.openOrders.flatMap((o) =>
      o.lines
        .filter((l) => !known.has(lineKey(l.poNumber, l.lineNumber)))
        .map((l) => ({
          value: lineKey(l.poNumber, l.lineNumber),
          label: `${l.poNumber} / ${l.lineNumber} · ${l.material} · ${l.open} ${l.unit} open`,
        })),
    ),
  ];

  const carrier = body.carrier ?? {};
  return {
    header: {
      shippedAt: toDateTimeInput(body.shippedAt),
      expectedDeliveryAt: toDateTimeInput(body.expectedDeliveryAt),
      shipFrom: body.shipFrom ?? '',
      shipTo: body.shipTo ?? '',
      carrierScac: carrier.scac ?? '',
      carrierName: carrier.name ?? '',
      carrierMode: carrier.mode ?? '',
      trackingNumbers: (body.trackingNumbers ?? []).join(', '),
      billOfLading: body.billOfLading ?? '',
      problems: Object.fromEntries(HEADER_FIELDS.map((f) => [f, at(f)])),
    },
    shipmentProblems: at(''),
    problemCount: problems.length,
    problemList: problems.map((p) => ({
      message: p.message,
      href: `#${anchorId(bestAnchor(p.path, anchors))}`,
    })),
    pallets,
    loose,
    cartonCount: allCartons.length,
    palletOptions: pallets.map((p) => ({ value: p.path, label: p.label })),
    cartonOptions: allCartons.map((c) => ({ value: c.path, label: c.label })),
    lines,
    lineOptions,
  };
}

function cartonAt(body: DraftBody, path: string): DraftCarton {
  const parts = path.split('.');
  return parts[0] === 'pallets'
    ? body.pallets[Number(parts[1])]!.cartons[Number(parts[3])]!
    : body.cartons[Number(parts[1])]!;
}

function bestAnchor(path: string, anchors: readonly string[]): string {
  return (
    [...anchors]
      .sort((a, b) => b.length - a.length)
      .find((a) => a !== '' && (path === a || path.startsWith(`${a}.`))) ?? ''
  );
}
