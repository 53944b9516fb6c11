import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseX12Decimal, resolveUnit, X12_UNITS } from '../canonical/index.js';
import { defaultX12Grammars, type X12GrammarRegistry } from '../edi/x12/index.js';
import type { X12OutboundConverters } from '../edi/x12/generator/index.js';
import {
  applyOverride,
  compileMap,
  readMapSources,
  X12MapError,
  type X12InboundMap,
  type X12InboundMapSource,
  type X12MapConverters,
  type X12MapOverride,
  type X12MapSource,
  type X12OutboundMap,
} from '../edi/x12/maps/index.js';
import type { PartnerProfile } from '../partners/partner-profile.schema.js';
import { checkEventField } from './event-fields.js';

/** `edi-maps/x12` of the installation: found upwards from this file (src/ under vitest, dist/src/ when built). */
export function defaultMapsDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'edi-maps', 'x12');
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  return join(process.cwd(), 'edi-maps', 'x12');
}

/**
 * Every X12 map, compiled once and checked against the grammars and the event catalogue; partner
 * overrides (profile `maps.x12`) are compiled on first use per partner and cached. A broken map or
 * override is an `X12MapError` listing every problem.
 */
export class X12MapRegistry {
  private readonly sources: Map<string, { file: string; source: X12MapSource }>;
  private readonly compiled = new Map<string, X12InboundMap | X12OutboundMap>();
  private readonly perPartner = new Map<string, X12InboundMap | X12OutboundMap>();

  constructor(
    readonly dir: string = defaultMapsDir(),
    private readonly grammars: X12GrammarRegistry = defaultX12Grammars(),
  ) {
    const errors: string[] = [];
    // Schema problems of some files are reported with the compile problems of the others.
    this.sources = readMapSources(dir, errors);
    for (const [key, { file, source }] of this.sources) {
      try {
        this.compiled.set(key, compileMap(source, file, this.context()));
      } catch (error) {
        if (error instanceof X12MapError) errors.push(error.message);
        else throw error;
      }
    }
    if (errors.length > 0) throw new X12MapError(dir, errors);
  }

  private context() {
    return { grammars: this.grammars, checkField: checkEventField };
  }

  keys(): string[] {
    return [...this.compiled.keys()].sort();
  }

  /** The inbound map for a set in a group version (GS08 `004010VICS` → 004010), with the partner's override. */
  inbound(setId: string, gs08: string, partner?: PartnerProfile): X12InboundMap | undefined {
    const key = `${gs08.slice(0, 6)}/${setId}.inbound`;
    const base = this.compiled.get(key) as X12InboundMap | undefined;
    if (!base || !partner) return base;
    const override = partnerOverride(partner, gs08.slice(0, 6), `${setId}.inbound`);
    if (!override) return base;
    const cacheKey = `${partner.id}:${key}`;
    let map = this.perPartner.get(cacheKey) as X12InboundMap | undefined;
    if (!map) {
      const { file, source } = this.sources.get(key)!;
      const where = `partners/${partner.id}.yaml maps.x12 (${key})`;
      const merged = applyOverride(source as X12InboundMapSource, override, where);
      try {
        map = compileMap(merged, `${file} + ${where}`, this.context()) as X12InboundMap;
      } catch (error) {
        if (error instanceof X12MapError) throw new X12MapError(where, error.problems);
        throw error;
      }
      this.perPartner.set(cacheKey, map);
    }
    return map;
  }

  outbound(setId: string, version: string): X12OutboundMap | undefined {
    return this.compiled.get(`${version.slice(0, 6)}/${setId}.outbound`) as X12OutboundMap | undefined;
  }

  /** Compiles every override of a profile now, so a broken one stops the boot or `partners check`. */
  checkPartner(partner: PartnerProfile): void {
    for (const key of Object.keys(partner.maps?.x12 ?? {})) {
      const m = /^(?:([0-9]{6})\/)?([0-9]{3})\.inbound$/.exec(key);
      if (!m)
        throw new X12MapError(`partners/${partner.id}.yaml`, [
          `maps.x12.${key}: expected "855.inbound" or "004010/855.inbound"`,
        ]);
      for (const version of m[1] ? [m[1]] : ['004010', '005010'])
        if (this.compiled.has(`${version}/${m[2]}.inbound`)) this.inbound(m[2]!, version, partner);
    }
  }
}

function partnerOverride(partner: PartnerProfile, version: string, name: string): X12MapOverride | undefined {
  const all = partner.maps?.x12 ?? {};
  return (all[`${version}/${name}`] ?? all[name]) as X12MapOverride | undefined;
}

/** Inbound value conversions with the canonical tables and the partner's cross-references. */
export function inboundConverters(partner: PartnerProfile | undefined): X12MapConverters {
  const refs = partner?.crossReferences;
  const units = { source: 'x12', partnerUnits: refs?.units, partnerId: partner?.id } as const;
  // The codes this input resolved (a file repeats a handful of codes on every item). Only answers
  // are kept: a bad code throws its error every time; the cap bounds a hostile file's variants.
  const resolved = new Map<string, string>();
  // The last answer first: items in a row mostly say the same code, and comparing two short strings
  // is cheaper than hashing each freshly sliced one for the map.
  let lastCode: string | undefined;
  let lastUnit = '';
  return {
    decimal: (text) => parseX12Decimal(text),
    unit: (code) => {
      if (code === lastCode) return lastUnit;
      let unit = resolved.get(code);
      if (unit === undefined) {
        unit = resolveUnit(code, units);
        if (resolved.size < 256) resolved.set(code, unit);
      }
      lastCode = code;
      lastUnit = unit;
      return unit;
    },
    ...theirsToOurs(partner),
  };
}

/**
 * The partner's part and location cross-references, theirs → ours (the first entry wins, as in the
 * profile's order), as lookups made once per translated input rather than a search per value.
 */
export function theirsToOurs(
  partner: PartnerProfile | undefined,
): Pick<X12MapConverters, 'part' | 'location'> {
  const parts = new Map<string, string>();
  const locations = new Map<string, string>();
  for (const p of partner?.crossReferences?.parts ?? [])
    if (!parts.has(p.theirs)) parts.set(p.theirs, p.ours);
  for (const l of partner?.crossReferences?.locations ?? [])
    if (!locations.has(l.theirs)) locations.set(l.theirs, l.ours);
  return {
    part: (theirs) => (parts.size === 0 ? undefined : parts.get(theirs.trim())),
    location: (theirs) => (locations.size === 0 ? theirs : (locations.get(theirs.trim()) ?? theirs)),
  };
}

/** Outbound conversions: Rec 20 → the partner's X12 unit (its cross-reference first), ours → theirs. */
export function outboundConverters(partner: PartnerProfile | undefined): X12OutboundConverters {
  const refs = partner?.crossReferences;
  return {
    unit: (rec20) => {
      const theirs = Object.entries(refs?.units ?? {}).find(([, ours]) => ours === rec20)?.[0];
      if (theirs) return theirs;
      for (const [x12, code] of X12_UNITS) if (code === rec20) return x12;
      throw new Error(
        `unit ${rec20} has no X12 code (DE 355) in the gateway table or the partner's cross-references`,
      );
    },
    part: (ours) => refs?.parts.find((p) => p.ours === ours.trim())?.theirs,
    location: (ours) => refs?.locations.find((l) => l.ours === ours.trim())?.theirs ?? ours,
  };
}
