import { Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
// ssh2 is CommonJS: Node's ESM loader gives its exports as the default export only.
import ssh2, { type AuthContext, type Connection, type ParsedKey } from 'ssh2';

const { Server } = ssh2;
import type { GatewayConfig } from '../../config/config.js';
import { InjectConfig } from '../../config/config.module.js';
import { PartnerRegistry } from '../../partners/partner-registry.js';
import { hashMailboxPassword, parseAuthorizedKeys, verifyMailboxPassword } from './sftp-credentials.js';
import { loadMailboxHostKey } from './sftp-host-key.js';
import { SftpError, SftpErrorCode } from './sftp.exception.js';
import { MailboxFilesRepository } from './mailbox-files.repository.js';
import { MailboxSession } from './mailbox-session.js';
import { sftpMaxFileBytes } from './sftp-file-limit.js';
import { MailboxStore } from './mailbox-store.service.js';

/** Failed password or key attempts one connection may make (OpenSSH's MaxAuthTries is 6). */
const MAX_AUTH_FAILURES = 6;

interface MailboxAccount {
  readonly partnerId: string;
  readonly username: string;
  readonly passwordHash?: string;
  readonly keys: readonly ParsedKey[];
  readonly maxFileBytes: number;
}

/**
 * The hosted SFTP mailbox (ssh2 server): partners log in with a password or a public key and get
 * their own jailed tree (MailboxSession). Runs in api processes when SFTP_ENABLED and at least one
 * partner enables `channels.sftp.mailbox`; any api process serves any partner, because the files
 * live in the database and the blob store. Only the sftp subsystem is offered: no shell, no exec,
 * no port or socket forwarding.
 */
@Injectable()
export class MailboxServer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private server?: InstanceType<typeof Server>;
  private readonly clients = new Set<Connection>();
  private accounts = new Map<string, MailboxAccount>();
  private hostKeyFingerprint?: string;
  /** Checked for unknown users too, so the answer's timing does not tell which user names exist. */
  private decoyHash = '';

  constructor(
    @InjectConfig() private readonly config: GatewayConfig,
    private readonly partners: PartnerRegistry,
    private readonly files: MailboxFilesRepository,
    private readonly store: MailboxStore,
    @InjectPinoLogger(MailboxServer.name) private readonly logger: PinoLogger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.SFTP_ENABLED || this.config.GATEWAY_ROLE === 'worker') return;
    this.accounts = this.loadAccounts();
    if (this.accounts.size === 0) return;
    this.decoyHash = await hashMailboxPassword(randomBytes(16).toString('hex'));
    const hostKey = loadMailboxHostKey(this.config);
    this.hostKeyFingerprint = hostKey.fingerprint;
    const spoolDir = join(resolve(this.config.DATA_DIR), 'sftp-spool');
    await mkdir(spoolDir, { recursive: true, mode: 0o700 });
    const server = new Server({ hostKeys: [hostKey.privateKey], ident: 'SupplierGateway' }, (client) =>
      this.serve(client, spoolDir),
    );
    server.on('error', (error: Error) => this.logger.error({ err: error }, 'sftp mailbox server error'));
    server.listen(this.config.SFTP_PORT, this.config.SFTP_HOST ?? this.config.HOST);
    await Promise.race([
      once(server, 'listening'),
      once(server, 'error').then(([error]) => Promise.reject(error as Error)),
    ]);
    this.server = server;
    this.logger.info(
      { port: this.port(), hostKey: hostKey.fingerprint, partners: this.accounts.size },
      'sftp mailbox listening',
    );
  }

  async beforeApplicationShutdown(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    for (const client of this.clients) client.end();
    await new Promise<void>((done) => server.close(() => done()));
  }

  /** The bound port (SFTP_PORT=0 picks a free one), or undefined when the mailbox is not serving. */
  port(): number | undefined {
    return (this.server?.address() as AddressInfo | null)?.port;
  }

  /** The SHA256 fingerprint partners pin for the mailbox. */
  fingerprint(): string | undefined {
    return this.hostKeyFingerprint;
  }

  private loadAccounts(): Map<string, MailboxAccount> {
    const accounts = new Map<string, MailboxAccount>();
    for (const profile of this.partners.all()) {
      const sftp = profile.channels.sftp;
      const mailbox = sftp?.enabled ? sftp.mailbox : undefined;
      if (!mailbox?.enabled) continue;
      const other = accounts.get(mailbox.username);
      if (other)
        throw new SftpError(
          SftpErrorCode.MailboxConfig,
          `partners ${other.partnerId} and ${profile.id} both use mailbox user name ${mailbox.username}`,
        );
      accounts.set(mailbox.username, {
        partnerId: profile.id,
        username: mailbox.username,
        passwordHash: mailbox.passwordHash,
        keys: parseAuthorizedKeys(mailbox.authorizedKeys),
        maxFileBytes: sftpMaxFileBytes(profile, this.config),
      });
    }
    return accounts;
  }

  private serve(client: Connection, spoolDir: string): void {
    this.clients.add(client);
    let account: MailboxAccount | undefined;
    let failures = 0;
    client.on('close', () => this.clients.delete(client));
    client.on('error', (error: Error) => this.logger.debug({ err: error }, 'sftp mailbox connection error'));
    client.on('authentication', (ctx) => {
      this.authenticate(ctx).then(
        (found) => {
          if (found) {
            account = found;
            ctx.accept();
          } else if (ctx.method !== 'none' && ++failures >= MAX_AUTH_FAILURES) {
            // ssh2 sets no limit of its own: a client guessing passwords is cut off.
            client.end();
          } else ctx.reject(['publickey', 'password']);
        },
        (error: unknown) => {
          this.logger.error({ err: error }, 'sftp mailbox authentication failed');
          ctx.reject(['publickey', 'password']);
        },
      );
    });
    client.on('ready', () => {
      const session = account!;
      this.logger.info({ partnerId: session.partnerId }, 'sftp mailbox login');
      client.on('session', (accept) => {
        const channel = accept();
        channel.on('sftp', (acceptSftp) => {
          new MailboxSession(acceptSftp(), {
            partnerId: session.partnerId,
            username: session.username,
            spoolDir,
            maxFileBytes: session.maxFileBytes,
            files: this.files,
            store: this.store,
            logger: this.logger,
            ready: this.recover(session.partnerId),
          });
        });
        for (const refused of ['pty', 'shell', 'exec', 'env', 'x11', 'subsystem', 'auth-agent'] as const)
          channel.on(refused as 'shell', (_accept: unknown, reject?: () => void) => reject?.());
      });
      client.on('tcpip', (_accept, reject) => reject());
      client.on('openssh.streamlocal', (_accept, reject) => reject());
      client.on('request', (_accept, reject) => reject?.());
    });
  }

  /**
   * Archives what an earlier failure left complete in the partner's `/inbound` before its session
   * starts, so the partner sees it in `/archive` and can never be refused its retry as "exists".
   */
  private async recover(partnerId: string): Promise<void> {
    try {
      const taken = await this.store.recover(partnerId);
      if (taken.length > 0)
        this.logger.warn({ partnerId, taken }, 'sftp mailbox: archived complete files left in /inbound');
    } catch (error) {
      this.logger.error({ err: error, partnerId }, 'sftp mailbox: could not archive files left in /inbound');
    }
  }

  /** The account a login proves, or undefined. Unknown users are refused like wrong passwords. */
  private async authenticate(ctx: AuthContext): Promise<MailboxAccount | undefined> {
    const account = this.accounts.get(ctx.username);
    if (ctx.method === 'password') {
      const matches = await verifyMailboxPassword(ctx.password, account?.passwordHash ?? this.decoyHash);
      return matches && account?.passwordHash ? account : undefined;
    }
    if (ctx.method === 'publickey') {
      if (!account) return undefined;
      const key = account.keys.find((k) => k.getPublicSSH().equals(ctx.key.data));
      if (!key) return undefined;
      // Without a signature the client only asks whether the key would do; ssh2 answers PK_OK.
      if (!ctx.signature) return account;
      return key.verify(ctx.blob!, ctx.signature, ctx.hashAlgo) ? account : undefined;
    }
    return undefined;
  }
}
