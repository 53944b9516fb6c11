import { readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ReplenishmentError, ReplenishmentErrorCode } from '../replenishment.exception.js';
import type { MasterData } from './master-data.model.js';
import { parse } from 'csv-parse/sync';

/**
 * Master data from files: one YAML (or JSON) file with every section (`plants`, `materials`,
 * `unitConversions`, `billsOfMaterial`, `sourceList`, as the ERP port returns them), or CSV files,
 * one per section, recognised by their header row. Together the files are one complete set.
 */
type Section = keyof MasterData;

const CSV_SECTIONS: Record<Section, readonly string[]> = {
  plants: ['plant', 'name', 'timezone'],
  materials: ['material', 'description', 'baseUnit', 'kind'],
  unitConversions: ['material', 'fromUnit', 'toUnit', 'numerator', 'denominator'],
  billsOfMaterial: ['plant', 'material', 'component', 'quantityPer', 'unit'],
  sourceList: ['plant', 'material', 'supplier', 'leadTimeDays', 'validFrom', 'validTo'],
};

/** Columns a section's CSV may add to the ones it must have. */
const CSV_OPTIONAL: Partial<Record<Section, readonly string[]>> = { materials: ['lotManaged'] };

export function readMasterDataFiles(paths: readonly string[]): Record<Section, unknown[]> {
  const set: Record<Section, unknown[]> = {
    plants: [],
    materials: [],
    unitConversions: [],
    billsOfMaterial: [],
    sourceList: [],
  };
  for (const path of paths) {
    const text = readFileSync(path, 'utf8');
    const extension = extname(path).toLowerCase();
    if (extension === '.csv') {
      const { section, rows } = csvSection(basename(path), text);
      set[section].push(...rows);
    } else if (['.yaml', '.yml', '.json'].includes(extension)) {
      const document: unknown = parseYaml(text);
      if (typeof document !== 'object' || document === null || Array.isArray(document))
        throw invalid(
          `${basename(path)}: expected a mapping with the sections ${Object.keys(set).join(', ')}`,
        );
      for (const [key, value] of Object.entries(document)) {
        if (!(key in set)) throw invalid(`${basename(path)}: unknown section ${key}`);
        if (!Array.isArray(value)) throw invalid(`${basename(path)}: section ${key} is not a list`);
        set[key as Section].push(...(value as unknown[]));
      }
    } else {
      throw invalid(`${basename(path)}: expected a .yaml, .yml, .json or .csv file`);
    }
  }
  return set;
}

function csvSection(name: string, text: string): { section: Section; rows: Record<string, unknown>[] } {
  const records = parseCsv(text);
  const header = records.shift();
  if (!header) throw invalid(`${name}: empty file`);
  const columns = header.map((h) => h.trim());
  const section = (Object.keys(CSV_SECTIONS) as Section[]).find(
    (s) =>
      CSV_SECTIONS[s].every((c) => columns.includes(c)) &&
      columns.every((c) => CSV_SECTIONS[s].includes(c) || (CSV_OPTIONAL[s] ?? []).includes(c)),
  );
  if (!section)
    throw invalid(
      `${name}: the header ${columns.join(',')} matches no section; expected one of ${Object.values(
        CSV_SECTIONS,
      )
        .map((c) => c.join(','))
        .join(' | ')}`,
    );
  const rows = records
    .filter((r) => !(r.length === 1 && r[0] === ''))
    .map((record, i) => {
      if (record.length !== columns.length)
        throw invalid(`${name}:${i + 2}: ${record.length} fields, the header has ${columns.length}`);
      const row: Record<string, unknown> = {};
      columns.forEach((column, c) => {
        const value = record[c]!;
        row[column] = column === 'validTo' && value === '' ? null : value;
      });
      return row;
    });
  return { section, rows };
}

/** RFC 4180 records (quoted fields, doubled quotes, line breaks in quotes; CRLF or LF), through csv-parse. */
export function parseCsv(text: string): string[][] {
  try {
    return parse(text, {
      bom: true,
      relax_column_count: true,
      record_delimiter: ['\r\n', '\n'],
    }) as string[][];
  } catch (error) {
    throw invalid(`not a readable CSV file: ${(error as Error).message}`);
  }
}

function invalid(message: string): ReplenishmentError {
  return new ReplenishmentError(ReplenishmentErrorCode.InvalidMasterData, message);
}
