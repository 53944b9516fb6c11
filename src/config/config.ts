import { z } from 'zod';
import { CONFIG_VARIABLES, type ConfigVariable, type GatewayConfig } from './config.schema.js';

export type { GatewayConfig } from './config.schema.js';

/** A configuration problem, one per variable, phrased for the operator reading the boot log. */
export interface ConfigProblem {
  readonly variable: string;
  readonly message: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: readonly ConfigProblem[]) {
    super(problems.map((p) => `${p.variable}: ${p.message}`).join('; '));
    this.name = 'ConfigError';
  }

  /** One line per problem, each naming the variable and what is expected. */
  lines(): string[] {
    return this.problems.map((p) => `configuration error: ${p.variable} ${p.message}`);
  }
}

/**
 * Reads and validates the configuration from an environment. Empty strings count as unset, so that
 * `FOO=` in a compose file behaves like leaving FOO out.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  const problems: ConfigProblem[] = [];
  const values: Record<string, unknown> = {};
  for (const variable of CONFIG_VARIABLES as readonly ConfigVariable[]) {
    const raw = env[variable.name];
    const input = raw === undefined || raw.trim() === '' ? undefined : raw.trim();
    const result = (variable.schema as z.ZodType).safeParse(input);
    if (result.success) {
      values[variable.name] = result.data;
    } else {
      const shown =
        input === undefined ? 'is missing' : variable.sensitive ? 'is invalid' : `="${input}" is invalid`;
      problems.push({ variable: variable.name, message: `${shown}: ${result.error.issues[0]?.message}` });
    }
  }
  const config = values as GatewayConfig;
  if (problems.length === 0) problems.push(...crossChecks(config));
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(config);
}

/** Rules that involve more than one variable. */
function crossChecks(config: GatewayConfig): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  if (config.GATEWAY_ROLE !== 'all' && (!config.DATABASE_URL || !config.REDIS_URL)) {
    // Split roles mean several processes; the embedded database and the in-process job runner
    // belong to one process only, so they cannot be shared.
    problems.push({
      variable: 'GATEWAY_ROLE',
      message: `="${config.GATEWAY_ROLE}" needs DATABASE_URL and REDIS_URL (separate api and worker processes share only PostgreSQL and Redis); use GATEWAY_ROLE=all for a single process`,
    });
  }
  return problems;
}

/** True when the gateway keeps its data in the embedded PostgreSQL under DATA_DIR. */
export function isEmbedded(config: GatewayConfig): boolean {
  return config.DATABASE_URL === undefined;
}

/** True when this deployment may run several processes (so nothing may be generated per process). */
export function isScaledOut(config: GatewayConfig): boolean {
  return config.REDIS_URL !== undefined || config.GATEWAY_ROLE !== 'all';
}

/** The variables with their current values, secrets masked, for `gateway config check`. */
export function describeConfig(config: GatewayConfig): { name: string; value: string; group: string }[] {
  return (CONFIG_VARIABLES as readonly ConfigVariable[]).map((v) => {
    const value = config[v.name as keyof GatewayConfig];
    const shown = value === undefined ? '(unset)' : v.sensitive ? mask(String(value)) : String(value);
    return { name: v.name, value: shown, group: v.group };
  });
}

function mask(value: string): string {
  try {
    const url = new URL(value);
    if (url.password) url.password = '***';
    // A web hook's secret is its path (chat tools put the token there): show where it goes only.
    if ((url.protocol === 'http:' || url.protocol === 'https:') && (url.pathname !== '/' || url.search)) {
      return `${url.origin}/***`;
    }
    return url.toString();
  } catch {
    return '***';
  }
}

/** The configuration table of the README, made from the schema so the two never drift. */
export function renderConfigTable(): string {
  const defaults = loadConfig({ DATA_DIR: './data' });
  const rows = (CONFIG_VARIABLES as readonly ConfigVariable[]).map((v) => {
    const value = defaults[v.name as keyof GatewayConfig];
    const shown = value === undefined ? '—' : `\`${String(value)}\``;
    return `| \`${v.name}\` | ${shown} | ${v.description.replace(/\|/g, '\\|')} |`;
  });
  return ['| variable | default | meaning |', '| --- | --- | --- |', ...rows].join('\n');
}
