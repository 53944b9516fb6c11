import type { Command } from 'commander';
import { userInfo } from 'node:os';
import type { DataSource } from 'typeorm';
import type { Actor } from '../audit/actor.js';
import { AuditService } from '../audit/audit.service.js';
import { ApiKeyService } from '../gateway/api-keys.service.js';
import { IdentityService } from '../gateway/identity.service.js';
import { OAuthClientService, type RegisteredClient } from '../gateway/oauth/oauth-clients.service.js';
import { PARTNER_SCOPES, type PartnerScope } from '../gateway/principal.js';
import { loadPartnerProfiles } from '../partners/partner-loader.js';
import { PartnerRegistry } from '../partners/partner-registry.js';
import { CliFailure, cliConfig, EXIT, print, withDatabase } from './cli-context.js';

interface Services {
  readonly clients: OAuthClientService;
  readonly keys: ApiKeyService;
}

async function run<T>(fn: (services: Services) => Promise<T>): Promise<T> {
  const config = cliConfig();
  const { profiles } = loadPartnerProfiles(config.PARTNERS_DIR);
  const partners = new PartnerRegistry(profiles);
  return withDatabase(config, async (db: DataSource) => {
    const audit = new AuditService(db);
    const identity = new IdentityService(db, audit);
    try {
      return await fn({
        clients: new OAuthClientService(db, audit, partners, config),
        keys: new ApiKeyService(db, identity, audit, partners),
      });
    } catch (error) {
      if ((error as { name?: string }).name === 'GatewayError')
        throw new CliFailure((error as Error).message, EXIT.findings);
      throw error;
    }
  });
}

/** Administrative commands are audited as the operating-system user who ran them. */
const operator: Actor = { kind: 'cli', name: userInfo().username };

const scopesOf = (value: string): PartnerScope[] =>
  value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean) as PartnerScope[];

const overlap = (value: string): number => {
  const seconds = Number(value);
  if (!Number.isInteger(seconds) || seconds < 0)
    throw new CliFailure('--overlap expects whole seconds', EXIT.usage);
  return seconds;
};

function printClient(registered: RegisteredClient): void {
  print(
    [
      `client_id:     ${registered.client.clientId}`,
      `client_secret: ${registered.clientSecret}`,
      '(the secret is shown once; store it now, it cannot be read back)',
      `scopes:        ${registered.client.scopes.join(' ')}`,
    ].join('\n'),
  );
}

/** `gateway oauth-clients …` and `gateway api-keys …`: the credentials partners and systems call the API with. */
export function registerCredentialCommands(program: Command): void {
  const clients = program
    .command('oauth-clients')
    .description('OAuth2 clients (client credentials) for partners and system clients');
  clients
    .command('add')
    .description('register a client for a partner (--partner, --scopes) or a system client (--system-client)')
    .option('--partner <id>', 'the partner the client acts for')
    .option('--scopes <list>', `partner scopes, comma-separated: ${PARTNER_SCOPES.join(', ')}`)
    .option('--system-client <name>', 'the system client (from `gateway clients add`) the client acts for')
    .option('--label <label>')
    .action(async (options: { partner?: string; scopes?: string; systemClient?: string; label?: string }) => {
      if (Boolean(options.partner) === Boolean(options.systemClient))
        throw new CliFailure('give either --partner (with --scopes) or --system-client', EXIT.usage);
      const registered = await run(({ clients }) =>
        options.partner
          ? clients.registerForPartner(
              { partnerId: options.partner, scopes: scopesOf(options.scopes ?? ''), label: options.label },
              operator,
            )
          : clients.registerForSystem(
              { systemClient: options.systemClient!, label: options.label },
              operator,
            ),
      );
      printClient(registered);
    });
  clients
    .command('rotate-secret')
    .description('issue a new secret; the old ones stay valid for --overlap seconds')
    .argument('<client-id>')
    .option('--overlap <seconds>', 'how long the old secrets keep working', '86400')
    .action(async (clientId: string, options: { overlap: string }) => {
      printClient(
        await run(({ clients }) => clients.rotateSecret(clientId, overlap(options.overlap), operator)),
      );
    });
  clients
    .command('revoke')
    .description('revoke a client: no new tokens; issued tokens stop within CREDENTIAL_CACHE_SECONDS')
    .argument('<client-id>')
    .action(async (clientId: string) => {
      await run(({ clients }) => clients.revoke(clientId, operator));
      print(`revoked ${clientId}`);
    });
  clients
    .command('list')
    .description('list clients')
    .option('--partner <id>')
    .action(async (options: { partner?: string }) => {
      const all = await run(({ clients }) => clients.list({ partnerId: options.partner }));
      print(
        all.length === 0
          ? 'no OAuth clients'
          : all
              .map(
                (c) =>
                  `${c.clientId}\t${c.partnerId ?? c.systemClient}\t${c.scopes.join(',')}\t${c.revokedAt ? 'revoked' : 'active'}\t${c.label ?? ''}`,
              )
              .join('\n'),
      );
    });

  const keys = program.command('api-keys').description('partner API keys');
  keys
    .command('add')
    .description('issue an API key for a partner (shown once)')
    .argument('<partner>')
    .requiredOption('--scopes <list>', `comma-separated: ${PARTNER_SCOPES.join(', ')}`)
    .option('--label <label>')
    .action(async (partner: string, options: { scopes: string; label?: string }) => {
      const created = await run(({ keys }) =>
        keys.create(partner, { scopes: scopesOf(options.scopes), label: options.label }, operator),
      );
      print(`API key (shown once; store it now, it cannot be read back):\n${created.token}`);
    });
  keys
    .command('rotate')
    .description('issue a replacement key; the old one stays valid for --overlap seconds')
    .argument('<partner>')
    .argument('<lookup>', 'the part after sgp_ and before the next underscore')
    .option('--overlap <seconds>', 'how long the old key keeps working', '86400')
    .action(async (partner: string, lookup: string, options: { overlap: string }) => {
      const rotated = await run(({ keys }) =>
        keys.rotate(partner, lookup, overlap(options.overlap), operator),
      );
      print(`replacement API key (shown once):\n${rotated.token}`);
    });
  keys
    .command('revoke')
    .argument('<partner>')
    .argument('<lookup>')
    .action(async (partner: string, lookup: string) => {
      await run(({ keys }) => keys.revoke(partner, lookup, operator));
      print(`revoked ${lookup}`);
    });
  keys
    .command('list')
    .argument('<partner>')
    .action(async (partner: string) => {
      const all = await run(({ keys }) => keys.list(partner));
      print(
        all.length === 0
          ? `no API keys for ${partner}`
          : all
              .map(
                (k) =>
                  `${k.prefix}\t${k.state}\t${k.scopes.join(',')}\t${k.lastUsedAt ?? 'never used'}\t${k.label ?? ''}`,
              )
              .join('\n'),
      );
    });
}
