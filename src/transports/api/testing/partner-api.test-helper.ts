import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';

/**
 * Fixtures of the partner API tests, written for them (no corpus content): two partners that each
 * speak X12 and EDIFACT over the REST API, and builders of the interchanges they send.
 */
export interface TestPartner {
  readonly id: string;
  readonly isa: string;
  readonly gs: string;
  readonly unb: string;
  /** The profile's `channels` (default: the API enabled). */
  readonly channels?: Record<string, { enabled: boolean }>;
  /** The profile's `x12` settings (default: none, so UTF-8). */
  readonly x12?: { readonly encoding: 'utf8' | 'latin1' };
}

export const ALPHA: TestPartner = {
  id: 'alpha-supply',
  isa: 'ALPHASUP',
  gs: 'ALPHASUP',
  unb: '4000000000017',
};
export const BRAVO: TestPartner = {
  id: 'bravo-parts',
  isa: 'BRAVOPRT',
  gs: 'BRAVOPRT',
  unb: '4000000000024',
};

const X12_FORMAT = { elementSeparator: '*', componentSeparator: '>', segmentTerminator: '~' };

function profile(p: TestPartner) {
  return {
    id: p.id,
    name: `${p.id} (partner API tests)`,
    status: 'test',
    identities: {
      x12: [{ qualifier: 'ZZ', id: p.isa }],
      gs: [p.gs],
      edifact: [{ id: p.unb, qualifier: '14' }],
      as2: [],
    },
    documents: {
      inbound: [
        { standard: 'x12', version: '004010', type: '855' },
        { standard: 'x12', version: '004010', type: '856' },
        { standard: 'x12', version: '004010', type: '865' },
      ],
      outbound: [
        { standard: 'x12', version: '004010', type: '850', format: X12_FORMAT },
        { standard: 'x12', version: '004010', type: '860', format: X12_FORMAT },
      ],
    },
    channels: p.channels ?? { api: { enabled: true } },
    // Orders and changes are offered for pickup at /partner/v1/outbound-documents (src/outbound).
    delivery: { channel: 'api' },
    acknowledgments: { functional: '997', functionalSlaHours: 24, businessSlaHours: 48 },
    tolerances: { quantityPercent: 2, pricePercent: 0, dateDaysEarly: 2, dateDaysLate: 0 },
    crossReferences: { units: { PC: 'H87' } },
    ...(p.x12 ? { x12: p.x12 } : {}),
  };
}

/** A PARTNERS_DIR holding the two test partners. */
export function partnersDir(partners: readonly TestPartner[] = [ALPHA, BRAVO]): string {
  const dir = mkdtempSync(join(tmpdir(), 'sg-partner-api-'));
  for (const p of partners) writeFileSync(join(dir, `${p.id}.yaml`), stringify(profile(p)));
  return dir;
}

const pad = (value: string, width: number) => value.padEnd(width, ' ');

/** An X12 004010 855 accepting every line of `poNumber` as ordered, from the given ISA/GS sender. */
export function x12Acknowledgment(options: {
  readonly isaSender: string;
  readonly gsSender: string;
  readonly poNumber: string;
  readonly control: number;
  readonly lines: readonly { lineNumber: string; quantity: string }[];
}): string {
  const isa13 = String(options.control).padStart(9, '0');
  const body = [
    `BAK*00*AD*${options.poNumber}*20261127****SO-${options.poNumber}`,
    ...options.lines.flatMap((l) => [`PO1*${l.lineNumber}*${l.quantity}*PC`, `ACK*IA*${l.quantity}*PC`]),
    `CTT*${options.lines.length}`,
  ];
  const set = ['ST*855*0001', ...body, `SE*${body.length + 2}*0001`];
  return (
    [
      `ISA*00*          *00*          *ZZ*${pad(options.isaSender, 15)}*ZZ*${pad('MFGCO', 15)}*261127*0900*U*00401*${isa13}*0*T*>`,
      `GS*PR*${options.gsSender}*MFGCO*20261127*0900*${options.control}*X*004010`,
      ...set,
      `GE*1*${options.control}`,
      `IEA*1*${isa13}`,
    ].join('~\n') + '~\n'
  );
}

/** An EDIFACT interchange (one DESADV message) from the given UNB sender (GS1 GLN, qualifier 14). */
export function edifactInterchange(sender: string, reference: string): string {
  const body = ["BGM+351+ASN1+9'", "DTM+137:20261127:102'", "LIN+1++4012345000009:EN'", "QTY+12:10'"];
  return (
    `UNB+UNOC:3+${sender}:14+5790000000003:14+261127:0900+${reference}'` +
    `UNH+M1+DESADV:D:96A:UN'${body.join('')}UNT+${body.length + 2}+M1'` +
    `UNZ+1+${reference}'`
  );
}

/** An ERP order snapshot for POST /erp/v1/purchase-orders. */
export function orderSnapshot(poNumber: string, partnerId: string, orderDate = '2026-11-27', revision = 0) {
  return {
    poNumber,
    revision,
    partnerId,
    plant: '1000',
    currency: 'EUR',
    orderDate,
    status: 'open',
    lines: [
      {
        lineNumber: '10',
        material: 'CMP-BOLT-M8',
        quantity: '4800',
        unit: 'H87',
        netPrice: '0.042',
        deliveryDate: '2026-12-04',
      },
      {
        lineNumber: '20',
        material: 'CMP-HOUSING-C1',
        quantity: '140',
        unit: 'H87',
        netPrice: '38.5',
        deliveryDate: '2026-12-10',
      },
    ],
  };
}

/** A JSON acknowledgment of `poNumber` (v1), every line accepted as ordered. */
export function jsonAcknowledgment(poNumber: string, sender: Record<string, string>, documentNumber: string) {
  return {
    type: 'purchase-order-acknowledgment',
    version: 'v1',
    sender,
    document: { number: documentNumber, revision: '1' },
    payload: {
      purchaseOrder: { number: poNumber },
      status: 'accepted',
      lines: [
        { lineNumber: '10', status: 'accepted', quantity: { value: '4800', unit: 'H87' } },
        { lineNumber: '20', status: 'accepted', quantity: { value: '140', unit: 'H87' } },
      ],
    },
  };
}
