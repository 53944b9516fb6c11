import type { ShipNoticeDraft } from './asn-draft.js';

/**
 * The OpenAPI examples of the ASN builder: a draft body, the draft, and the label sheet the gateway
 * prints for it (`ship-notice-draft.examples.spec.ts` renders it again and compares, and checks the
 * SSCCs' check digits).
 */

const BODY_EXAMPLE = {
  shippedAt: '2026-12-03T14:00:00Z',
  carrier: { scac: 'ABCD', name: 'Road Freight AB', mode: 'road' },
  trackingNumbers: ['1Z999AA10123456784'],
  pallets: [
    {
      cartons: [
        { items: [{ poNumber: '4500000001', lineNumber: '10', quantity: { value: '2400', unit: 'H87' } }] },
        { items: [{ poNumber: '4500000002', lineNumber: '10', quantity: { value: '70', unit: 'H87' } }] },
      ],
    },
  ],
  cartons: [
    {
      items: [
        {
          poNumber: '4500000001',
          lineNumber: '10',
          quantity: { value: '2400', unit: 'H87' },
          lots: [{ lot: 'L-2026-48' }],
        },
      ],
    },
  ],
};
export const DRAFT_EXAMPLE: ShipNoticeDraft = {
  id: '31',
  partnerId: 'acme-fasteners',
  shipmentNumber: 'ASN-20261127-31',
  status: 'draft',
  revision: null,
  body: {
    ...BODY_EXAMPLE,
    carrier: { scac: 'ABCD', name: 'Road Freight AB', mode: 'road' },
    pallets: [
      {
        sscc: '106141410000000019',
        cartons: [
          {
            sscc: '106141410000000026',
            items: [{ poNumber: '4500000001', lineNumber: '10', quantity: { value: '2400', unit: 'H87' } }],
          },
          {
            sscc: '106141410000000033',
            items: [{ poNumber: '4500000002', lineNumber: '10', quantity: { value: '70', unit: 'H87' } }],
          },
        ],
      },
    ],
    cartons: [
      {
        sscc: '106141410000000040',
        items: [
          {
            poNumber: '4500000001',
            lineNumber: '10',
            quantity: { value: '2400', unit: 'H87' },
            lots: [{ lot: 'L-2026-48' }],
          },
        ],
      },
    ],
  },
  interchangeId: null,
  createdBy: 'user:12',
  createdAt: '2026-11-27T09:00:00.000000Z',
  updatedAt: '2026-11-27T09:04:00.000000Z',
  submittedAt: null,
};

/** Where the example orders ship to (the order's N1*ST / NAD+ST). */
export const LABEL_SHEET_EXAMPLE_SHIP_TO = 'MFGCO DETROIT DOCK 2';

/** One 4×6 in label per pallet and carton: the built-in template (portal/labels/carton-label.hbs). */
export const LABEL_SHEET_EXAMPLE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Labels for shipment ASN-20261127-31</title>
<style>
  @page { size: 4in 6in; margin: 0; }
  body { font-family: Arial, Helvetica, sans-serif; margin: 0; color: #000; background: #fff; }
  .label { box-sizing: border-box; width: 4in; height: 6in; padding: 0.15in; border: 1px solid #000;
           page-break-after: always; break-after: page; display: flex; flex-direction: column; gap: 0.08in; }
  .row { display: flex; gap: 0.1in; border-bottom: 1px solid #000; padding-bottom: 0.06in; }
  .row > div { flex: 1; }
  h2 { font-size: 9pt; margin: 0 0 2px; text-transform: uppercase; }
  p { font-size: 11pt; margin: 0; }
  .big { font-size: 16pt; font-weight: bold; }
  .barcode { margin-top: auto; text-align: center; }
  .barcode svg { width: 3.6in; height: auto; }
  .hri { font-size: 12pt; font-weight: bold; letter-spacing: 1px; }
  @media screen { body { background: #eee; } .label { background: #fff; margin: 0.2in auto; } }
</style>
</head>
<body>
<section class="label" data-sscc="106141410000000019" aria-label="Pallet label (00) 1 0614141 000000001 9">
  <div class="row">
    <div><h2>Ship from</h2><p>Acme Fasteners Inc.</p></div>
    <div><h2>Ship to</h2><p class="big">MFGCO DETROIT DOCK 2</p></div>
  </div>
  <div class="row">
    <div><h2>Carrier</h2><p>Road Freight AB · ABCD · 1Z999AA10123456784</p></div>
    <div><h2>Shipment</h2><p>ASN-20261127-31</p></div>
  </div>
  <div class="row">
    <div><h2>Purchase order</h2><p class="big">4500000001, 4500000002</p></div>
    <div><h2>Pallet</h2><p>2 cartons</p></div>
  </div>
  <div class="barcode">
    <h2>SSCC</h2>
    <svg viewBox="0 0 540 212" xmlns="http://www.w3.org/2000/svg">
<rect width="100%" height="100%" fill="#FFFFFF" />
<path stroke="#000000" stroke-width="6" d="M39 200L39 12M105 200L105 12M114 200L114 12M126 200L126 12M138 200L138 12M171 200L171 12M204 200L204 12M237 200L237 12M270 200L270 12M279 200L279 12M291 200L291 12M303 200L303 12M312 200L312 12M324 200L324 12M336 200L336 12M345 200L345 12M357 200L357 12M369 200L369 12M378 200L378 12M390 200L390 12M402 200L402 12M447 200L447 12M468 200L468 12M501 200L501 12" />
<path stroke="#000000" stroke-width="3" d="M46.50 200L46.50 12M85.50 200L85.50 12M148.50 200L148.50 12M160.50 200L160.50 12M181.50 200L181.50 12M196.50 200L196.50 12M217.50 200L217.50 12M229.50 200L229.50 12M250.50 200L250.50 12M262.50 200L262.50 12M412.50 200L412.50 12M433.50 200L433.50 12M457.50 200L457.50 12M493.50 200L493.50 12" />
<path stroke="#000000" stroke-width="9" d="M58.50 200L58.50 12M94.50 200L94.50 12M421.50 200L421.50 12M484.50 200L484.50 12" />
<path stroke="#000000" stroke-width="12" d="M75 200L75 12" />
</svg>

    <p class="hri">(00) 1 0614141 000000001 9</p>
  </div>
</section>
<section class="label" data-sscc="106141410000000026" aria-label="Carton label (00) 1 0614141 000000002 6">
  <div class="row">
    <div><h2>Ship from</h2><p>Acme Fasteners Inc.</p></div>
    <div><h2>Ship to</h2><p class="big">MFGCO DETROIT DOCK 2</p></div>
  </div>
  <div class="row">
    <div><h2>Carrier</h2><p>Road Freight AB · ABCD · 1Z999AA10123456784</p></div>
    <div><h2>Shipment</h2><p>ASN-20261127-31</p></div>
  </div>
  <div class="row">
    <div><h2>Purchase order</h2><p class="big">4500000001</p></div>
    <div><h2>Carton</h2><p>4500000001/10: 2400 H87</p></div>
  </div>
  <div class="barcode">
    <h2>SSCC</h2>
    <svg viewBox="0 0 540 212" xmlns="http://www.w3.org/2000/svg">
<rect width="100%" height="100%" fill="#FFFFFF" />
<path stroke="#000000" stroke-width="6" d="M39 200L39 12M105 200L105 12M114 200L114 12M126 200L126 12M138 200L138 12M171 200L171 12M204 200L204 12M237 200L237 12M270 200L270 12M279 200L279 12M291 200L291 12M303 200L303 12M312 200L312 12M324 200L324 12M336 200L336 12M345 200L345 12M357 200L357 12M369 200L369 12M378 200L378 12M390 200L390 12M426 200L426 12M468 200L468 12M501 200L501 12" />
<path stroke="#000000" stroke-width="3" d="M46.50 200L46.50 12M85.50 200L85.50 12M148.50 200L148.50 12M160.50 200L160.50 12M181.50 200L181.50 12M196.50 200L196.50 12M217.50 200L217.50 12M229.50 200L229.50 12M250.50 200L250.50 12M262.50 200L262.50 12M415.50 200L415.50 12M433.50 200L433.50 12M460.50 200L460.50 12M493.50 200L493.50 12" />
<path stroke="#000000" stroke-width="9" d="M58.50 200L58.50 12M94.50 200L94.50 12M403.50 200L403.50 12M484.50 200L484.50 12" />
<path stroke="#000000" stroke-width="12" d="M75 200L75 12M447 200L447 12" />
</svg>

    <p class="hri">(00) 1 0614141 000000002 6</p>
  </div>
</section>
<section class="label" data-sscc="106141410000000033" aria-label="Carton label (00) 1 0614141 000000003 3">
  <div class="row">
    <div><h2>Ship from</h2><p>Acme Fasteners Inc.</p></div>
    <div><h2>Ship to</h2><p class="big">MFGCO DETROIT DOCK 2</p></div>
  </div>
  <div class="row">
    <div><h2>Carrier</h2><p>Road Freight AB · ABCD · 1Z999AA10123456784</p></div>
    <div><h2>Shipment</h2><p>ASN-20261127-31</p></div>
  </div>
  <div class="row">
    <div><h2>Purchase order</h2><p class="big">4500000002</p></div>
    <div><h2>Carton</h2><p>4500000002/10: 70 H87</p></div>
  </div>
  <div class="barcode">
    <h2>SSCC</h2>
    <svg viewBox="0 0 540 212" xmlns="http://www.w3.org/2000/svg">
<rect width="100%" height="100%" fill="#FFFFFF" />
<path stroke="#000000" stroke-width="6" d="M39 200L39 12M105 200L105 12M114 200L114 12M126 200L126 12M138 200L138 12M171 200L171 12M204 200L204 12M237 200L237 12M270 200L270 12M279 200L279 12M291 200L291 12M303 200L303 12M312 200L312 12M324 200L324 12M336 200L336 12M345 200L345 12M357 200L357 12M369 200L369 12M378 200L378 12M390 200L390 12M420 200L420 12M453 200L453 12M468 200L468 12M501 200L501 12" />
<path stroke="#000000" stroke-width="3" d="M46.50 200L46.50 12M85.50 200L85.50 12M148.50 200L148.50 12M160.50 200L160.50 12M181.50 200L181.50 12M196.50 200L196.50 12M217.50 200L217.50 12M229.50 200L229.50 12M250.50 200L250.50 12M262.50 200L262.50 12M400.50 200L400.50 12M406.50 200L406.50 12M460.50 200L460.50 12M493.50 200L493.50 12" />
<path stroke="#000000" stroke-width="9" d="M58.50 200L58.50 12M94.50 200L94.50 12M436.50 200L436.50 12M484.50 200L484.50 12" />
<path stroke="#000000" stroke-width="12" d="M75 200L75 12" />
</svg>

    <p class="hri">(00) 1 0614141 000000003 3</p>
  </div>
</section>
<section class="label" data-sscc="106141410000000040" aria-label="Carton label (00) 1 0614141 000000004 0">
  <div class="row">
    <div><h2>Ship from</h2><p>Acme Fasteners Inc.</p></div>
    <div><h2>Ship to</h2><p class="big">MFGCO DETROIT DOCK 2</p></div>
  </div>
  <div class="row">
    <div><h2>Carrier</h2><p>Road Freight AB · ABCD · 1Z999AA10123456784</p></div>
    <div><h2>Shipment</h2><p>ASN-20261127-31</p></div>
  </div>
  <div class="row">
    <div><h2>Purchase order</h2><p class="big">4500000001</p></div>
    <div><h2>Carton</h2><p>4500000001/10: 2400 H87</p></div>
  </div>
  <div class="barcode">
    <h2>SSCC</h2>
    <svg viewBox="0 0 540 212" xmlns="http://www.w3.org/2000/svg">
<rect width="100%" height="100%" fill="#FFFFFF" />
<path stroke="#000000" stroke-width="6" d="M39 200L39 12M105 200L105 12M114 200L114 12M126 200L126 12M138 200L138 12M171 200L171 12M204 200L204 12M237 200L237 12M270 200L270 12M279 200L279 12M291 200L291 12M303 200L303 12M312 200L312 12M324 200L324 12M336 200L336 12M345 200L345 12M357 200L357 12M369 200L369 12M378 200L378 12M390 200L390 12M402 200L402 12M453 200L453 12M468 200L468 12M501 200L501 12" />
<path stroke="#000000" stroke-width="3" d="M46.50 200L46.50 12M85.50 200L85.50 12M148.50 200L148.50 12M160.50 200L160.50 12M181.50 200L181.50 12M196.50 200L196.50 12M217.50 200L217.50 12M229.50 200L229.50 12M250.50 200L250.50 12M262.50 200L262.50 12M415.50 200L415.50 12M421.50 200L421.50 12M433.50 200L433.50 12M439.50 200L439.50 12M493.50 200L493.50 12" />
<path stroke="#000000" stroke-width="9" d="M58.50 200L58.50 12M94.50 200L94.50 12M484.50 200L484.50 12" />
<path stroke="#000000" stroke-width="12" d="M75 200L75 12" />
</svg>

    <p class="hri">(00) 1 0614141 000000004 0</p>
  </div>
</section>
</body>
</html>
`;
