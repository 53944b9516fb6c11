import {
  acknowledgmentDocumentV1,
  changeAnswerDocumentV1,
  purchaseOrderChangeDocumentV1,
  purchaseOrderDocumentV1,
  shipNoticeDocumentV1,
} from './partner-documents.v1.js';

/** Examples published in the OpenAPI document and docs/partner-api.md; each is parsed below. */
export const ACKNOWLEDGMENT_EXAMPLE = {
  type: 'purchase-order-acknowledgment',
  version: 'v1',
  sender: { id: 'acme-fasteners' },
  document: { number: 'SO-88123', revision: '1', issuedAt: '2026-11-27T09:00:00Z' },
  payload: {
    purchaseOrder: { number: '4500000001', revision: '0' },
    status: 'accepted-with-changes',
    supplierOrderNumber: 'SO-88123',
    lines: [
      { lineNumber: '10', status: 'accepted', quantity: { value: '4800', unit: 'H87' } },
      {
        lineNumber: '20',
        status: 'changed',
        changes: ['date'],
        quantity: { value: '140', unit: 'H87' },
        schedule: [{ quantity: { value: '140', unit: 'H87' }, deliveryDate: '2026-12-12' }],
      },
    ],
  },
} as const;

/**
 * The X12 855 (004010) saying what ACKNOWLEDGMENT_EXAMPLE says, from Acme Fasteners (ISA/GS sender
 * ACMEFAST) to the manufacturer: order 4500000001 revision 0 accepted with changes (BAK02 AC), line 10
 * as ordered (ACK IA), line 20 rescheduled to 2026-12-12 (ACK DR, delivery date 067). PC is Acme's
 * code for a piece (H87 through its profile's unit cross-references).
 */
export const ACKNOWLEDGMENT_X12_EXAMPLE = [
  'ISA*00*          *00*          *ZZ*ACMEFAST       *ZZ*MFGCO          *261127*0900*U*00401*000000101*0*P*>~',
  'GS*PR*ACMEFAST*MFGCO*20261127*0900*101*X*004010~',
  'ST*855*0001~',
  'BAK*00*AC*4500000001*20261127****SO-88123~',
  'REF*PP*0~',
  'DTM*097*20261127*0900*UT~',
  'PO1*10*4800*PC***BP*CMP-BOLT-M8~',
  'ACK*IA*4800*PC~',
  'PO1*20*140*PC***BP*CMP-HOUSING-C1~',
  'ACK*DR*140*PC*067*20261212~',
  'CTT*2~',
  'SE*10*0001~',
  'GE*1*101~',
  'IEA*1*000000101~',
].join('');

/**
 * GET /partner/v1/documents/{id} for ACKNOWLEDGMENT_X12_EXAMPLE submitted as it is: its size and sha256
 * are those of the example's bytes, its event the acknowledgment it became, its answer the 997.
 */
export const STATUS_EXAMPLE = {
  interchangeId: '4711',
  status: 'processed',
  statusDetail: null,
  receivedAt: '2026-11-27T09:00:01.123456Z',
  channel: 'api',
  contentType: 'application/edi-x12',
  sha256: 'abc4a0da2df93e2c20b508ce86002d9cd4541867c0bc64306caa9e50ff4cf485',
  size: 392,
  duplicateOf: null,
  events: [{ id: '77ef08e9-1db8-8cb6-bbb7-5df55030465a', type: 'purchase-order.acknowledged' }],
  acknowledgment: { available: true, kinds: ['997'], href: '/partner/v1/documents/4711/acknowledgment' },
};

/**
 * The EDIFACT ORDRSP (D.96A) saying the same, from Nordic Castings (its GLN; the CONTRL example of
 * the acknowledgment endpoint answers this interchange, 77): BGM 1225 4 (accepted with amendment),
 * line 10 accepted (LIN 1229 5), line 20 changed (3) in its date only (FTX+CHG DAT), scheduled on
 * 2026-12-12. PCE is Nordic's code for a piece.
 */
export const ACKNOWLEDGMENT_EDIFACT_EXAMPLE = [
  "UNA:+.? '",
  "UNB+UNOC:3+7350000123457:14+MFGCO+261127:0900+77'",
  "UNH+1+ORDRSP:D:96A:UN'",
  "BGM+231+SO-88123+4'",
  "DTM+137:202611270900:203'",
  "RFF+ON:4500000001'",
  "RFF+VN:SO-88123'",
  "LIN+10+5'",
  "QTY+21:4800:PCE'",
  "LIN+20+3'",
  "QTY+21:140:PCE'",
  "FTX+CHG++DAT'",
  "SCC+1'",
  "QTY+21:140:PCE'",
  "DTM+2:20261212:102'",
  "UNS+S'",
  "CNT+2:2'",
  "UNT+16+1'",
  "UNZ+1+77'",
].join('');

export const CHANGE_ANSWER_EXAMPLE = {
  type: 'purchase-order-change-answer',
  version: 'v1',
  sender: { id: 'acme-fasteners' },
  document: { number: 'SO-88123-C1', revision: '1' },
  payload: {
    purchaseOrder: { number: '4500000001', revision: '1' },
    status: 'rejected',
    reason: { text: 'cannot meet the new date' },
    lines: [{ lineNumber: '10', status: 'rejected' }],
  },
} as const;

export const SHIP_NOTICE_EXAMPLE = {
  type: 'ship-notice',
  version: 'v1',
  sender: { id: 'acme-fasteners' },
  document: { number: 'ASN-77001', revision: '2026-12-03T14:00:00Z' },
  payload: {
    shipmentNumber: 'ASN-77001',
    shippedAt: '2026-12-03T14:00:00Z',
    carrier: { scac: 'ABCD', mode: 'road' },
    shipTo: '1000',
    orders: [
      {
        purchaseOrder: { number: '4500000001' },
        packs: [
          {
            sscc: '003456789012345670',
            items: [
              {
                lineNumber: '10',
                material: 'CMP-BOLT-M8',
                quantity: { value: '4800', unit: 'H87' },
              },
            ],
          },
        ],
      },
    ],
  },
} as const;

const ORDER_LINE = {
  lineNumber: '10',
  material: 'CMP-BOLT-M8',
  quantity: { value: '4800', unit: 'H87' },
  unitPrice: { amount: '0.042', currency: 'EUR' },
  schedule: [{ quantity: { value: '4800', unit: 'H87' }, deliveryDate: '2026-12-04' }],
};

export const PURCHASE_ORDER_EXAMPLE = {
  type: 'purchase-order',
  version: 'v1',
  sender: { scheme: 'partner', id: 'buyer' },
  document: { kind: 'original', number: '4500000001', revision: '0' },
  payload: {
    orderType: 'standard',
    orderDate: '2026-11-27',
    currency: 'EUR',
    shipTo: '1000',
    lines: [ORDER_LINE],
  },
} as const;

export const PURCHASE_ORDER_CHANGE_EXAMPLE = {
  type: 'purchase-order-change',
  version: 'v1',
  sender: { scheme: 'partner', id: 'buyer' },
  document: { kind: 'replacement', number: '4500000001', revision: '1' },
  payload: {
    lines: [
      {
        change: 'changed',
        ...ORDER_LINE,
        quantity: { value: '5200', unit: 'H87' },
        schedule: [{ quantity: { value: '5200', unit: 'H87' }, deliveryDate: '2026-12-04' }],
        changedFields: ['quantity'],
      },
    ],
  },
} as const;

// Keep the examples honest: each must pass the schema it illustrates.
acknowledgmentDocumentV1.parse(ACKNOWLEDGMENT_EXAMPLE);
changeAnswerDocumentV1.parse(CHANGE_ANSWER_EXAMPLE);
shipNoticeDocumentV1.parse(SHIP_NOTICE_EXAMPLE);
purchaseOrderDocumentV1.parse(PURCHASE_ORDER_EXAMPLE);
purchaseOrderChangeDocumentV1.parse(PURCHASE_ORDER_CHANGE_EXAMPLE);
