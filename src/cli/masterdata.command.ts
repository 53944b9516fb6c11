import type { Command } from 'commander';
import { userInfo } from 'node:os';
import { resolve } from 'node:path';
import { readMasterDataFiles } from '../replenishment/master-data/master-data-file.js';
import { validateMasterData } from '../replenishment/master-data/master-data.model.js';
import { MasterDataRepository } from '../replenishment/master-data/master-data.repository.js';
import { ReplenishmentError } from '../replenishment/replenishment.exception.js';
import { CliFailure, cliConfig, EXIT, print, withDatabase } from './cli-context.js';

/** `gateway masterdata import FILE...` and `gateway masterdata versions`: plant master data from files. */
export function registerMasterDataCommands(program: Command): void {
  const command = program
    .command('masterdata')
    .description('master data for plant events (plants, materials, units, BOMs, source lists)');

  command
    .command('import')
    .description(
      'import one complete master data set from a YAML/JSON file with every section, or CSV files (one per section, recognised by the header); a new version unless the content is unchanged',
    )
    .argument('<files...>', 'YAML, JSON or CSV files')
    .option('--check', 'validate only; write nothing')
    .option('--by <name>', 'who imports it (recorded)', userInfo().username)
    .action(async (files: string[], options: { check?: boolean; by: string }) => {
      let data;
      try {
        data = validateMasterData(readMasterDataFiles(files));
      } catch (error) {
        if (error instanceof ReplenishmentError)
          throw new CliFailure(
            [error.message, ...error.details.map((d) => `  ${d}`)].join('\n'),
            EXIT.findings,
          );
        throw new CliFailure((error as Error).message, EXIT.findings);
      }
      const counts = Object.entries(data)
        .map(([k, v]) => `${k} ${(v as unknown[]).length}`)
        .join(', ');
      if (options.check) return print(`master data is valid: ${counts}`);
      const result = await withDatabase(cliConfig(), (db) =>
        new MasterDataRepository().replace(
          db,
          data,
          'file',
          files.map((f) => resolve(f)).join(','),
          `cli:${options.by}`,
        ),
      );
      print(
        result.changed
          ? `imported master data version ${result.version.id}: ${counts}`
          : `unchanged: the content equals version ${result.version.id}`,
      );
    });

  command
    .command('versions')
    .description('list imported master data versions, newest first')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      const versions = await withDatabase(cliConfig(), (db) => new MasterDataRepository().versions(db));
      if (options.json) return print(versions);
      if (versions.length === 0) return print('no master data imported');
      print(
        versions
          .map(
            (v) =>
              `${v.id}\t${v.importedAt}\t${v.source}\t${v.origin}\t${v.importedBy}\t${JSON.stringify(v.counts)}`,
          )
          .join('\n'),
      );
    });
}
