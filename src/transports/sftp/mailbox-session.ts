import { randomBytes } from 'node:crypto';
import { open, rm, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { PinoLogger } from 'nestjs-pino';
import ssh2, { type Attributes, type FileEntry, type SFTPWrapper } from 'ssh2';
import { MailboxFilesRepository, type MailboxFile, type MailboxFolder } from './mailbox-files.repository.js';
import { longName, resolveMailboxPath, type MailboxPath } from './mailbox-paths.js';
import { MailboxStore, type TakeOutcome } from './mailbox-store.service.js';

const { OPEN_MODE, STATUS_CODE } = ssh2.utils.sftp;

const DIRECTORY = 0o040755;
const WRITABLE_FILE = 0o100644;
const READONLY_FILE = 0o100444;

interface WriteHandle {
  readonly kind: 'write';
  readonly name: string;
  readonly spoolPath: string;
  readonly file: FileHandle;
  size: number;
  /** Writes run one after the other; CLOSE and a dropped connection wait for them. */
  pending: Promise<void>;
  finished: boolean;
  /** A write went past the size limit: the upload is discarded at CLOSE (or when the connection drops). */
  tooLarge: boolean;
}
type Handle =
  | WriteHandle
  | { readonly kind: 'read'; readonly data: Buffer; readonly mode: number; readonly modified: Date }
  | { readonly kind: 'dir'; readonly entries: FileEntry[]; sent: boolean };

export interface MailboxSessionContext {
  readonly partnerId: string;
  readonly username: string;
  readonly spoolDir: string;
  /** The partner's SFTP size limit (channels.sftp.maxFileBytes, else SFTP_MAX_FILE_BYTES). */
  readonly maxFileBytes: number;
  readonly files: MailboxFilesRepository;
  readonly store: MailboxStore;
  readonly logger: PinoLogger;
  /**
   * Requests wait for this (the archiving of files left in `/inbound`). The subsystem itself is
   * accepted at once: OpenSSH sends its INIT without waiting for the answer, and ssh2 drops data
   * that arrives before it.
   */
  readonly ready?: Promise<void>;
}

/**
 * One partner's SFTP session on the hosted mailbox: a virtual tree `/inbound` (the partner writes),
 * `/outbound` (we place files; the partner reads and deletes them) and `/archive` (what was taken,
 * read-only). Uploads are spooled to a local file while they are written and kept in the blob store:
 * an explicit CLOSE under a non-temporary name takes the file into the archive; a connection that
 * drops with the file open keeps it `partial` for `reput`, never archived. No links, no directories.
 */
export class MailboxSession {
  private readonly handles = new Map<string, Handle>();
  private nextHandle = 0;
  private ended = false;

  constructor(
    private readonly sftp: SFTPWrapper,
    private readonly ctx: MailboxSessionContext,
  ) {
    const run = (reqId: number, op: string, work: () => Promise<void>) =>
      void (ctx.ready ?? Promise.resolve()).then(work).catch((error: unknown) => {
        ctx.logger.error({ err: error, partnerId: ctx.partnerId, op }, 'sftp mailbox request failed');
        this.reply(reqId, STATUS_CODE.FAILURE, 'internal error');
      });
    sftp.on('REALPATH', (id, path) => run(id, 'realpath', () => this.realpath(id, path)));
    sftp.on('STAT', (id, path) => run(id, 'stat', () => this.stat(id, path)));
    sftp.on('LSTAT', (id, path) => run(id, 'lstat', () => this.stat(id, path)));
    sftp.on('FSTAT', (id, handle) => run(id, 'fstat', () => this.fstat(id, handle)));
    sftp.on('OPENDIR', (id, path) => run(id, 'opendir', () => this.opendir(id, path)));
    sftp.on('READDIR', (id, handle) => run(id, 'readdir', () => this.readdir(id, handle)));
    sftp.on('OPEN', (id, path, flags) => run(id, 'open', () => this.open(id, path, flags)));
    sftp.on('READ', (id, handle, offset, length) =>
      run(id, 'read', () => this.read(id, handle, offset, length)),
    );
    // Copied: the write may wait for earlier ones, and the packet buffer is ssh2's.
    sftp.on('WRITE', (id, handle, offset, data) =>
      run(id, 'write', () => this.write(id, handle, offset, Buffer.from(data))),
    );
    sftp.on('CLOSE', (id, handle) => run(id, 'close', () => this.close(id, handle)));
    sftp.on('REMOVE', (id, path) => run(id, 'remove', () => this.remove(id, path)));
    sftp.on('RENAME', (id, from, to) => run(id, 'rename', () => this.rename(id, from, to)));
    // Times and modes are the gateway's to keep; accepting the request lets `put -p` finish.
    sftp.on('SETSTAT', (id) => this.reply(id, STATUS_CODE.OK));
    sftp.on('FSETSTAT', (id) => this.reply(id, STATUS_CODE.OK));
    for (const refused of ['MKDIR', 'RMDIR', 'SYMLINK', 'READLINK'] as const)
      sftp.on(refused as 'MKDIR', (id: number) =>
        this.reply(id, STATUS_CODE.PERMISSION_DENIED, `${refused.toLowerCase()} is not allowed here`),
      );
    sftp.on('EXTENDED', (reqId: number) => this.reply(reqId, STATUS_CODE.OP_UNSUPPORTED));
    sftp.on('close', () => void this.dropped());
    // The client closed its side (its `bye`): close ours, or OpenSSH's sftp waits for it forever.
    sftp.on('end', () => {
      void this.dropped();
      sftp.end();
    });
  }

  /** The connection went away: every upload still open is kept as partial, for resume. */
  async dropped(): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    for (const [id, handle] of this.handles) {
      this.handles.delete(id);
      if (handle.kind !== 'write' || handle.finished) continue;
      try {
        const outcome = await this.finish(handle, 'partial');
        if (!outcome.taken && outcome.reason === 'too-large') continue;
        this.ctx.logger.warn(
          { partnerId: this.ctx.partnerId, name: handle.name, size: handle.size },
          'sftp upload cut off; kept as partial for resume',
        );
      } catch (error) {
        this.ctx.logger.error(
          { err: error, partnerId: this.ctx.partnerId },
          'could not keep a cut-off upload',
        );
      }
    }
  }

  private async realpath(reqId: number, path: string): Promise<void> {
    const resolved = resolveMailboxPath(path);
    if (!resolved.ok) return this.refuse(reqId, resolved.reason);
    this.sftp.name(reqId, [{ filename: resolved.text, longname: resolved.text, attrs: {} as Attributes }]);
  }

  private async stat(reqId: number, path: string): Promise<void> {
    const resolved = resolveMailboxPath(path);
    if (!resolved.ok) return this.refuse(reqId, resolved.reason);
    const attrs = await this.attributesOf(resolved.path);
    if (!attrs) return this.reply(reqId, STATUS_CODE.NO_SUCH_FILE);
    this.sftp.attrs(reqId, attrs);
  }

  private async fstat(reqId: number, id: Buffer): Promise<void> {
    const handle = this.handles.get(id.toString('hex'));
    if (!handle || handle.kind === 'dir') return this.reply(reqId, STATUS_CODE.FAILURE, 'bad handle');
    if (handle.kind === 'write')
      return this.sftp.attrs(reqId, attributes(WRITABLE_FILE, handle.size, new Date()));
    this.sftp.attrs(reqId, attributes(handle.mode, handle.data.length, handle.modified));
  }

  private async opendir(reqId: number, path: string): Promise<void> {
    const resolved = resolveMailboxPath(path);
    if (!resolved.ok) return this.refuse(reqId, resolved.reason);
    const target = resolved.path;
    if (target.kind === 'file') return this.reply(reqId, STATUS_CODE.FAILURE, 'not a directory');
    const now = new Date();
    const entries: FileEntry[] = [];
    const entry = (name: string, attrs: Attributes) =>
      entries.push({
        filename: name,
        longname: longName(attrs.mode, this.ctx.username, attrs.size, new Date(attrs.mtime * 1000), name),
        attrs,
      });
    entry('.', attributes(DIRECTORY, 0, now));
    entry('..', attributes(DIRECTORY, 0, now));
    if (target.kind === 'root') {
      for (const folder of ['inbound', 'outbound', 'archive']) entry(folder, attributes(DIRECTORY, 0, now));
    } else {
      for (const file of await this.ctx.files.list(this.ctx.partnerId, target.folder))
        entry(file.name, fileAttributes(file));
    }
    this.sftp.handle(reqId, this.register({ kind: 'dir', entries, sent: false }));
  }

  private async readdir(reqId: number, id: Buffer): Promise<void> {
    const handle = this.handles.get(id.toString('hex'));
    if (!handle || handle.kind !== 'dir') return this.reply(reqId, STATUS_CODE.FAILURE, 'bad handle');
    if (handle.sent) return this.reply(reqId, STATUS_CODE.EOF);
    handle.sent = true;
    this.sftp.name(reqId, handle.entries);
  }

  private async open(reqId: number, path: string, flags: number): Promise<void> {
    const resolved = resolveMailboxPath(path);
    if (!resolved.ok) return this.refuse(reqId, resolved.reason);
    const target = resolved.path;
    if (target.kind !== 'file') return this.reply(reqId, STATUS_CODE.FAILURE, 'is a directory');
    const existing = await this.ctx.files.find(this.ctx.partnerId, target.folder, target.name);
    if (flags & OPEN_MODE.WRITE) {
      if (target.folder !== 'inbound')
        return this.reply(
          reqId,
          STATUS_CODE.PERMISSION_DENIED,
          `/${target.folder} is read-only; upload to /inbound`,
        );
      if (existing && flags & OPEN_MODE.EXCL) return this.reply(reqId, STATUS_CODE.FAILURE, 'file exists');
      if (!existing && !(flags & OPEN_MODE.CREAT)) return this.reply(reqId, STATUS_CODE.NO_SUCH_FILE);
      const spoolPath = join(this.ctx.spoolDir, `${process.pid}-${randomBytes(8).toString('hex')}`);
      const file = await open(spoolPath, 'w+', 0o600);
      let size = 0;
      // A resume (reput opens with APPEND) or an open without TRUNC continues from the kept bytes.
      if (existing && !(flags & OPEN_MODE.TRUNC)) {
        const kept = await this.ctx.store.contents(existing);
        await file.write(kept, 0, kept.length, 0);
        size = kept.length;
      }
      const handle: WriteHandle = {
        kind: 'write',
        name: target.name,
        spoolPath,
        file,
        size,
        pending: Promise.resolve(),
        finished: false,
        tooLarge: false,
      };
      // The connection may have dropped while the file was being opened: keep what there is.
      if (this.ended) return void (await this.finish(handle, 'partial'));
      return this.sftp.handle(reqId, this.register(handle));
    }
    if (!existing || existing.state !== 'complete') return this.reply(reqId, STATUS_CODE.NO_SUCH_FILE);
    const data = await this.ctx.store.contents(existing);
    const mode = target.folder === 'archive' ? READONLY_FILE : WRITABLE_FILE;
    this.sftp.handle(reqId, this.register({ kind: 'read', data, mode, modified: existing.modifiedAt }));
  }

  private async read(reqId: number, id: Buffer, offset: number, length: number): Promise<void> {
    const handle = this.handles.get(id.toString('hex'));
    if (!handle || handle.kind !== 'read') return this.reply(reqId, STATUS_CODE.FAILURE, 'bad handle');
    if (offset >= handle.data.length) return this.reply(reqId, STATUS_CODE.EOF);
    this.sftp.data(reqId, handle.data.subarray(offset, Math.min(handle.data.length, offset + length)));
  }

  private async write(reqId: number, id: Buffer, offset: number, data: Buffer): Promise<void> {
    const handle = this.handles.get(id.toString('hex'));
    if (!handle || handle.kind !== 'write' || handle.finished)
      return this.reply(reqId, STATUS_CODE.FAILURE, 'bad handle');
    // Refused before it reaches the spool: one WRITE at a huge offset costs the client a few bytes
    // but would make a sparse spool file that the blob store copies densely at CLOSE.
    if (handle.tooLarge || offset + data.length > this.ctx.maxFileBytes) {
      if (!handle.tooLarge)
        this.ctx.logger.warn(
          { partnerId: this.ctx.partnerId, name: handle.name, offset, limit: this.ctx.maxFileBytes },
          'sftp upload over the size limit refused; it is discarded',
        );
      handle.tooLarge = true;
      return this.reply(reqId, STATUS_CODE.FAILURE, this.tooLargeMessage());
    }
    const step = handle.pending.then(async () => {
      await handle.file.write(data, 0, data.length, offset);
      handle.size = Math.max(handle.size, offset + data.length);
    });
    handle.pending = step.catch(() => undefined);
    await step;
    this.reply(reqId, STATUS_CODE.OK);
  }

  private async close(reqId: number, id: Buffer): Promise<void> {
    const key = id.toString('hex');
    const handle = this.handles.get(key);
    if (!handle) return this.reply(reqId, STATUS_CODE.FAILURE, 'bad handle');
    this.handles.delete(key);
    if (handle.kind !== 'write') return this.reply(reqId, STATUS_CODE.OK);
    // Answered only once the bytes are durable (and, under a final name, archived).
    const outcome = await this.finish(handle, 'complete');
    this.ctx.logger.info(
      { partnerId: this.ctx.partnerId, name: handle.name, size: handle.size, ...outcome },
      'sftp mailbox upload closed',
    );
    if (!outcome.taken && outcome.reason === 'too-large')
      return this.reply(reqId, STATUS_CODE.FAILURE, `${this.tooLargeMessage()}; the upload was discarded`);
    this.reply(reqId, STATUS_CODE.OK);
  }

  private async remove(reqId: number, path: string): Promise<void> {
    const resolved = resolveMailboxPath(path);
    if (!resolved.ok) return this.refuse(reqId, resolved.reason);
    const target = resolved.path;
    if (target.kind !== 'file') return this.reply(reqId, STATUS_CODE.PERMISSION_DENIED);
    if (target.folder === 'archive')
      return this.reply(reqId, STATUS_CODE.PERMISSION_DENIED, '/archive is read-only');
    const removed = await this.ctx.files.remove(this.ctx.partnerId, target.folder, target.name);
    this.reply(reqId, removed ? STATUS_CODE.OK : STATUS_CODE.NO_SUCH_FILE);
  }

  private async rename(reqId: number, from: string, to: string): Promise<void> {
    const source = resolveMailboxPath(from);
    const target = resolveMailboxPath(to);
    if (!source.ok) return this.refuse(reqId, source.reason);
    if (!target.ok) return this.refuse(reqId, target.reason);
    if (!isInboundFile(source.path) || !isInboundFile(target.path))
      return this.reply(reqId, STATUS_CODE.PERMISSION_DENIED, 'only files in /inbound can be renamed');
    const result = await this.ctx.store.rename(this.ctx.partnerId, source.path.name, target.path.name);
    if (result === 'renamed') return this.reply(reqId, STATUS_CODE.OK);
    if (result === 'missing') return this.reply(reqId, STATUS_CODE.NO_SUCH_FILE);
    this.reply(
      reqId,
      STATUS_CODE.FAILURE,
      result === 'exists' ? 'target exists' : 'upload incomplete: resume it (reput) before renaming',
    );
  }

  private async finish(handle: WriteHandle, state: 'partial' | 'complete'): Promise<TakeOutcome> {
    handle.finished = true;
    await handle.pending;
    await handle.file.close();
    try {
      // Nothing of an upload over the limit is kept (a resumed file keeps what it had before); kept
      // as partial it could never be completed, and every refused try would cost blob storage.
      if (handle.tooLarge || handle.size > this.ctx.maxFileBytes)
        return { taken: false, reason: 'too-large' };
      return await this.ctx.store.keepUpload(this.ctx.partnerId, handle.name, handle.spoolPath, state);
    } finally {
      await rm(handle.spoolPath, { force: true });
    }
  }

  private async attributesOf(path: MailboxPath): Promise<Attributes | undefined> {
    if (path.kind !== 'file') return attributes(DIRECTORY, 0, new Date());
    const file = await this.ctx.files.find(this.ctx.partnerId, path.folder, path.name);
    return file ? fileAttributes(file) : undefined;
  }

  private tooLargeMessage(): string {
    return `file too large: the limit is ${this.ctx.maxFileBytes} bytes`;
  }

  private register(handle: Handle): Buffer {
    const id = Buffer.alloc(4);
    id.writeUInt32BE(this.nextHandle++);
    this.handles.set(id.toString('hex'), handle);
    return id;
  }

  private refuse(reqId: number, reason: 'escape' | 'missing'): void {
    if (reason === 'escape') this.reply(reqId, STATUS_CODE.PERMISSION_DENIED, 'outside your mailbox');
    else this.reply(reqId, STATUS_CODE.NO_SUCH_FILE);
  }

  private reply(reqId: number, code: number, message?: string): void {
    if (!this.ended) this.sftp.status(reqId, code, message);
  }
}

function isInboundFile(
  path: MailboxPath,
): path is Extract<MailboxPath, { kind: 'file' }> & { folder: 'inbound' } {
  return path.kind === 'file' && path.folder === ('inbound' satisfies MailboxFolder);
}

function attributes(mode: number, size: number, modified: Date): Attributes {
  const seconds = Math.floor(modified.getTime() / 1000);
  return { mode, uid: 0, gid: 0, size, atime: seconds, mtime: seconds };
}

function fileAttributes(file: MailboxFile): Attributes {
  return attributes(file.folder === 'archive' ? READONLY_FILE : WRITABLE_FILE, file.size, file.modifiedAt);
}
