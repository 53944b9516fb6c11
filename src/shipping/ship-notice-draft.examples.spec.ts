import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPartnerProfiles } from '../partners/partner-loader.js';
import { cartonsOf } from './asn-draft.js';
import { labelSheet } from './labels.js';
import {
  DRAFT_EXAMPLE,
  LABEL_SHEET_EXAMPLE,
  LABEL_SHEET_EXAMPLE_SHIP_TO,
} from './ship-notice-draft.examples.js';
import { isValidSscc } from './sscc.js';

const acme = loadPartnerProfiles(join(import.meta.dirname, '..', '..', 'partners')).profiles.find(
  (p) => p.id === 'acme-fasteners',
)!;

describe('the OpenAPI examples of the ASN builder', () => {
  it('give every pallet and carton a valid SSCC', () => {
    const ssccs = [
      ...DRAFT_EXAMPLE.body.pallets.map((p) => p.sscc),
      ...cartonsOf(DRAFT_EXAMPLE.body).map(({ carton }) => carton.sscc),
    ];
    expect(ssccs).toHaveLength(4);
    for (const sscc of ssccs) expect(isValidSscc(sscc ?? ''), sscc).toBe(true);
  });

  it('show the label sheet the gateway prints for the example draft', () => {
    const printed = labelSheet(DRAFT_EXAMPLE, acme, LABEL_SHEET_EXAMPLE_SHIP_TO);
    expect(LABEL_SHEET_EXAMPLE).toBe(printed);
  });
});
