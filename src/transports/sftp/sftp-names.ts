import { SftpError, SftpErrorCode } from './sftp.exception.js';

/**
 * Names writers use while a file is still being written (LESSONS.md, SFTP): a reader never takes a
 * file under one of these, and a file becomes complete when it is renamed away from one.
 */
const TEMPORARY = /\.(?:part|filepart|tmp)$/i;

export function isTemporaryName(name: string): boolean {
  return TEMPORARY.test(name) || name.startsWith('.');
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
