import type { Command } from 'commander';
import { userInfo } from 'node:os';
import { AuditService } from '../audit/audit.service.js';
import type { Actor } from '../audit/actor.js';
import type { DataSource } from 'typeorm';
import { IdentityService } from '../gateway/identity.service.js';
import { OAuthClientService } from '../gateway/oauth/oauth-clients.service.js';
import { PartnerRegistry } from '../partners/partner-registry.js';
import {
  PARTNER_SCOPES,
  SYSTEM_SCOPES,
  USER_ROLES,
  type PartnerScope,
  type SystemKind,
  type SystemScope,
  type UserRole,
} from '../gateway/principal.js';
import { loadPartnerProfiles } from '../partners/partner-loader.js';
import { setPasswordAsOperator } from '../portal/operator-password.js';
import { PortalError } from '../portal/portal.exception.js';
import { CliFailure, cliConfig, EXIT, print, withDatabase } from './cli-context.js';
import { readPassword } from './password-input.js';

const list = (value: string): string[] =>
  value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

async function run<T>(fn: (identity: IdentityService, db: DataSource) => Promise<T>): Promise<T> {
  return withDatabase(cliConfig(), async (db) => {
    try {
      return await fn(new IdentityService(db, new AuditService(db)), db);
    } catch (error) {
      if ((error as { name?: string }).name === 'GatewayError')
        throw new CliFailure((error as Error).message, EXIT.findings);
      throw error;
    }
  });
}

/** Administrative commands are audited as the operating-system user who ran them. */
const operator: Actor = { kind: 'cli', name: userInfo().username };

function shownOnce(token: string): string {
  return `token (shown once; store it now, it cannot be read back):\n${token}`;
}

/** `gateway users …`, `gateway clients …`, `gateway tokens …`: the identities behind access tokens. */
export function registerIdentityCommands(program: Command): void {
  const users = program.command('users').description('people: supplier users and admins, buyers, admins');
  users
    .command('add')
    .description('add a user and print a token for them')
    .requiredOption('--email <email>')
    .requiredOption('--name <name>', 'display name')
    .requiredOption('--role <role>', USER_ROLES.join(' | '))
    .option('--partner <id>', 'the partner a supplier user or supplier admin belongs to')
    .option('--no-token', 'do not issue a token')
    .action(
      async (options: { email: string; name: string; role: UserRole; partner?: string; token: boolean }) => {
        if (options.partner) requirePartner(options.partner);
        const { user, token } = await run(async (identity) => {
          const user = await identity.addUser(
            {
              email: options.email,
              displayName: options.name,
              role: options.role,
              partnerId: options.partner ?? null,
            },
            operator,
          );
          return {
            user,
            token: options.token
              ? await identity.issueUserToken(user.id, operator, 'created with the user')
              : undefined,
          };
        });
        print(`added ${user.role} ${user.email} (${user.id})${token ? `\n${shownOnce(token.token)}` : ''}`);
      },
    );
  users
    .command('token')
    .description('issue another token for a user')
    .argument('<email>')
    .option('--label <label>')
    .action(async (email: string, options: { label?: string }) => {
      const token = await run(async (identity) =>
        identity.issueUserToken((await identity.user(email)).id, operator, options.label),
      );
      print(shownOnce(token.token));
    });
  users
    .command('set-password')
    .description(
      'set a portal password (read from standard input, or asked for at a terminal; never an argument): ' +
        'the way in when the gateway cannot send invitation or reset mails',
    )
    .argument('<email>')
    .allowExcessArguments(false)
    .action(async (email: string) => {
      const password = await readPassword();
      const result = await withDatabase(cliConfig(), async (db) => {
        try {
          return await setPasswordAsOperator(db, new AuditService(db), { email, password }, operator);
        } catch (error) {
          if (error instanceof PortalError) throw new CliFailure(error.message, EXIT.findings);
          throw error;
        }
      });
      print(
        `password set for ${email.trim().toLowerCase()}` +
          (result.sessionsEnded > 0 ? `; ${result.sessionsEnded} session(s) ended` : '') +
          (result.active ? '' : '; the user is deactivated and cannot sign in until reactivated'),
      );
    });
  users
    .command('list')
    .description('list users')
    .action(async () => {
      const all = await run((identity) => identity.users());
      print(
        all.length === 0
          ? 'no users'
          : all
              .map((u) => `${u.email}\t${u.role}\t${u.partnerId ?? ''}\t${u.active ? '' : 'inactive'}`)
              .join('\n'),
      );
    });

  const clients = program.command('clients').description('system clients: the ERP, a plant MES, a WMS');
  clients
    .command('add')
    .description(
      'add a system client and print its OAuth2 client id and secret (or, with --token, a static token)',
    )
    .requiredOption('--name <name>')
    .requiredOption('--system <kind>', 'erp | mes | wms | other')
    .requiredOption('--scopes <list>', `comma-separated: ${SYSTEM_SCOPES.join(', ')}`)
    .option('--token', 'issue a static token instead of OAuth2 client credentials (scripts, tests)')
    .action(async (options: { name: string; system: SystemKind; scopes: string; token?: boolean }) => {
      const shown = await run(async (identity, db) => {
        await identity.addSystemClient(
          {
            name: options.name,
            system: options.system,
            scopes: list(options.scopes) as SystemScope[],
          },
          operator,
        );
        if (options.token)
          return shownOnce(
            (await identity.issueSystemToken(options.name, operator, 'created with the client')).token,
          );
        const clients = new OAuthClientService(
          db,
          new AuditService(db),
          new PartnerRegistry([]),
          cliConfig(),
        );
        const registered = await clients.registerForSystem(
          { systemClient: options.name, label: 'created with the client' },
          operator,
        );
        return [
          `client_id:     ${registered.client.clientId}`,
          `client_secret: ${registered.clientSecret}`,
          '(the secret is shown once; exchange both at POST /oauth/token for access tokens)',
        ].join('\n');
      });
      print(`added system client ${options.name}\n${shown}`);
    });
  clients
    .command('list')
    .description('list system clients')
    .action(async () => {
      const all = await run((identity) => identity.systemClients());
      print(
        all.length === 0
          ? 'no system clients'
          : all.map((c) => `${c.name}\t${c.system}\t${c.scopes.join(',')}`).join('\n'),
      );
    });

  const tokens = program.command('tokens').description('access tokens');
  tokens
    .command('partner')
    .description('issue a partner API key (same as `gateway api-keys add`; default: every scope)')
    .argument('<partner>', 'partner id')
    .option('--scopes <list>', `comma-separated: ${PARTNER_SCOPES.join(', ')}`, PARTNER_SCOPES.join(','))
    .option('--label <label>')
    .action(async (partner: string, options: { scopes: string; label?: string }) => {
      requirePartner(partner);
      const token = await run((identity) =>
        identity.issuePartnerToken(partner, list(options.scopes) as PartnerScope[], operator, options.label),
      );
      print(shownOnce(token.token));
    });
  tokens
    .command('revoke')
    .description('revoke a token by its lookup id (the part after the first underscore)')
    .argument('<lookup>')
    .action(async (lookup: string) => {
      const revoked = await run((identity) => identity.revokeToken(lookup, operator));
      if (!revoked) throw new CliFailure(`no active token ${lookup}`, EXIT.findings);
      print(`revoked ${lookup}`);
    });
}

function requirePartner(id: string): void {
  const { profiles } = loadPartnerProfiles(cliConfig().PARTNERS_DIR);
  if (!profiles.some((p) => p.id === id))
    throw new CliFailure(`no partner ${id} in ${cliConfig().PARTNERS_DIR}`, EXIT.findings);
}
