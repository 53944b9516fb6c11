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
