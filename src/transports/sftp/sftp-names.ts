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

/** The longest file name the file systems SFTP servers run on take (NAME_MAX: ext4, XFS, ZFS, NTFS). */
const NAME_MAX = 255;

/**
 * A claim: the name the poller renames a partner's file to before reading it, so that what it later
 * moves or deletes is the file it read, never one the partner uploaded since under the same name.
 * `<name>.sg-<8 hex digits>` when that fits in NAME_MAX bytes; otherwise the partner's name is cut
 * short (`<kept part>.sgl-<8 hex digits>`) and stored before the rename (sftp_poll_claim), since the
 * claim no longer spells it. The tag is random, so two claims of one name (a new upload, an older
 * claim left behind) differ, and it is part of the receipt's caller key: two files claimed apart
 * never share a key, while a claim read again after a crash keeps its own.
 */
export interface Claim {
  /** The claim's file name in the inbound folder. */
  readonly name: string;
  /** `sg-<8 hex>`, or `sgl-<8 hex>` for a shortened claim. */
  readonly tag: string;
  /** The partner's name, or the part of it that fit when `shortened`. */
  readonly kept: string;
  /** The partner's name was cut short to fit: its whole name is stored with the claim. */
  readonly shortened: boolean;
}

const CLAIM = /^(.+)\.((sgl?)-[0-9a-f]{8})$/s;
const TAG_BYTES = '.sgl-'.length + 8;

export function claimName(name: string): Claim {
  const random = randomBytes(4).toString('hex');
  const shortened = Buffer.byteLength(`${name}.sg-${random}`) > NAME_MAX;
  const kept = shortened ? keptPart(name, NAME_MAX - TAG_BYTES) : name;
  const tag = `${shortened ? 'sgl' : 'sg'}-${random}`;
  return { name: `${kept}.${tag}`, tag, kept, shortened };
}

/** `name` + `suffix`, with `name` cut short when both would not fit in NAME_MAX bytes. */
export function withSuffix(name: string, suffix: string): string {
  return `${keptPart(name, NAME_MAX - Buffer.byteLength(suffix))}${suffix}`;
}

/** The claim a listed name is, or undefined when it is a partner's own name. */
export function parseClaim(name: string): Claim | undefined {
  const match = CLAIM.exec(name);
  return match ? { name, tag: match[2]!, kept: match[1]!, shortened: match[3] === 'sgl' } : undefined;
}

/** The first characters of `name` that fit in `bytes` UTF-8 bytes (never half a character). */
function keptPart(name: string, bytes: number): string {
  if (Buffer.byteLength(name) <= bytes) return name;
  let kept = '';
  for (const char of name) {
    if (Buffer.byteLength(kept + char) > bytes) break;
    kept += char;
  }
  return kept;
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

/**
 * Whether a pass takes a listed name: a partner's complete file, or a claim a pass left behind. A
 * shortened claim's kept part may end anywhere (even in `.tmp`); only complete files were claimed.
 */
export function isTakeableName(name: string): boolean {
  const claim = parseClaim(name);
  if (claim?.shortened) return true;
  return !isTemporaryName(claim?.kept ?? name);
}
