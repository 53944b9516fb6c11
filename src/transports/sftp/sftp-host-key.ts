import { chmodSync, existsSync, linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import ssh2 from 'ssh2';
import { isScaledOut, type GatewayConfig } from '../../config/config.js';
import { MissingSecretError } from '../../platform/secrets/secret-files.js';
import { fingerprintOf } from './sftp-credentials.js';
import { SftpError, SftpErrorCode } from './sftp.exception.js';

export const GENERATED_HOST_KEY = 'sftp-host-key';

export interface MailboxHostKey {
  readonly privateKey: string;
  /** What partners pin, as `ssh-keygen -lf` prints it. */
  readonly fingerprint: string;
}

/**
 * The mailbox's host key: SFTP_HOST_KEY_FILE, or on a single process an Ed25519 key generated once
 * into DATA_DIR/secrets and reused on every start (a new key per start would make every partner's
 * client refuse us). Several processes must share one key, so there it must be configured.
 */
export function loadMailboxHostKey(config: GatewayConfig): MailboxHostKey {
  const text = config.SFTP_HOST_KEY_FILE
    ? readFileSync(config.SFTP_HOST_KEY_FILE, 'utf8')
    : generatedKey(config);
  const key = ssh2.utils.parseKey(text);
  if (key instanceof Error)
    throw new SftpError(
      SftpErrorCode.MailboxConfig,
      `configuration error: SFTP_HOST_KEY_FILE does not hold an OpenSSH or PEM private key (${key.message})`,
    );
  return { privateKey: text, fingerprint: fingerprintOf(key.getPublicSSH()) };
}

function generatedKey(config: GatewayConfig): string {
  const dir = join(resolve(config.DATA_DIR), 'secrets');
  const path = join(dir, GENERATED_HOST_KEY);
  if (existsSync(path)) return readFileSync(path, 'utf8');
  if (isScaledOut(config)) throw new MissingSecretError('SFTP_HOST_KEY_FILE');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  // Written aside, then linked into place: a racing writer keeps the first key, never a torn file.
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, ssh2.utils.generateKeyPairSync('ed25519', {}).private, { mode: 0o600 });
  try {
    linkSync(temp, path);
    chmodSync(path, 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    rmSync(temp, { force: true });
  }
  return readFileSync(path, 'utf8');
}
