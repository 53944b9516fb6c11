import SftpClient from 'ssh2-sftp-client';
import type { PartnerProfile } from '../../partners/partner-profile.schema.js';
import { fingerprintOf, readSecretFile, sameFingerprint } from './sftp-credentials.js';
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
