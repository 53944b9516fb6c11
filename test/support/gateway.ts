import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRootLogger } from '../../src/platform/logging/logger.js';
import { loadConfig } from '../../src/config/config.js';
import { startGateway, type RunningGateway } from '../../src/platform/bootstrap/start-gateway.js';

/**
 * Starts a gateway inside the test process on a random port with a temporary DATA_DIR. Its log lines
 * (JSON, at LOG_LEVEL) go to `onLog`, one call per line, instead of stdout. Request lines, and what is
 * logged while a request runs, go to each gateway's own; nestjs-pino keeps one root logger per process
 * (the first one's), so lines logged outside a request (jobs) go to the first gateway's `onLog` only.
 */
export async function startTestGateway(
  env: Record<string, string>,
  options: { onLog?: (line: string) => void } = {},
): Promise<RunningGateway & { dataDir: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sg-test-'));
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'warn', ...env });
  const { onLog } = options;
  const destination = onLog ? { write: (line: string) => onLog(line) } : undefined;
  const gateway = await startGateway(config, createRootLogger(config, destination));
  return {
    ...gateway,
    dataDir,
    stop: async () => {
      await gateway.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A signing key file, as an operator would mount for several processes. */
export function signingKeyFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sg-key-'));
  const path = join(dir, 'token-signing-key.pem');
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  writeFileSync(path, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  return path;
}
