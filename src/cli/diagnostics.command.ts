import type { Command } from 'commander';
import { randomUUID } from 'node:crypto';
import { DiagnosticsService } from '../platform/diagnostics/diagnostics.service.js';
import { OutboxRepository } from '../platform/jobs/outbox.repository.js';
import { OutboxService } from '../platform/jobs/outbox.service.js';
import { cliConfig, EXIT, print, withDatabase } from './cli-context.js';

export function registerDiagnosticsCommands(program: Command): void {
  const command = program.command('diagnostics').description('prove the plumbing of this deployment');

  command
    .command('enqueue-probes')
    .description('enqueue probe jobs whose effect is written exactly once; a worker runs them')
    .option('--count <n>', 'how many', '100')
    .option('--run <id>', 'run id (default: a new one)')
    .option('--fail-attempts <n>', 'make each probe fail this many attempts first', '0')
    .option('--permanent', 'make each probe fail permanently (dead letters)')
    .action(async (options: { count: string; run?: string; failAttempts: string; permanent?: boolean }) => {
      const run = options.run ?? randomUUID();
      await withDatabase(cliConfig(), (db) =>
        new DiagnosticsService(db, new OutboxService(new OutboxRepository(db))).enqueueProbes(
          run,
          Number(options.count),
          {
            failAttempts: Number(options.failAttempts) || undefined,
            permanent: options.permanent,
          },
        ),
      );
      print({ run, enqueued: Number(options.count) });
    });

  command
    .command('probe-report')
    .description('count each probe effect of a run: exit 0 when every one exists exactly once')
    .argument('<run>', 'run id')
    .action(async (run: string) => {
      const report = await withDatabase(cliConfig(), (db) =>
        new DiagnosticsService(db, new OutboxService(new OutboxRepository(db))).report(run),
      );
      print(report);
      const complete = report.expected > 0 && report.once === report.expected && report.doubled.length === 0;
      if (!complete) process.exitCode = EXIT.findings;
    });
}
