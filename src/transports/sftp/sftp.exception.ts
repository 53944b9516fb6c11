export enum SftpErrorCode {
  /** The partner server showed a host key other than the pinned one; nothing was sent to it. */
  HostKeyMismatch = 'SFTP_HOST_KEY_MISMATCH',
  /** The partner has no SFTP polling settings (channels.sftp.poll) or no uploadDir. */
  NotConfigured = 'SFTP_NOT_CONFIGURED',
  /** A transfer did not arrive whole (size after the transfer differs from the size announced). */
  SizeMismatch = 'SFTP_SIZE_MISMATCH',
  /** A file name a partner or a caller gave cannot be used (path separators, control characters). */
  InvalidName = 'SFTP_INVALID_NAME',
  /** A secret file the profile names cannot be read. */
  SecretUnreadable = 'SFTP_SECRET_UNREADABLE',
  /** The hosted mailbox configuration is unusable (two partners with one user name, a bad host key). */
  MailboxConfig = 'SFTP_MAILBOX_CONFIG',
  /** An outbound upload's target already holds other content (a file the partner has not fetched). */
  TargetExists = 'SFTP_TARGET_EXISTS',
  /** A mailbox file changed under a request (taken or renamed by another session): nothing was done. */
  MailboxConflict = 'SFTP_MAILBOX_CONFLICT',
}

/** The SFTP transport's one exception: a code to branch on and a message an operator can act on. */
export class SftpError extends Error {
  constructor(
    readonly code: SftpErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'SftpError';
  }
}
