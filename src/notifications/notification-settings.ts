import { readFileSync } from 'node:fs';
import type { GatewayConfig } from '../config/config.js';

export const NOTIFICATION_SETTINGS = Symbol('NOTIFICATION_SETTINGS');

export interface EmailSettings {
  readonly host: string;
  readonly port: number;
  /** smtps://: TLS from the first byte; smtp:// upgrades with STARTTLS as `starttls` says. */
  readonly implicitTls: boolean;
  readonly starttls: 'required' | 'opportunistic' | 'off';
  readonly user?: string;
  readonly password?: string;
  readonly ca?: string;
  readonly from: string;
  /** The right-hand side of every Message-ID: the sender's domain. */
  readonly messageIdDomain: string;
}

export interface WebhookSettings {
  readonly url: string;
  readonly secret: Buffer;
  readonly timeoutMs: number;
}

/** Notification settings checked at boot; a channel that is absent is off. */
export interface NotificationSettings {
  readonly email?: EmailSettings;
  readonly webhook?: WebhookSettings;
  /** Base of the links to a case (`<base>/exceptions/<id>`), without a trailing slash. */
  readonly workbenchUrl?: string;
  readonly digestAfter: number;
  readonly digestWindowMs: number;
}

type ReadFile = (path: string) => string;

/**
 * The notification settings from the configuration and the secret files it names. A partial
 * configuration (an SMTP URL without a sender, a webhook without its signing key) stops the boot
 * with the variable that is missing, instead of failing at the first case.
 */
export function loadNotificationSettings(
  config: GatewayConfig,
  readFile: ReadFile = (path) => readFileSync(path, 'utf8'),
): NotificationSettings {
  const base = config.NOTIFY_WORKBENCH_URL ?? config.PUBLIC_URL;
  return {
    email: config.NOTIFY_SMTP_URL === undefined ? undefined : emailSettings(config, readFile),
    webhook: config.NOTIFY_WEBHOOK_URL === undefined ? undefined : webhookSettings(config, readFile),
    workbenchUrl: base?.replace(/\/+$/, ''),
    digestAfter: config.NOTIFY_DIGEST_AFTER,
    digestWindowMs: config.NOTIFY_DIGEST_WINDOW_MINUTES * 60_000,
  };
}

function emailSettings(config: GatewayConfig, readFile: ReadFile): EmailSettings {
  const url = new URL(config.NOTIFY_SMTP_URL!);
  if (!config.NOTIFY_FROM)
    throw configError('NOTIFY_FROM', 'is missing: it is required with NOTIFY_SMTP_URL');
  const domain = addressDomain(config.NOTIFY_FROM);
  if (!domain) {
    throw configError(
      'NOTIFY_FROM',
      `="${config.NOTIFY_FROM}" is invalid: expected an address like gateway@example.com`,
    );
  }
  if (url.password && config.NOTIFY_SMTP_PASSWORD_FILE) {
    throw configError(
      'NOTIFY_SMTP_URL',
      'holds a password and NOTIFY_SMTP_PASSWORD_FILE is set: keep it in the file',
    );
  }
  const implicitTls = url.protocol === 'smtps:';
  const password = config.NOTIFY_SMTP_PASSWORD_FILE
    ? secret(readFile, 'NOTIFY_SMTP_PASSWORD_FILE', config.NOTIFY_SMTP_PASSWORD_FILE)
    : url.password
      ? decodeURIComponent(url.password)
      : undefined;
  return {
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port ? Number(url.port) : implicitTls ? 465 : 587,
    implicitTls,
    starttls: config.NOTIFY_SMTP_STARTTLS,
    user: url.username ? decodeURIComponent(url.username) : undefined,
    password,
    ca: config.NOTIFY_SMTP_CA_FILE
      ? fileText(readFile, 'NOTIFY_SMTP_CA_FILE', config.NOTIFY_SMTP_CA_FILE)
      : undefined,
    from: config.NOTIFY_FROM,
    messageIdDomain: domain,
  };
}

function webhookSettings(config: GatewayConfig, readFile: ReadFile): WebhookSettings {
  if (!config.NOTIFY_WEBHOOK_SECRET_FILE) {
    throw configError(
      'NOTIFY_WEBHOOK_SECRET_FILE',
      'is missing: every webhook body is signed, so the key is required with NOTIFY_WEBHOOK_URL',
    );
  }
  const key = secret(readFile, 'NOTIFY_WEBHOOK_SECRET_FILE', config.NOTIFY_WEBHOOK_SECRET_FILE);
  if (Buffer.byteLength(key) < 16) {
    throw configError(
      'NOTIFY_WEBHOOK_SECRET_FILE',
      'holds fewer than 16 bytes: use a random key of 32 bytes or more',
    );
  }
  return {
    url: config.NOTIFY_WEBHOOK_URL!,
    secret: Buffer.from(key, 'utf8'),
    timeoutMs: config.NOTIFY_WEBHOOK_TIMEOUT_MS,
  };
}

/** The domain of the address in `Name <user@domain>` or `user@domain`. */
export function addressDomain(from: string): string | undefined {
  const address = /<([^<>]+)>\s*$/.exec(from)?.[1] ?? from.trim();
  return /^[^@\s<>]+@([A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?)$/.exec(address)?.[1]?.toLowerCase();
}

/** A secret file's content without the trailing newline editors add. */
function secret(readFile: ReadFile, variable: string, path: string): string {
  const value = fileText(readFile, variable, path).replace(/\r?\n$/, '');
  if (value.length === 0) throw configError(variable, `names an empty file (${path})`);
  return value;
}

function fileText(readFile: ReadFile, variable: string, path: string): string {
  try {
    return readFile(path);
  } catch (error) {
    throw configError(
      variable,
      `cannot be read (${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)})`,
    );
  }
}

function configError(variable: string, message: string): Error {
  return new Error(`configuration error: ${variable} ${message}`);
}
