import { existsSync, readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { formatPath } from '../../partners/partner-loader.js';
import { erpConfigSchema, type ErpConfig } from './erp-instances.schema.js';

export class ErpConfigError extends Error {
  constructor(
    readonly file: string,
    readonly problems: readonly string[],
  ) {
    super(`ERP configuration ${file} is invalid:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'ErpConfigError';
  }
}

/** Reads and validates ERP_CONFIG_FILE; every problem is reported at once, one line each. */
export function loadErpConfig(file: string): ErpConfig {
  if (!existsSync(file)) throw new ErpConfigError(file, ['file not found (ERP_CONFIG_FILE)']);
  let raw: unknown;
  try {
    raw = parse(readFileSync(file, 'utf8'), { prettyErrors: true });
  } catch (error) {
    throw new ErpConfigError(file, [(error as Error).message.split('\n')[0]!]);
  }
  const result = erpConfigSchema.safeParse(raw);
  if (!result.success) {
    throw new ErpConfigError(
      file,
      result.error.issues.map((i) => `${formatPath(i.path) || '(file)'}: ${i.message}`),
    );
  }
  const simulators = result.data.instances.filter((i) => i.adapter === 'simulator');
  if (simulators.length > 1) {
    throw new ErpConfigError(file, [
      `instances: one embedded simulator at most (found ${simulators.map((s) => s.id).join(', ')})`,
    ]);
  }
  return result.data;
}
