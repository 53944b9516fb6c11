import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseEdifactDecimal, resolveUnit, UNITS } from '../canonical/index.js';
import { EDIFACT_ACKNOWLEDGMENT_TYPES } from '../edi/edifact/ack-reader.js';
import { defaultEdifactDirectories, EdifactDirectoryRegistry } from '../edi/edifact/directories/index.js';
import type { EdifactMessageResult } from '../edi/edifact/index.js';
import type { X12OutboundConverters } from '../edi/x12/generator/index.js';
import {
  applyOverride,
  compileMap,
  EDIFACT_MAP_LAYOUT,
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
import { theirsToOurs } from './x12-map-registry.js';

/** `edi-maps/edifact` of the installation, found upwards from this file (as for X12). */
export function defaultEdifactMapsDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'edi-maps', 'edifact');
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  return join(process.cwd(), 'edi-maps', 'edifact');
}

/**
 * Every EDIFACT map (`edi-maps/edifact/<directory>/<MESSAGE>.<direction>.yaml`), compiled once by the
 * shared map compiler against the message directories and the event catalogue; partner overrides
 * (profile `maps.edifact`) compiled on first use per partner and cached. A broken map or override is
 * an `X12MapError` (the shared map error) listing every problem.
 */
export class EdifactMapRegistry {
  private readonly sources: Map<string, { file: string; source: X12MapSource }>;
  private readonly compiled = new Map<string, X12InboundMap | X12OutboundMap>();
  private readonly perPartner = new Map<string, X12InboundMap>();

  constructor(
    readonly dir: string = defaultEdifactMapsDir(),
    private readonly directories: EdifactDirectoryRegistry = defaultEdifactDirectories(),
  ) {
    const errors: string[] = [];
    this.sources = readMapSources(dir, errors, EDIFACT_MAP_LAYOUT);
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
    return {
      grammars: { find: (type: string, directory: string) => this.directories.find(type, directory) },
      checkField: checkEventField,
    };
  }

  keys(): string[] {
    return [...this.compiled.keys()].sort();
  }

  /**
   * Whether the gateway reads a message of this UNH S009: a CONTRL or APERAK of any version (the
   * acknowledgment reader interprets them), or a UN message whose directory we have (to validate it)
   * and that has an inbound map there (to translate it). The intake rejects any other with CONTRL
   * UCM 4 / 14, the translator reads the interchange with the same answer: one rule, not two lists.
   */
  supportsMessage(
    message: Pick<EdifactMessageResult, 'type' | 'version' | 'release' | 'agency' | 'associationCode'>,
  ): boolean {
    if (EDIFACT_ACKNOWLEDGMENT_TYPES.includes(message.type)) return true;
    const directory = EdifactDirectoryRegistry.directoryOf(message.version, message.release);
    return (
      message.agency === 'UN' &&
      this.directories.find(message.type, directory, message.associationCode) !== undefined &&
      this.compiled.has(`${directory}/${message.type}.inbound`)
    );
  }

  /** The inbound map of a message type in a directory (`ORDRSP`, `D96A`), with the partner's override. */
  inbound(type: string, directory: string, partner?: PartnerProfile): X12InboundMap | undefined {
    const key = `${directory}/${type}.inbound`;
    const base = this.compiled.get(key) as X12InboundMap | undefined;
    if (!base || !partner) return base;
    const all = partner.maps?.edifact ?? {};
    const override = (all[key] ?? all[`${type}.inbound`]) as X12MapOverride | undefined;
    if (!override) return base;
    const cacheKey = `${partner.id}:${key}`;
    let map = this.perPartner.get(cacheKey);
    if (!map) {
      const { file, source } = this.sources.get(key)!;
      const where = `partners/${partner.id}.yaml maps.edifact (${key})`;
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

  outbound(type: string, directory: string): X12OutboundMap | undefined {
    return this.compiled.get(`${directory}/${type}.outbound`) as X12OutboundMap | undefined;
  }

  /** Compiles every EDIFACT override of a profile now, so a broken one stops the boot or `partners check`. */
  checkPartner(partner: PartnerProfile): void {
    for (const key of Object.keys(partner.maps?.edifact ?? {})) {
      const m = /^(?:(D[0-9]{2}[A-Z])\/)?([A-Z]{6})\.inbound$/.exec(key)!;
      for (const directory of m[1] ? [m[1]] : this.directories.directories())
        if (this.compiled.has(`${directory}/${m[2]}.inbound`)) this.inbound(m[2]!, directory, partner);
    }
  }
}

/** Inbound conversions: EDIFACT numbers with the interchange's decimal mark, 6411 units, cross-references. */
export function edifactInboundConverters(
  partner: PartnerProfile | undefined,
  decimalMark: '.' | ',' = '.',
): X12MapConverters {
  const refs = partner?.crossReferences;
  const units = { source: 'edifact', partnerUnits: refs?.units, partnerId: partner?.id } as const;
  return {
    decimal: (text) => parseEdifactDecimal(text, decimalMark),
    unit: (code) => resolveUnit(code, units),
    ...theirsToOurs(partner),
  };
}

/** Outbound conversions: Rec 20 is the EDIFACT 6411 code list (the partner's own code first), ours → theirs. */
export function edifactOutboundConverters(partner: PartnerProfile | undefined): X12OutboundConverters {
  const refs = partner?.crossReferences;
  return {
    unit: (rec20) => {
      const theirs = Object.entries(refs?.units ?? {}).find(([, ours]) => ours === rec20)?.[0];
      if (theirs) return theirs;
      if (UNITS.has(rec20)) return rec20;
      throw new Error(`unit ${rec20} is not a UN/ECE Rec 20 code`);
    },
    part: (ours) => refs?.parts.find((p) => p.ours === ours.trim())?.theirs,
    location: (ours) => refs?.locations.find((l) => l.ours === ours.trim())?.theirs ?? ours,
  };
}
