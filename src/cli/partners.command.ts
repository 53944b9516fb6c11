import type { Command } from 'commander';
import { loadConfig } from '../config/config.js';
import { formatProblem, loadPartnerProfiles } from '../partners/partner-loader.js';
import type { PartnerProfile } from '../partners/partner-profile.schema.js';
import { livePartnersOnEmbedded } from '../partners/partners.module.js';
import { CliFailure, cliConfig, EXIT, print } from './cli-context.js';

/** `gateway partners check|list`: read the profiles only, never the database. */
export function registerPartnerCommands(program: Command): void {
  const command = program.command('partners').description('trading-partner profiles');

  command
    .command('check')
    .description('validate every partner profile; print each problem with file, line and path')
    .option('--dir <dir>', 'profile directory (default: PARTNERS_DIR)')
    .action((options: { dir?: string }) => {
      const dir = options.dir ?? cliConfig().PARTNERS_DIR;
      const { profiles, problems } = loadPartnerProfiles(dir);
      if (problems.length > 0) {
        // The problems are the command's output; the summary goes with the exit code to stderr.
        print(problems.map(formatProblem).join('\n'));
        const files = new Set(problems.map((p) => p.file)).size;
        throw new CliFailure(
          `${problems.length} problem${problems.length === 1 ? '' : 's'} in ${files} file${files === 1 ? '' : 's'}`,
          EXIT.findings,
        );
      }
      print(`${profiles.length} partner profile${profiles.length === 1 ? '' : 's'} valid`);
      warnLiveOnEmbedded(profiles);
    });

  command
    .command('list')
    .description('list partners: id, name, status, standards')
    .option('--dir <dir>', 'profile directory (default: PARTNERS_DIR)')
    .option('--json', 'print JSON')
    .action((options: { dir?: string; json?: boolean }) => {
      const dir = options.dir ?? cliConfig().PARTNERS_DIR;
      const { profiles, problems } = loadPartnerProfiles(dir);
      if (problems.length > 0)
        throw new CliFailure(
          [
            ...problems.map(formatProblem),
            'partner profiles are invalid; fix them first (gateway partners check)',
          ].join('\n'),
          EXIT.findings,
        );
      const rows = profiles.map((p) => ({
        id: p.id,
        name: p.name,
        status: p.status,
        standards: standards(p),
      }));
      if (options.json) return print(rows);
      if (rows.length === 0) return print(`no partner profiles in ${dir}`);
      const width = (key: keyof (typeof rows)[number]) =>
        Math.max(key.length, ...rows.map((r) => r[key].length));
      const line = (r: Record<'id' | 'name' | 'status' | 'standards', string>) =>
        `${r.id.padEnd(width('id'))}  ${r.name.padEnd(width('name'))}  ${r.status.padEnd(width('status'))}  ${r.standards}`.trimEnd();
      print(
        [line({ id: 'id', name: 'name', status: 'status', standards: 'standards' }), ...rows.map(line)].join(
          '\n',
        ),
      );
    });
}

/** `x12 004010, edifact D96A`: each standard and version the partner exchanges, in profile order. */
function standards(profile: PartnerProfile): string {
  const all = [...profile.documents.inbound, ...profile.documents.outbound].map(
    (d) => `${d.standard} ${d.version}`,
  );
  return [...new Set(all)].join(', ');
}

/**
 * Profiles can be valid while the boot would still refuse them. The check is often run where the
 * deployment's configuration is absent (CI), so this is a note on stderr, not a finding.
 */
function warnLiveOnEmbedded(profiles: readonly PartnerProfile[]): void {
  let config;
  try {
    config = loadConfig(process.env);
  } catch {
    return;
  }
  const live = livePartnersOnEmbedded(config, profiles);
  if (live.length === 0 || config.EMBEDDED_ALLOW_LIVE_PARTNERS) return;
  process.stderr.write(
    `note: ${live.map((p) => p.id).join(', ')} ${live.length === 1 ? 'is' : 'are'} live and this configuration ` +
      'uses the embedded database: the gateway will refuse to start unless DATABASE_URL is set or ' +
      'EMBEDDED_ALLOW_LIVE_PARTNERS=true accepts the risk (docs/partners.md)\n',
  );
}
