/**
 * Unit code tables, kept as data so that adding a unit is a reviewed one-line change.
 *
 * Canonical units are UN/ECE Recommendation 20 common codes ("Codes for Units of Measure Used in
 * International Trade", Annex I/III). Packaging units come from UN/ECE Recommendation 21 (package
 * type codes) with an `X` prefix (XBX box, XPX pallet), the form of the combined Rec 20 + Rec 21 unit
 * code list that EN 16931 and PEPPOL use. Package codes of older Rec 20 revisions (BX, CT, PK, RO) are
 * not in the current list and are accepted only as legacy input (see `EDIFACT_LEGACY_UNITS`).
 *
 * `factor` is the exact size of one unit in the dimension's coherent SI unit (kg, m, m², m³, s, J; one
 * for counts), so that conversions within a dimension are exact decimal arithmetic. Imperial and US
 * customary factors are the exact definitions of the 1959 international yard and pound agreement
 * (1 yd = 0.9144 m, 1 lb = 0.45359237 kg) and the US and UK gallon definitions (231 in³; 4.54609 l).
 */

/** What a unit measures. `package` and `item` units have no fixed size: only a material's master data converts them. */
export type UnitDimension =
  'count' | 'mass' | 'length' | 'area' | 'volume' | 'time' | 'energy' | 'package' | 'item';

export interface UnitDefinition {
  /** Rec 20 common code (or X + Rec 21 package code). */
  readonly code: string;
  readonly name: string;
  readonly dimension: UnitDimension;
  /**
   * Exact size in the dimension's coherent unit. Absent when the size is not fixed: packages, pairs,
   * sets and kits (how many pieces a box holds is the material's business), months and years.
   */
  readonly factor?: string;
  readonly origin: 'rec20' | 'rec21';
}

type Row = readonly [code: string, name: string, dimension: UnitDimension, factor?: string];

// Units a manufacturer's procurement, receiving and production reporting actually use. The gateway
// refuses a Rec 20 code that is not here (it cannot check or convert it); add a row when a partner
// needs one.
const REC20: readonly Row[] = [
  // Counts. C62 "one" is Rec 20's unit of count; H87 "piece" and EA "each" are the same size. A dozen
  // of a thing is twelve of whatever is counted, so these convert generically.
  ['C62', 'one', 'count', '1'],
  ['H87', 'piece', 'count', '1'],
  ['EA', 'each', 'count', '1'],
  ['NAR', 'number of articles', 'count', '1'],
  ['DZN', 'dozen', 'count', '12'],
  ['GRO', 'gross', 'count', '144'],
  ['CEN', 'hundred', 'count', '100'],
  ['T3', 'thousand piece', 'count', '1000'],
  // Pairs, sets and kits count things, but whether a pair is two pieces or one depends on how the
  // material is counted (a pair of gloves is often one SKU): only master data converts them.
  ['PR', 'pair', 'item'],
  ['SET', 'set', 'item'],
  ['KT', 'kit', 'item'],
  // Mass (kilogram).
  ['KGM', 'kilogram', 'mass', '1'],
  ['GRM', 'gram', 'mass', '0.001'],
  ['MGM', 'milligram', 'mass', '0.000001'],
  ['TNE', 'tonne (metric ton)', 'mass', '1000'],
  ['LBR', 'pound', 'mass', '0.45359237'],
  ['ONZ', 'ounce (avoirdupois)', 'mass', '0.028349523125'],
  ['STN', 'ton (US) or short ton (UK/US)', 'mass', '907.18474'],
  ['LTN', 'ton (UK) or long ton (US)', 'mass', '1016.0469088'],
  // Length (metre).
  ['MTR', 'metre', 'length', '1'],
  ['MMT', 'millimetre', 'length', '0.001'],
  ['CMT', 'centimetre', 'length', '0.01'],
  ['DMT', 'decimetre', 'length', '0.1'],
  ['KMT', 'kilometre', 'length', '1000'],
  ['4H', 'micrometre (micron)', 'length', '0.000001'],
  ['INH', 'inch', 'length', '0.0254'],
  ['FOT', 'foot', 'length', '0.3048'],
  ['YRD', 'yard', 'length', '0.9144'],
  ['SMI', 'mile (statute mile)', 'length', '1609.344'],
  // Area (square metre).
  ['MTK', 'square metre', 'area', '1'],
  ['MMK', 'square millimetre', 'area', '0.000001'],
  ['CMK', 'square centimetre', 'area', '0.0001'],
  ['DMK', 'square decimetre', 'area', '0.01'],
  ['INK', 'square inch', 'area', '0.00064516'],
  ['FTK', 'square foot', 'area', '0.09290304'],
  ['YDK', 'square yard', 'area', '0.83612736'],
  // Volume (cubic metre).
  ['MTQ', 'cubic metre', 'volume', '1'],
  ['DMQ', 'cubic decimetre', 'volume', '0.001'],
  ['CMQ', 'cubic centimetre', 'volume', '0.000001'],
  ['MMQ', 'cubic millimetre', 'volume', '0.000000001'],
  ['LTR', 'litre', 'volume', '0.001'],
  ['MLT', 'millilitre', 'volume', '0.000001'],
  ['HLT', 'hectolitre', 'volume', '0.1'],
  ['INQ', 'cubic inch', 'volume', '0.000016387064'],
  ['FTQ', 'cubic foot', 'volume', '0.028316846592'],
  ['YDQ', 'cubic yard', 'volume', '0.764554857984'],
  ['GLL', 'gallon (US)', 'volume', '0.003785411784'],
  ['GLI', 'gallon (UK)', 'volume', '0.00454609'],
  ['QTL', 'liquid quart (US)', 'volume', '0.000946352946'],
  ['QTI', 'quart (UK)', 'volume', '0.0011365225'],
  // Time (second). Months and years have no fixed length.
  ['SEC', 'second', 'time', '1'],
  ['MIN', 'minute', 'time', '60'],
  ['HUR', 'hour', 'time', '3600'],
  ['DAY', 'day', 'time', '86400'],
  ['WEE', 'week', 'time', '604800'],
  ['MON', 'month', 'time'],
  ['ANN', 'year', 'time'],
  // Energy (joule), for utilities bought by the plant.
  ['KWH', 'kilowatt hour', 'energy', '3600000'],
  ['MWH', 'megawatt hour (1000 kW.h)', 'energy', '3600000000'],
];

// Rec 21 package type codes, X-prefixed. Their content is per material (`MaterialUnitConversions`).
const REC21_PACKAGES: readonly Row[] = [
  ['XBX', 'box', 'package'],
  ['XCT', 'carton', 'package'],
  ['XCS', 'case', 'package'],
  ['XPK', 'package', 'package'],
  ['XPA', 'packet', 'package'],
  ['XPX', 'pallet', 'package'],
  ['XBG', 'bag', 'package'],
  ['XSA', 'sack', 'package'],
  ['XBE', 'bundle', 'package'],
  ['XCR', 'crate', 'package'],
  ['XDR', 'drum', 'package'],
  ['XBA', 'barrel', 'package'],
  ['XCY', 'cylinder', 'package'],
  ['XRO', 'roll', 'package'],
  ['XRL', 'reel', 'package'],
  ['XCL', 'coil', 'package'],
  ['XSO', 'spool', 'package'],
  ['XST', 'sheet', 'package'],
  ['XTU', 'tube', 'package'],
  ['XBO', 'bottle, non-protected, cylindrical', 'package'],
  ['XCX', 'can, cylindrical', 'package'],
  ['XPL', 'pail', 'package'],
  ['XWA', 'intermediate bulk container', 'package'],
];

function build(rows: readonly Row[], origin: UnitDefinition['origin']): [string, UnitDefinition][] {
  return rows.map(([code, name, dimension, factor]) => [
    code,
    Object.freeze(
      factor === undefined ? { code, name, dimension, origin } : { code, name, dimension, factor, origin },
    ),
  ]);
}

/** Every unit the canonical model accepts, by code. */
export const UNITS: ReadonlyMap<string, UnitDefinition> = new Map([
  ...build(REC20, 'rec20'),
  ...build(REC21_PACKAGES, 'rec21'),
]);

/** The codes of `UNITS`, sorted: the `enum` of the `unit` field in every event schema. */
export const UNIT_CODES: readonly [string, ...string[]] = [...UNITS.keys()].sort() as [string, ...string[]];

/**
 * X12 data element 355 "Unit or Basis for Measurement Code" (ID 2/2), the codes suppliers send in
 * PO1/ACK/SN1/PO4 (as in the published 004010 and 005010 code lists of DE 355). Packaging codes map to
 * the X-prefixed Rec 21 codes. Codes whose meaning varies by trading community are left out on purpose
 * (they need a partner cross-reference), e.g. `TN` net ton vs metric tonne, `GA` outside the US.
 */
export const X12_UNITS: ReadonlyMap<string, string> = new Map(
  Object.entries({
    EA: 'EA', // each
    PC: 'H87', // piece
    UN: 'C62', // unit
    DZ: 'DZN', // dozen
    GR: 'GRM', // gram (DE 355 GR; not "gross")
    PR: 'PR', // pair
    ST: 'SET', // set
    KT: 'KT', // kit
    CA: 'XCS', // case
    BX: 'XBX', // box
    CT: 'XCT', // carton
    PK: 'XPK', // package
    PL: 'XPX', // pallet/unit load
    BG: 'XBG', // bag
    BD: 'XBE', // bundle
    DR: 'XDR', // drum
    RL: 'XRO', // roll
    SH: 'XST', // sheet
    KG: 'KGM', // kilogram
    ME: 'MGM', // milligram
    LB: 'LBR', // pound
    OZ: 'ONZ', // ounce, avoirdupois
    MR: 'MTR', // meter
    CM: 'CMT', // centimeter
    MM: 'MMT', // millimeter
    IN: 'INH', // inch
    FT: 'FOT', // foot
    YD: 'YRD', // yard
    SF: 'FTK', // square foot
    CF: 'FTQ', // cubic feet
    CR: 'MTQ', // cubic meter
    LT: 'LTR', // liter
    ML: 'MLT', // milliliter
    GA: 'GLL', // gallon (US)
    HR: 'HUR', // hour
    MJ: 'MIN', // minutes
    DA: 'DAY', // days
    WK: 'WEE', // week
    MO: 'MON', // months
  }),
);

/**
 * UN/EDIFACT data element 6411 "Measurement unit code" uses Rec 20 codes directly (any code of
 * `UNITS` is accepted as is). These are the pre-Rec-20-revision habits still seen in D96A-era
 * messages: PCE (piece, EANCOM) and package codes that earlier Rec 20 revisions had before they moved
 * to Rec 21.
 */
export const EDIFACT_LEGACY_UNITS: ReadonlyMap<string, string> = new Map(
  Object.entries({
    PCE: 'H87', // piece
    BX: 'XBX', // box
    CT: 'XCT', // carton
    PK: 'XPK', // pack
    RO: 'XRO', // roll
  }),
);
