import { randomBytes } from 'node:crypto';
import { SftpError, SftpErrorCode } from './sftp.exception.js';

/**
 * Names writers use while a file is still being written (LESSONS.md, SFTP): a reader never takes a
 * file under one of these, and a file becomes complete when it is renamed away from one.
 */
const TEMPORARY = /\.(?:part|filepart|tmp)$/i;

export function isTemporaryName(name: string): boolean {
  return TEMPORARY.test(name) || name.startsWith('.');
}

/**
 * The name the poller renames a partner's file to before reading it (`<name>.sg-<8 hex digits>`), so
 * that what it later moves or deletes is the file it read, never one the partner uploaded since under
 * the same name. Random, so two claims of one name (a new upload, an older claim left behind) differ.
 */
const CLAIM = /^(.+)\.sg-[0-9a-f]{8}$/;

export function claimName(name: string): string {
  return `${name}.sg-${randomBytes(4).toString('hex')}`;
}

/** The partner's own name of a file the poller claimed, or undefined when `name` is not a claim. */
export function claimedFrom(name: string): string | undefined {
  return CLAIM.exec(name)?.[1];
}

/** A plain file name: no separators, no control characters, not `.` or `..`, at most 255 bytes. */
export function isPlainName(name: string): boolean {
  return (
    name.length > 0 &&
    Buffer.byteLength(name) <= 255 &&
    name !== '.' &&
    name !== '..' &&
    // eslint-disable-next-line no-control-regex
    !/[/\\\x00-\x1f]/.test(name)
  );
}

export function requirePlainName(name: string): string {
  if (!isPlainName(name))
    throw new SftpError(SftpErrorCode.InvalidName, `"${name}" is not a plain file name`);
  return name;
}

/** Joins an absolute remote directory and a file name (remote paths are always POSIX). */
export function remoteJoin(dir: string, name: string): string {
  return `${dir.replace(/\/+$/, '')}/${name}`;
}
