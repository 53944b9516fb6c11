import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import bwipjs from 'bwip-js';
import Handlebars from 'handlebars';
import type { PartnerProfile } from '../partners/partner-profile.schema.js';
import { cartonsOf, type ShipNoticeDraft } from './asn-draft.js';
import { humanReadableSscc, isValidSscc } from './sscc.js';

/** The built-in label sheet: one 4×6 in label per pallet and carton (portal/labels/carton-label.hbs). */
export const DEFAULT_LABEL_TEMPLATE = join(process.cwd(), 'portal', 'labels', 'carton-label.hbs');

/** Label templates, read and compiled once per file (partner profiles change only with a restart). */
const templates = new Map<string, HandlebarsTemplateDelegate>();
function templateAt(path: string): HandlebarsTemplateDelegate {
  let template = templates.get(path);
  if (!template) templates.set(path, (template = Handlebars.compile(readFileSync(path, 'utf8'))));
  return template;
}

export class LabelError extends Error {
  readonly httpStatus = 409;
  readonly problemCode = 'labels-not-ready';
  constructor(message: string) {
    super(message);
    this.name = 'LabelError';
  }
}

/** The GS1-128 symbol of an SSCC, `(00)` + 18 digits, as SVG (bwip-js checks the check digit too). */
export function ssccBarcodeSvg(sscc: string): string {
  if (!isValidSscc(sscc)) throw new LabelError(`SSCC ${sscc} is not valid`);
  return bwipjs.toSVG({
    bcid: 'gs1-128',
    text: `(00)${sscc}`,
    scale: 3,
    height: 22,
    // The quiet zones a scanner needs, inside the picture.
    paddingwidth: 12,
    paddingheight: 4,
    backgroundcolor: 'FFFFFF',
  });
}

/**
 * The printable label sheet of a ship notice draft: for every pallet and carton, ship-from and
 * ship-to, carrier, shipment, purchase orders and contents, and the SSCC as a GS1-128 `(00)` barcode
 * with its human-readable line. The template is the partner's (`shipping.labelTemplate`) or the
 * built-in one; values from the draft are escaped by handlebars, only the barcode SVG (made here from
 * the 18 validated digits) is inserted as markup.
 */
export function labelSheet(draft: ShipNoticeDraft, partner: PartnerProfile, shipTo: string): string {
  const prefixLength = partner.shipping?.gs1CompanyPrefix.length ?? 7;
  const body = draft.body;
  const label = (kind: 'pallet' | 'carton', sscc: string | undefined, pos: string[], contents: string) => {
    if (sscc === undefined)
      throw new LabelError(`a ${kind} of shipment ${draft.shipmentNumber} has no SSCC yet`);
    return {
      kindName: kind === 'pallet' ? 'Pallet' : 'Carton',
      sscc,
      humanReadable: humanReadableSscc(sscc, prefixLength),
      purchaseOrders: [...new Set(pos)].join(', '),
      contents,
      barcodeSvg: ssccBarcodeSvg(sscc),
    };
  };
  const itemsText = (
    items: { lineNumber: string; poNumber: string; quantity: { value: string; unit: string } }[],
  ) => items.map((i) => `${i.poNumber}/${i.lineNumber}: ${i.quantity.value} ${i.quantity.unit}`).join('; ');
  const labels = [
    ...body.pallets.map((pallet) =>
      label(
        'pallet',
        pallet.sscc,
        pallet.cartons.flatMap((c) => c.items.map((i) => i.poNumber)),
        `${pallet.cartons.length} carton${pallet.cartons.length === 1 ? '' : 's'}`,
      ),
    ),
    ...cartonsOf(body).map(({ carton }) =>
      label(
        'carton',
        carton.sscc,
        carton.items.map((i) => i.poNumber),
        itemsText(carton.items),
      ),
    ),
  ];
  const carrier = [body.carrier?.name, body.carrier?.scac, body.trackingNumbers?.join(', ')]
    .filter(Boolean)
    .join(' · ');
  return templateAt(partner.shipping?.labelTemplate ?? DEFAULT_LABEL_TEMPLATE)({
    shipment: {
      number: draft.shipmentNumber,
      from: body.shipFrom ?? partner.name,
      to: body.shipTo ?? shipTo,
      carrier: carrier || '—',
    },
    labels,
  });
}
