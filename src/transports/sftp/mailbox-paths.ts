import { isPlainName } from './sftp-names.js';
import { MAILBOX_FOLDERS, type MailboxFolder } from './mailbox-files.repository.js';

/** A path inside a partner's jailed tree: the root, one of its three folders, or a file in one. */
export type MailboxPath =
  | { readonly kind: 'root' }
  | { readonly kind: 'folder'; readonly folder: MailboxFolder }
  | { readonly kind: 'file'; readonly folder: MailboxFolder; readonly name: string };

export type Resolved =
  | { readonly ok: true; readonly path: MailboxPath; readonly text: string }
  | { readonly ok: false; readonly reason: 'escape' | 'missing' };

/**
 * Resolves what a client sends against the jail. The tree is virtual (no file system underneath), so
 * there is nothing to escape to; still, a path climbing above `/` with `..` is refused rather than
 * clamped, so a client probing for an escape gets a clear "permission denied". Relative paths start at
 * `/`, the partner's home.
 */
export function resolveMailboxPath(input: string): Resolved {
  const parts: string[] = [];
  for (const segment of input.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      if (parts.length === 0) return { ok: false, reason: 'escape' };
      parts.pop();
      continue;
    }
    parts.push(segment);
  }
  const text = `/${parts.join('/')}`;
  if (parts.length === 0) return { ok: true, path: { kind: 'root' }, text };
  const folder = MAILBOX_FOLDERS.find((f) => f === parts[0]);
  if (!folder || parts.length > 2) return { ok: false, reason: 'missing' };
  if (parts.length === 1) return { ok: true, path: { kind: 'folder', folder }, text };
  const name = parts[1]!;
  if (!isPlainName(name)) return { ok: false, reason: 'missing' };
  return { ok: true, path: { kind: 'file', folder, name }, text };
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** An `ls -l` line, which OpenSSH's `ls -l` prints as the server sends it. */
export function longName(mode: number, user: string, size: number, modified: Date, name: string): string {
  const type = (mode & 0o170000) === 0o040000 ? 'd' : '-';
  const bits = [6, 3, 0]
    .map((shift) => {
      const v = (mode >> shift) & 7;
      return `${v & 4 ? 'r' : '-'}${v & 2 ? 'w' : '-'}${v & 1 ? 'x' : '-'}`;
    })
    .join('');
  const date = `${MONTHS[modified.getUTCMonth()]} ${String(modified.getUTCDate()).padStart(2)} ${String(
    modified.getUTCHours(),
  ).padStart(2, '0')}:${String(modified.getUTCMinutes()).padStart(2, '0')}`;
  return `${type}${bits}    1 ${user.padEnd(8)} ${user.padEnd(8)} ${String(size).padStart(8)} ${date} ${name}`;
}
