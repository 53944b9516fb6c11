import { z } from 'zod';
import { decimal, type DecimalString } from '../../canonical/decimal.js';
import { isUnitCode, type AlternativeUnit, type MaterialUnitConversions } from '../../canonical/units.js';
import type { ErpMasterData } from '../../erp/port/erp-master-data.js';
import { ReplenishmentError, ReplenishmentErrorCode } from '../replenishment.exception.js';

/**
 * The plant model as one validated set: the ERP port's master-data shape, which files (YAML, CSV)
 * use as well. Every import is a complete set and becomes a new version (master-data.service.ts).
 */
const code = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .regex(/^\S(?:.*\S)?$/, { error: 'expected a code without leading or trailing spaces' });
const positive = z
  .string()
  .regex(/^\d{1,15}(\.\d{1,12})?$/, { error: 'expected an exact decimal above zero' })
  .refine((v) => !/^0+(\.0+)?$/.test(v), { error: 'expected an exact decimal above zero' });
const unit = z
  .string()
  .refine(isUnitCode, { error: 'expected a UN/ECE Rec 20 unit code of the gateway table' });

export const masterDataSchema = z.strictObject({
  plants: z.array(z.strictObject({ plant: code(10), name: code(128), timezone: code(64) })),
  materials: z.array(
    z.strictObject({
      material: code(40),
      description: z.string().max(512),
      baseUnit: unit,
      kind: z.enum(['raw', 'component', 'finished']),
      /** Shipped and received with lot numbers (the ASN builder requires them); CSV: true/false. */
      lotManaged: z.union([z.boolean(), z.stringbool()]).default(false),
    }),
  ),
  unitConversions: z.array(
    z.strictObject({
      material: code(40),
      fromUnit: unit,
      toUnit: unit,
      numerator: positive,
      denominator: positive,
    }),
  ),
  billsOfMaterial: z.array(
    z.strictObject({
      plant: code(10),
      material: code(40),
      component: code(40),
      quantityPer: positive,
      unit,
    }),
  ),
  sourceList: z.array(
    z.strictObject({
      plant: code(10),
      material: code(40),
      supplier: code(35),
      leadTimeDays: z.coerce.number().int().min(0).max(3650),
      validFrom: z.iso.date(),
      validTo: z.iso.date().nullable(),
    }),
  ),
});

export type MasterData = z.output<typeof masterDataSchema>;

/** Validates a set: shapes, then references and duplicates. Every problem is listed, with its path. */
export function validateMasterData(input: unknown): MasterData {
  const parsed = masterDataSchema.safeParse(input);
  if (!parsed.success)
    throw new ReplenishmentError(
      ReplenishmentErrorCode.InvalidMasterData,
      'the master data is invalid',
      parsed.error.issues.map((i) => `${i.path.join('.') || '(set)'}: ${i.message}`),
    );
  const data = parsed.data;
  const problems: string[] = [];
  const plants = unique(data.plants, (p) => p.plant, 'plants', 'plant', problems);
  const materials = unique(data.materials, (m) => m.material, 'materials', 'material', problems);
  unique(
    data.unitConversions,
    (c) => `${c.material} ${c.fromUnit}→${c.toUnit}`,
    'unitConversions',
    'conversion',
    problems,
  );
  unique(
    data.billsOfMaterial,
    (b) => `${b.plant} ${b.material} ${b.component}`,
    'billsOfMaterial',
    'item',
    problems,
  );
  unique(
    data.sourceList,
    (s) => `${s.plant} ${s.material} ${s.supplier} ${s.validFrom}`,
    'sourceList',
    'entry',
    problems,
  );
  const known = (set: Set<string>, value: string, path: string, what: string) => {
    if (!set.has(value)) problems.push(`${path}: unknown ${what} ${value}`);
  };
  data.unitConversions.forEach((c, i) => {
    known(materials, c.material, `unitConversions.${i}.material`, 'material');
    if (c.fromUnit === c.toUnit) problems.push(`unitConversions.${i}: converts ${c.fromUnit} to itself`);
  });
  data.billsOfMaterial.forEach((b, i) => {
    known(plants, b.plant, `billsOfMaterial.${i}.plant`, 'plant');
    known(materials, b.material, `billsOfMaterial.${i}.material`, 'material');
    known(materials, b.component, `billsOfMaterial.${i}.component`, 'material');
  });
  data.sourceList.forEach((s, i) => {
    known(plants, s.plant, `sourceList.${i}.plant`, 'plant');
    known(materials, s.material, `sourceList.${i}.material`, 'material');
    if (s.validTo !== null && s.validTo < s.validFrom)
      problems.push(`sourceList.${i}: validTo before validFrom`);
  });
  if (problems.length > 0)
    throw new ReplenishmentError(
      ReplenishmentErrorCode.InvalidMasterData,
      'the master data is invalid',
      problems,
    );
  return data;
}

function unique<T>(
  items: readonly T[],
  key: (item: T) => string,
  path: string,
  what: string,
  problems: string[],
): Set<string> {
  const seen = new Set<string>();
  items.forEach((item, i) => {
    const k = key(item);
    if (seen.has(k)) problems.push(`${path}.${i}: ${what} ${k} appears twice`);
    seen.add(k);
  });
  return seen;
}

export function fromErp(data: ErpMasterData): MasterData {
  return validateMasterData(JSON.parse(JSON.stringify(data)));
}

export interface KnownMaterial {
  readonly material: string;
  readonly baseUnit: string;
  readonly conversions: MaterialUnitConversions;
}

/** What ingestion checks events against: known plants and materials with their unit conversions. */
export interface MasterDataView {
  readonly version: string;
  readonly plants: ReadonlySet<string>;
  readonly materials: ReadonlyMap<string, KnownMaterial>;
}

/**
 * A material's conversions as alternatives to its base unit. The ERP states `numerator / denominator`
 * of `toUnit` per `fromUnit`: a conversion into the base unit is used as it is, one out of it inverted.
 */
export function materialConversions(
  material: string,
  baseUnit: string,
  rows: readonly { fromUnit: string; toUnit: string; numerator: string; denominator: string }[],
): MaterialUnitConversions {
  const alternatives = new Map<string, AlternativeUnit>();
  for (const row of rows) {
    if (row.toUnit === baseUnit && row.fromUnit !== baseUnit)
      alternatives.set(row.fromUnit, {
        unit: row.fromUnit,
        quantity: decimal(row.denominator),
        baseQuantity: decimal(row.numerator),
      });
  }
  for (const row of rows) {
    if (row.fromUnit === baseUnit && row.toUnit !== baseUnit && !alternatives.has(row.toUnit))
      alternatives.set(row.toUnit, {
        unit: row.toUnit,
        quantity: decimal(row.numerator),
        baseQuantity: decimal(row.denominator) as DecimalString,
      });
  }
  return { material, baseUnit, alternatives: [...alternatives.values()] };
}
