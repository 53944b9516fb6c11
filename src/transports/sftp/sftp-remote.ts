import { Writable } from 'node:stream';
import SftpClient from 'ssh2-sftp-client';
import type { PartnerProfile } from '../../partners/partner-profile.schema.js';
import { fingerprintOf, readSecretFile, sameFingerprint } from './sftp-credentials.js';
import { remoteJoin, withSuffix } from './sftp-names.js';
import { SftpError, SftpErrorCode } from './sftp.exception.js';

export type SftpPollSettings = NonNullable<NonNullable<PartnerProfile['channels']['sftp']>['poll']>;

export function pollSettingsOf(profile: PartnerProfile): SftpPollSettings {
  const poll = profile.channels.sftp?.enabled ? profile.channels.sftp.poll : undefined;
  if (!poll)
    throw new SftpError(
      SftpErrorCode.NotConfigured,
      `partner ${profile.id} has no enabled SFTP polling settings (channels.sftp.poll)`,
    );
  return poll;
}

/** A connection to a partner's SFTP server, with the ssh2 SFTP session for what the wrapper lacks. */
export interface RemoteSftp {
  readonly client: SftpClient;
  /** True when the server offers posix-rename@openssh.com (a rename that replaces the target). */
  readonly posixRename: boolean;
  end(): Promise<void>;
}

/**
 * Connects with the partner's pinned host key: `hostVerifier` runs during key exchange, before
 * authentication, so on a mismatch no user name, password or key signature is ever sent
 * (LESSONS.md: ssh2 accepts any host key unless told otherwise).
 */
export async function connectRemote(partnerId: string, poll: SftpPollSettings): Promise<RemoteSftp> {
  // The wrapper prints connection events to the console unless given its own handlers; errors reach
  // us through the rejected call anyway.
  const quiet = () => undefined;
  const client = new SftpClient(`sftp-poll:${partnerId}`, { error: quiet, end: quiet, close: quiet });
  let offered: string | undefined;
  const credentials = poll.passwordFile
    ? { password: readSecretFile(poll.passwordFile, 'SFTP password') }
    : {
        privateKey: readSecretFile(poll.privateKeyFile!, 'SFTP private key', false),
        ...(poll.privateKeyPassphraseFile
          ? { passphrase: readSecretFile(poll.privateKeyPassphraseFile, 'SFTP key passphrase') }
          : {}),
      };
  let session: unknown;
  try {
    session = await client.connect({
      host: poll.host,
      port: poll.port,
      username: poll.username,
      ...credentials,
      readyTimeout: poll.timeoutSeconds * 1000,
      // Keepalives notice a dead connection mid-transfer instead of waiting forever.
      keepaliveInterval: 5_000,
      keepaliveCountMax: Math.max(2, Math.ceil(poll.timeoutSeconds / 5)),
      hostVerifier: (key: Buffer) => {
        offered = fingerprintOf(key);
        return sameFingerprint(offered, poll.hostKey);
      },
    });
  } catch (error) {
    await client.end().catch(() => undefined);
    if (offered !== undefined && !sameFingerprint(offered, poll.hostKey))
      throw new SftpError(
        SftpErrorCode.HostKeyMismatch,
        `partner ${partnerId}: ${poll.host}:${poll.port} presented host key ${offered}, ` +
          `but the profile pins ${poll.hostKey}; refused before authentication`,
        { cause: error },
      );
    throw error;
  }
  // ssh2 keeps the extensions the server announced in its VERSION packet; there is no public getter.
  const extensions = (session as { _extensions?: Record<string, unknown> })._extensions ?? {};
  return {
    client,
    posixRename: 'posix-rename@openssh.com' in extensions,
    end: async () => {
      await client.end().catch(() => undefined);
    },
  };
}

/** Renames, replacing the target when the server offers posix-rename (plain SFTPv3 rename refuses). */
export async function renameRemote(remote: RemoteSftp, from: string, to: string): Promise<void> {
  if (remote.posixRename) await remote.client.posixRename(from, to);
  else await remote.client.rename(from, to);
}

/** ssh2 reports SSH_FX_NO_SUCH_FILE as code 2, the wrapper's own stat as ENOENT. */
export function notFound(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return code === 2 || code === 'ENOENT';
}

/** The file's size and mtime, or undefined when it is not there (any longer). */
export async function statIfPresent(
  remote: RemoteSftp,
  path: string,
): Promise<{ size: number; modifyTime: number } | undefined> {
  try {
    return await remote.client.stat(path);
  } catch (error) {
    if (notFound(error)) return undefined;
    throw error;
  }
}

/**
 * Where a picked-up file goes. posix-rename replaces an older file of the same name; a plain SFTPv3
 * rename would fail on it (and the file would be read again every pass), so it gets a unique name.
 */
export async function archiveTarget(remote: RemoteSftp, dir: string, name: string): Promise<string> {
  const target = remoteJoin(dir, name);
  if (remote.posixRename || (await remote.client.exists(target)) === false) return target;
  return remoteJoin(dir, withSuffix(name, `.${new Date().toISOString().replace(/[:.]/g, '')}`));
}

/**
 * A stream `get` (LESSONS.md: not fastGet), checked against the size the listing announced. It stops
 * as soon as the file passes that size or the size limit (a file replaced by a larger one, or still
 * growing), so memory stays bounded; a later pass lists the file with its new size.
 */
export async function download(
  remote: RemoteSftp,
  path: string,
  expectedSize: number,
  maxBytes: number,
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  if (expectedSize > maxBytes)
    throw new SftpError(
      SftpErrorCode.SizeMismatch,
      `${path}: ${expectedSize} bytes, over the limit of ${maxBytes}`,
    );
  const cap = Math.min(expectedSize, maxBytes);
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      size += chunk.length;
      if (size > cap) return callback(new Error(`more than ${cap} bytes`));
      chunks.push(chunk);
      callback();
    },
  });
  try {
    await remote.client.get(path, sink);
  } catch (error) {
    if (size <= cap) throw error;
    throw new SftpError(
      SftpErrorCode.SizeMismatch,
      `${path}: listed ${expectedSize} bytes, read more than ${cap}`,
    );
  }
  const after = await remote.client.stat(path);
  if (size !== expectedSize || after.size !== expectedSize)
    throw new SftpError(
      SftpErrorCode.SizeMismatch,
      `${path}: listed ${expectedSize} bytes, read ${size}, now ${after.size}`,
    );
  return Buffer.concat(chunks, size);
}
