import type { Command } from 'commander';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadConfig } from '../config/config.js';
import { CliFailure, print } from './cli-context.js';

/**
 * `gateway openapi --out FILE`: writes the OpenAPI document the gateway serves at /docs/openapi.json,
 * for the linter (`npm run lint:openapi`) and for partners' client generators, without a gateway
 * running anywhere. It starts one for a moment on a loopback port with an embedded database in a
 * temporary directory (never the configured DATABASE_URL or Redis), so the document is exactly the
 * served one, then stops it.
 */
export function registerOpenApiCommand(program: Command): void {
  program
    .command('openapi')
    .description('write the OpenAPI document of this version to a file (starts a throw-away gateway)')
    .requiredOption('--out <file>', 'where to write the document (JSON)')
    .action(async (options: { out: string }) => {
      const dataDir = mkdtempSync(join(tmpdir(), 'sg-openapi-'));
      const env: Record<string, string | undefined> = {
        ...process.env,
        PORT: '0',
        HOST: '127.0.0.1',
        DATA_DIR: dataDir,
        LOG_LEVEL: 'error',
        GATEWAY_ROLE: 'all',
        DATABASE_URL: undefined,
        REDIS_URL: undefined,
        BLOB_DIR: undefined,
        TOKEN_SIGNING_KEY_FILE: undefined,
      };
      const config = loadConfig(env);
      const { startGateway } = await import('../platform/bootstrap/start-gateway.js');
      const { createRootLogger } = await import('../platform/logging/logger.js');
      const gateway = await startGateway(config, createRootLogger(config));
      try {
        const response = await fetch(`${gateway.url}/docs/openapi.json`);
        if (!response.ok)
          throw new CliFailure(`the gateway answered ${response.status} for /docs/openapi.json`);
        const document: unknown = await response.json();
        writeFileSync(resolve(options.out), `${JSON.stringify(document, null, 2)}\n`);
        print(`OpenAPI document written to ${options.out}`);
      } finally {
        await gateway.stop();
        rmSync(dataDir, { recursive: true, force: true });
      }
    });
}
