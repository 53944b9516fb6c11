import { CanonicalError, CanonicalErrorCode } from './canonical.exception.js';
import { compare, scaleByRatio, type DecimalString, type Rounding } from './decimal.js';
import { EDIFACT_LEGACY_UNITS, UNITS, X12_UNITS, type UnitDefinition } from './unit-tables.js';

export { UNIT_CODES, UNITS, X12_UNITS, EDIFACT_LEGACY_UNITS } from './unit-tables.js';
export type { UnitDefinition, UnitDimension } from './unit-tables.js';

/**
 * Units inside the gateway are UN/ECE Rec 20 codes (see unit-tables.ts). This module turns the code a
 * document carries into one, converts quantities between units, and never guesses: an unknown code is
 * an error naming the code and the standard it came from, so the translator can reject the document
 * or an operator can add a partner cross-reference.
 */

/** Where a unit code came from: an X12 DE 355 code, an EDIFACT 6411 code, or a Rec 20 code as is (JSON, ERP, MES). */
export type UnitSource = 'x12' | 'edifact' | 'rec20';

const SOURCE_NAMES: Record<UnitSource, string> = {
  x12: 'X12 unit code (DE 355)',
  edifact: 'EDIFACT unit code (DE 6411)',
  rec20: 'UN/ECE Rec 20 unit code',
};

export interface ResolveUnitOptions {
  readonly source: UnitSource;
  /**
   * The partner's unit cross-references (their code → Rec 20 code), checked before the standard's
   * table: the profile's `crossReferences.units`. Passed in, because src/canonical reads no profiles.
   */
  readonly partnerUnits?: ReadonlyMap<string, string> | Readonly<Record<string, string>>;
  /** Named in error messages. */
  readonly partnerId?: string;
}

function lookup(
  units: ReadonlyMap<string, string> | Readonly<Record<string, string>>,
  key: string,
): string | undefined {
  if (units instanceof Map) return (units as ReadonlyMap<string, string>).get(key);
  return Object.hasOwn(units, key) ? (units as Readonly<Record<string, string>>)[key] : undefined;
}

/**
 * The Rec 20 code for a unit code as a document carries it. Order: the partner's cross-reference
 * (their habit wins over the standard: a partner who writes `PC` for boxes is answered by its
 * profile), then the source standard's table. Codes are compared trimmed and upper-cased, as partner
 * profiles store them.
 */
export function resolveUnit(code: string, options: ResolveUnitOptions): string {
  const source = SOURCE_NAMES[options.source];
  if (source === undefined)
    throw new CanonicalError(
      CanonicalErrorCode.UnitUnknown,
      `unknown unit source ${JSON.stringify(options.source)}`,
    );
  const trimmed = typeof code === 'string' ? code.trim() : '';
  if (trimmed === '')
    throw new CanonicalError(
      CanonicalErrorCode.UnitUnknown,
      `${source} missing (got ${JSON.stringify(code)})`,
    );
  const key = trimmed.toUpperCase();

  const override = options.partnerUnits === undefined ? undefined : lookup(options.partnerUnits, key);
  if (override !== undefined) {
    if (!UNITS.has(override))
      throw new CanonicalError(
        CanonicalErrorCode.UnitUnknown,
        `${partnerName(options)} maps ${source} "${key}" to "${override}", which is not a unit of the gateway's Rec 20 table; fix the profile's crossReferences.units`,
      );
    return override;
  }

  let mapped: string | undefined;
  if (options.source === 'x12') mapped = X12_UNITS.get(key);
  else if (options.source === 'edifact') mapped = UNITS.has(key) ? key : EDIFACT_LEGACY_UNITS.get(key);
  else mapped = UNITS.has(key) ? key : undefined;
  if (mapped === undefined)
    throw new CanonicalError(
      CanonicalErrorCode.UnitUnknown,
      `unknown ${source} "${key}": not in the gateway's table and not in ${partnerName(options)}'s unit cross-references`,
    );
  return mapped;
}

/** The partner as errors name it (only errors: resolving runs for every quantity of every document). */
function partnerName(options: ResolveUnitOptions): string {
  return options.partnerId === undefined ? 'the partner' : `partner ${options.partnerId}`;
}

/** The definition of a Rec 20 code of the gateway's table; unknown codes are an error. */
export function unitDefinition(code: string): UnitDefinition {
  const unit = UNITS.get(code);
  if (unit === undefined)
    throw new CanonicalError(
      CanonicalErrorCode.UnitUnknown,
      `unknown UN/ECE Rec 20 unit code ${JSON.stringify(code)}: not in the gateway's unit table`,
    );
  return unit;
}

export function isUnitCode(code: string): boolean {
  return UNITS.has(code);
}

function describe(unit: UnitDefinition): string {
  return `${unit.code} (${unit.name})`;
}

function whyNotGeneric(unit: UnitDefinition): string | undefined {
  if (unit.factor !== undefined) return undefined;
  if (unit.dimension === 'package')
    return `${describe(unit)} is a package: how much it holds is the material's master data (convertMaterialQuantity)`;
  if (unit.dimension === 'item')
    return `${describe(unit)} counts items whose size depends on the material (convertMaterialQuantity)`;
  return `${describe(unit)} has no fixed size`;
}

/**
 * Converts between two units of one dimension (kg → lb, m → mm, dozen → piece) with the exact
 * factors of the unit table. Exact when the result terminates within the decimal limits; otherwise
 * `rounding` says how, and without it the conversion is refused. Round trips hold at the stated
 * scale when the trip out keeps enough digits: kg → lb at scale s and back at scale s returns the
 * original (1 lb < 1 kg, so the lb rounding error shrinks on the way back); lb → kg → lb needs one
 * more digit on the kg leg.
 */
export function convertQuantity(
  value: DecimalString,
  from: string,
  to: string,
  rounding?: Rounding,
): DecimalString {
  const source = unitDefinition(from);
  const target = unitDefinition(to);
  const operation = `convert ${from} → ${to}`;
  if (from === to) return scaleByRatio(value, [], [], rounding, operation);
  const reason = whyNotGeneric(source) ?? whyNotGeneric(target);
  if (reason !== undefined)
    throw new CanonicalError(CanonicalErrorCode.UnitNotConvertible, `${operation}: ${reason}`);
  if (source.dimension !== target.dimension)
    throw new CanonicalError(
      CanonicalErrorCode.UnitNotConvertible,
      `${operation}: ${describe(source)} measures ${source.dimension}, ${describe(target)} measures ${target.dimension}`,
    );
  return scaleByRatio(
    value,
    [source.factor as DecimalString],
    [target.factor as DecimalString],
    rounding,
    operation,
  );
}

/** One alternative unit of a material: `quantity` (default 1) of `unit` equals `baseQuantity` base units. */
export interface AlternativeUnit {
  readonly unit: string;
  readonly quantity?: DecimalString;
  readonly baseQuantity: DecimalString;
}

/**
 * A material's units from master data (an ERP's alternative units of measure): its base unit and
 * how many base units one of each alternative holds. 1 XBX = 12 H87; 1 XPX = 480 H87; 1 KGM = 250 H87.
 */
export interface MaterialUnitConversions {
  readonly material: string;
  readonly baseUnit: string;
  readonly alternatives: readonly AlternativeUnit[];
}

interface Ratio {
  readonly numerators: DecimalString[];
  readonly denominators: DecimalString[];
}

function invalidConversions(conversions: MaterialUnitConversions, problem: string): CanonicalError {
  return new CanonicalError(
    CanonicalErrorCode.UnitConversionInvalid,
    `unit conversions of material ${JSON.stringify(conversions.material)}: ${problem}`,
  );
}

function checkConversions(conversions: MaterialUnitConversions): Map<string, AlternativeUnit> {
  if (!UNITS.has(conversions.baseUnit))
    throw invalidConversions(
      conversions,
      `base unit ${JSON.stringify(conversions.baseUnit)} is not a Rec 20 code of the table`,
    );
  const alternatives = new Map<string, AlternativeUnit>();
  for (const alternative of conversions.alternatives) {
    if (!UNITS.has(alternative.unit))
      throw invalidConversions(
        conversions,
        `unit ${JSON.stringify(alternative.unit)} is not a Rec 20 code of the table`,
      );
    if (alternative.unit === conversions.baseUnit || alternatives.has(alternative.unit))
      throw invalidConversions(conversions, `unit ${alternative.unit} is defined twice`);
    for (const [what, value] of [
      ['quantity', alternative.quantity ?? ('1' as DecimalString)],
      ['baseQuantity', alternative.baseQuantity],
    ] as const)
      if (compare(value, '0' as DecimalString) <= 0)
        throw invalidConversions(conversions, `${alternative.unit} ${what} must be positive, not ${value}`);
    alternatives.set(alternative.unit, alternative);
  }
  return alternatives;
}

function ratioToBase(
  unit: string,
  conversions: MaterialUnitConversions,
  alternatives: ReadonlyMap<string, AlternativeUnit>,
): Ratio | undefined {
  if (unit === conversions.baseUnit) return { numerators: [], denominators: [] };
  const alternative = alternatives.get(unit);
  if (alternative !== undefined)
    return {
      numerators: [alternative.baseQuantity],
      denominators: [alternative.quantity ?? ('1' as DecimalString)],
    };
  // A unit the master data does not list, but of the same dimension as one it does (grams for a
  // material with a kilogram factor): go through that unit with the table's exact factor.
  const definition = unitDefinition(unit);
  if (definition.factor === undefined) return undefined;
  for (const reference of [conversions.baseUnit, ...alternatives.keys()]) {
    const referenceDefinition = unitDefinition(reference);
    if (referenceDefinition.dimension !== definition.dimension || referenceDefinition.factor === undefined)
      continue;
    const via = ratioToBase(reference, conversions, alternatives) as Ratio;
    return {
      numerators: [definition.factor as DecimalString, ...via.numerators],
      denominators: [referenceDefinition.factor as DecimalString, ...via.denominators],
    };
  }
  return undefined;
}

/**
 * Converts a quantity of one material between any two of its units: generic units of one dimension
 * directly, everything else through the material's base unit with its master-data factors
 * (box → pieces → pallet, kg → pieces for a material sold by weight). The factors are chained and
 * divided once, so only the final result is rounded (and only if `rounding` is given; an inexact
 * result without it is an error: 40 pieces are not a whole number of boxes of 12).
 */
export function convertMaterialQuantity(
  value: DecimalString,
  from: string,
  to: string,
  conversions: MaterialUnitConversions,
  rounding?: Rounding,
): DecimalString {
  const source = unitDefinition(from);
  const target = unitDefinition(to);
  if (source.factor !== undefined && target.factor !== undefined && source.dimension === target.dimension)
    return convertQuantity(value, from, to, rounding);
  const alternatives = checkConversions(conversions);
  const operation = `convert ${from} → ${to} for material ${conversions.material}`;
  const out = ratioToBase(from, conversions, alternatives);
  const back = ratioToBase(to, conversions, alternatives);
  if (out === undefined || back === undefined) {
    const known = [conversions.baseUnit, ...alternatives.keys()].join(', ');
    const missing = out === undefined ? source : target;
    throw new CanonicalError(
      CanonicalErrorCode.UnitNotConvertible,
      `${operation}: the material's master data has no factor for ${describe(missing)} (it knows ${known})`,
    );
  }
  return scaleByRatio(
    value,
    [...out.numerators, ...back.denominators],
    [...out.denominators, ...back.numerators],
    rounding,
    operation,
  );
}
