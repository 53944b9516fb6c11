import 'reflect-metadata';
import { ConfigError, isEmbedded, loadConfig } from './config/config.js';
import { startGateway } from './platform/bootstrap/start-gateway.js';
import { createRootLogger } from './platform/logging/logger.js';

/**
 * `npm start`: one gateway process. A bad configuration or a refused start (data directory in
 * use, second process, evicting Redis) ends the process with one clear line and exit code 1.
 */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      for (const line of error.lines()) process.stderr.write(`${line}\n`);
      process.exit(1);
    }
    throw error;
  }
  const logger = createRootLogger(config);
  let gateway;
  try {
    gateway = await startGateway(config, logger);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    logger.fatal({ err: error }, 'gateway did not start');
    process.stderr.write(`gateway did not start: ${message}\n`);
    logger.flush();
    process.exit(1);
  }

  const base = config.PUBLIC_URL ?? gateway.url;
  logger.info(
    {
      role: config.GATEWAY_ROLE,
      embedded: isEmbedded(config),
      jobs: config.REDIS_URL ? 'bullmq' : 'in-process',
    },
    `gateway ready at ${base}`,
  );
  process.stderr.write(
    [
      `Supplier Gateway (${config.GATEWAY_ROLE}) is running${isEmbedded(config) ? ` on the embedded database in ${config.DATA_DIR}` : ''}`,
      `  health   ${base}/health`,
      `  API docs ${base}/docs  (OpenAPI: ${base}/docs/openapi.json)`,
      `  metrics  ${base}/metrics`,
      '',
    ].join('\n'),
  );

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    const force = setTimeout(() => {
      logger.error('shutdown timed out; exiting');
      process.exit(1);
    }, config.SHUTDOWN_TIMEOUT_MS + 5_000);
    force.unref();
    gateway.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

void main();
