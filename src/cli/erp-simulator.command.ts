import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { DataSource } from 'typeorm';
import {
  startSimulatorHttpServer,
  type SimulatorCredentials,
} from '../erp/simulator/http/simulator-http-server.js';
import { seedDemoMasterData } from '../erp/simulator/simulator-seed.js';
import { dataSourceOptions, runMigrations } from '../platform/database/data-source.js';
import { openDatabaseEndpoint } from '../platform/database/database-endpoint.js';
import { CliFailure, cliConfig, EXIT, print } from './cli-context.js';

interface ServeOptions {
  port: string;
  host: string;
  bearerTokenFile?: string;
  basicUsername?: string;
  basicPasswordFile?: string;
  seed: boolean;
}

export function registerErpSimulatorCommands(program: Command): void {
  const command = program
    .command('erp-simulator')
    .description('the ERP simulator as a separate process, for tests and demos (docs/erp.md)');

  command
    .command('serve')
    .description(
      "serve the generic REST ERP contract (docs/erp-contract.yaml) over the simulator's ledger in the " +
        'configured database, until SIGTERM or SIGINT',
    )
    .requiredOption('--port <port>', 'TCP port (0 picks a free one)')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--bearer-token-file <file>', 'require this bearer token (file with one line)')
    .option('--basic-username <name>', 'require basic authentication with this user name…')
    .option('--basic-password-file <file>', '…and the password in this file')
    .option('--no-seed', 'do not insert the demo master data (plant 1000)')
    .action((options: ServeOptions) => serve(options));
}

async function serve(options: ServeOptions): Promise<void> {
  const port = Number(options.port);
  if (!/^\d{1,5}$/.test(options.port) || port > 65_535) {
    throw new CliFailure(`--port must be 0-65535, not ${options.port}`, EXIT.usage);
  }
  const credentials = expectedCredentials(options);
  const config = cliConfig();
  const stop = stopSignal();

  const endpoint = await openDatabaseEndpoint(config);
  try {
    await runMigrations(endpoint);
    await endpoint.settle();
    const dataSource = new DataSource(dataSourceOptions(endpoint));
    await dataSource.initialize();
    try {
      if (options.seed) await seedDemoMasterData(dataSource);
      const simulator = await startSimulatorHttpServer({
        dataSource,
        port,
        host: options.host,
        credentials,
        onError: (error) =>
          process.stderr.write(
            `erp-simulator: unexpected error: ${error instanceof Error ? error.message : String(error)}\n`,
          ),
      });
      print(`erp-simulator listening on ${simulator.url}`);
      const signal = await stop;
      // Stop accepting, let calls in flight (late commits too) finish, then close the database.
      await simulator.close();
      print(`erp-simulator stopped (${signal})`);
    } finally {
      await dataSource.destroy();
    }
  } finally {
    await endpoint.close();
  }
}

/** Resolves on the first SIGTERM or SIGINT; a second one ends the process at once. */
function stopSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    let stopping = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (stopping) process.exit(EXIT.failure);
      stopping = true;
      resolve(signal);
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
}

function expectedCredentials(options: ServeOptions): SimulatorCredentials | undefined {
  const basic = options.basicUsername !== undefined || options.basicPasswordFile !== undefined;
  if (options.bearerTokenFile && basic) {
    throw new CliFailure('give --bearer-token-file or the --basic-* options, not both', EXIT.usage);
  }
  if (options.bearerTokenFile) return { type: 'bearer', token: secret(options.bearerTokenFile) };
  if (!basic) return undefined;
  if (!options.basicUsername || !options.basicPasswordFile) {
    throw new CliFailure('--basic-username and --basic-password-file go together', EXIT.usage);
  }
  return { type: 'basic', username: options.basicUsername, password: secret(options.basicPasswordFile) };
}

function secret(file: string): string {
  let content: string;
  try {
    content = readFileSync(file, 'utf8');
  } catch (error) {
    throw new CliFailure(`cannot read ${file}: ${(error as Error).message}`);
  }
  const value = content.replace(/\r?\n$/, '');
  if (value === '' || /[\r\n]/.test(value))
    throw new CliFailure(`${file} must hold exactly one non-empty line`);
  return value;
}
