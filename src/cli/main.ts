import 'reflect-metadata';
import { Command, CommanderError } from 'commander';
import { describeConfig, renderConfigTable } from '../config/config.js';
import { runMigrations } from '../platform/database/data-source.js';
import { openDatabaseEndpoint } from '../platform/database/database-endpoint.js';
import { SecretFiles } from '../platform/secrets/secret-files.js';
import { CliFailure, cliConfig, EXIT, print } from './cli-context.js';
import { registerCredentialCommands } from './credentials.command.js';
import { registerDeadLetterCommands } from './dead-letters.command.js';
import { registerDemoCommand } from './demo.command.js';
import { registerDiagnosticsCommands } from './diagnostics.command.js';
import { registerEdiCommands } from './edi.command.js';
import { registerEdiTranslateCommand } from './edi-translate.command.js';
import { registerErpSimulatorCommands } from './erp-simulator.command.js';
import { registerIdentityCommands } from './identity.command.js';
import { registerOpenApiCommand } from './openapi.command.js';
import { registerMasterDataCommands } from './masterdata.command.js';
import { registerPartnerCommands } from './partners.command.js';

const program = new Command('gateway')
  .description('Supplier Gateway administration. Reads the same configuration (environment) as the server.')
  .exitOverride()
  .showHelpAfterError();

program
  .command('migrate')
  .description('apply pending database migrations')
  .action(async () => {
    const config = cliConfig();
    const endpoint = await openDatabaseEndpoint(config);
    try {
      const applied = await runMigrations(endpoint);
      print(applied.length === 0 ? 'database schema is up to date' : `applied: ${applied.join(', ')}`);
    } finally {
      await endpoint.close();
    }
  });

const configCommand = program.command('config').description('configuration');
configCommand
  .command('check')
  .description('validate the configuration and print it, secrets masked')
  .option('--json', 'print JSON')
  .action((options: { json?: boolean }) => {
    let config;
    try {
      config = cliConfig();
    } catch (error) {
      // An invalid configuration is this command's finding, not its failure.
      throw new CliFailure((error as Error).message, EXIT.findings);
    }
    const rows = describeConfig(config);
    if (options.json) return print(rows);
    const width = Math.max(...rows.map((r) => r.name.length));
    print(['configuration is valid', ...rows.map((r) => `  ${r.name.padEnd(width)}  ${r.value}`)].join('\n'));
  });

program
  .command('secrets')
  .description('keys and secrets')
  .command('init')
  .description('generate every missing key into a directory that all gateway processes mount')
  .requiredOption('--dir <dir>', 'directory to write into (e.g. a shared volume)')
  .action((options: { dir: string }) => {
    const created = SecretFiles.in(options.dir).generateMissing();
    print(created.length === 0 ? `all keys present in ${options.dir}` : `created: ${created.join(', ')}`);
  });

configCommand
  .command('table')
  .description('print the configuration reference as a Markdown table (for the README)')
  .action(() => print(renderConfigTable()));

registerIdentityCommands(program);
registerCredentialCommands(program);
registerDeadLetterCommands(program);
registerDiagnosticsCommands(program);
registerEdiCommands(program);
registerEdiTranslateCommand(program);
registerPartnerCommands(program);
registerErpSimulatorCommands(program);
registerOpenApiCommand(program);
registerMasterDataCommands(program);
registerDemoCommand(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    process.exit(error.exitCode === 0 ? EXIT.ok : EXIT.usage);
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`${message}\n`);
  process.exit(error instanceof CliFailure ? error.exitCode : EXIT.failure);
}
