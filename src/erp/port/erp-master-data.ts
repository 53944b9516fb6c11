/** Master data the gateway reads from the ERP: the plant model replenishment and matching work on. */

export interface ErpPlant {
  readonly plant: string;
  readonly name: string;
  readonly timezone: string;
}

export interface ErpMaterial {
  readonly material: string;
  readonly description: string;
  /** UN/ECE Rec 20. */
  readonly baseUnit: string;
  readonly kind: 'raw' | 'component' | 'finished';
}

/** `quantity` of `fromUnit` is `numerator / denominator` of `toUnit` (exact, no floats). */
export interface ErpUnitConversion {
  readonly material: string;
  readonly fromUnit: string;
  readonly toUnit: string;
  readonly numerator: string;
  readonly denominator: string;
}

/** Standard quantity of a component per one base unit of a finished material, per plant. */
export interface ErpBomItem {
  readonly plant: string;
  readonly material: string;
  readonly component: string;
  readonly quantityPer: string;
  readonly unit: string;
}

export interface ErpSourceListEntry {
  readonly plant: string;
  readonly material: string;
  readonly supplier: string;
  readonly leadTimeDays: number;
  readonly validFrom: string;
  readonly validTo: string | null;
}

export interface ErpMasterData {
  readonly plants: readonly ErpPlant[];
  readonly materials: readonly ErpMaterial[];
  readonly unitConversions: readonly ErpUnitConversion[];
  readonly billsOfMaterial: readonly ErpBomItem[];
  readonly sourceList: readonly ErpSourceListEntry[];
}

export interface ErpStock {
  readonly material: string;
  readonly plant: string;
  readonly unrestricted: string;
  readonly unit: string;
  readonly asOf: string;
}
