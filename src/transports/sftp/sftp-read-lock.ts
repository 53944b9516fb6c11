/** A file as the last listing showed it, and since when it has looked that way. */
interface Seen {
  readonly size: number;
  readonly modifyTime: number;
  readonly since: number;
}

/**
 * The poller's optional read lock (channels.sftp.poll.stableSizeSeconds): a listed file is taken only
 * once its size and mtime have not changed for that long, so that a writer that neither uploads to
 * a temporary name nor renames (LESSONS.md, SFTP) is not read mid-write. What it has seen lives in
 * this process; a file is observed afresh after a restart or when its pass moves to another process.
 */
export class StableSizeReadLock {
  private readonly seen = new Map<string, Seen>();

  /** Whether the file may be taken: always when the lock is off (`stableSizeSeconds` 0). */
  stable(
    partnerId: string,
    path: string,
    file: { readonly size: number; readonly modifyTime: number },
    stableSizeSeconds: number,
  ): boolean {
    if (stableSizeSeconds === 0) return true;
    const key = `${partnerId}:${path}`;
    const before = this.seen.get(key);
    const now = Date.now();
    if (!before || before.size !== file.size || before.modifyTime !== file.modifyTime) {
      this.seen.set(key, { size: file.size, modifyTime: file.modifyTime, since: now });
      return false;
    }
    return now - before.since >= stableSizeSeconds * 1000;
  }

  /** Files the partner removed before they were taken are not observed any longer. */
  forgetVanished(partnerId: string, present: ReadonlySet<string>): void {
    for (const key of this.seen.keys())
      if (key.startsWith(`${partnerId}:`) && !present.has(key.slice(partnerId.length + 1)))
        this.seen.delete(key);
  }

  /** A file taken (or claimed, which renames it) is not observed under its listed path any longer. */
  forget(partnerId: string, path: string): void {
    this.seen.delete(`${partnerId}:${path}`);
  }
}
