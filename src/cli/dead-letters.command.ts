import type { Command } from 'commander';
import { userInfo } from 'node:os';
import { AuditService } from '../audit/audit.service.js';
import { DeadLetterService } from '../platform/jobs/dead-letter.service.js';
import { CliFailure, cliConfig, EXIT, print, withDatabase } from './cli-context.js';

export function registerDeadLetterCommands(program: Command): void {
  const command = program.command('dead-letters').description('jobs that ran out of attempts');

  command
    .command('list')
    .description('list dead letters, newest first')
    .option('--all', 'include replayed ones')
    .option('--limit <n>', 'at most this many', '100')
    .option('--json', 'print JSON with payloads and attempt history')
    .action(async (options: { all?: boolean; limit: string; json?: boolean }) => {
      const letters = await withDatabase(cliConfig(), (db) =>
        new DeadLetterService(db, new AuditService(db)).list({
          includeReplayed: options.all,
          limit: Number(options.limit),
        }),
      );
      if (options.json) return print(letters);
      if (letters.length === 0) return print('no dead letters');
      print(
        letters
          .map(
            (l) =>
              `${l.id}\t${l.deadAt}\t${l.jobName}\t${l.jobKey}\tattempts=${l.attempts.length}` +
              `${l.replayedAt ? `\treplayed ${l.replayedAt} by ${l.replayedBy}` : ''}\n\t${l.error}`,
          )
          .join('\n'),
      );
    });

  command
    .command('replay')
    .description('put a dead letter back in the outbox with fresh attempts (same job key)')
    .argument('<id>', 'dead letter id')
    .option('--by <name>', 'who replays it (recorded)', userInfo().username)
    .action(async (id: string, options: { by: string }) => {
      const letter = await withDatabase(cliConfig(), async (db) => {
        try {
          return await new DeadLetterService(db, new AuditService(db)).replay(id, {
            kind: 'cli',
            name: options.by,
          });
        } catch (error) {
          throw new CliFailure((error as Error).message, EXIT.findings);
        }
      });
      print(`replayed dead letter ${letter.id}: job ${letter.jobKey} is pending again`);
    });
}
