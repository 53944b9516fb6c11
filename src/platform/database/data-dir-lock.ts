import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

export class DataDirLockedError extends Error {
  constructor(
    readonly dataDir: string,
    readonly holderPid: number,
  ) {
    super(
      `the data directory ${dataDir} is in use by another gateway process (pid ${holderPid} on this host); ` +
        'the embedded database serves one process only: stop that process, or use DATABASE_URL and REDIS_URL to run several',
    );
    this.name = 'DataDirLockedError';
  }
}

interface LockContent {
  pid: number;
  host: string;
  since: string;
}

/**
 * An exclusive lock on a data directory, held by one process. Two processes writing one embedded
 * database silently lost rows in our tests, so the second one must refuse to start.
 *
 * The lock is a file created with O_EXCL holding the owner's pid. A lock whose owner no longer runs
 * (killed with SIGKILL, or the machine restarted) is stale and is taken over.
 */
export class DataDirLock {
  private released = false;

  private constructor(private readonly path: string) {}

  static acquire(dataDir: string): DataDirLock {
    mkdirSync(dataDir, { recursive: true });
    const path = join(dataDir, 'gateway.lock');
    const content: LockContent = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const fd = openSync(path, 'wx', 0o644);
        try {
          writeSync(fd, JSON.stringify(content));
        } finally {
          closeSync(fd);
        }
        return new DataDirLock(path);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const holder = readHolder(path);
      if (holder && holder.pid !== process.pid && holder.host === hostname() && isRunning(holder.pid)) {
        throw new DataDirLockedError(dataDir, holder.pid);
      }
      if (holder && holder.host !== hostname()) {
        // A lock from another host (a shared volume) cannot be checked for liveness: refuse rather than guess.
        throw new DataDirLockedError(dataDir, holder.pid);
      }
      rmSync(path, { force: true });
    }
    throw new Error(`could not lock the data directory ${dataDir}`);
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    const holder = readHolder(this.path);
    if (holder?.pid === process.pid) rmSync(this.path, { force: true });
  }
}

function readHolder(path: string): LockContent | undefined {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockContent>;
    return typeof parsed.pid === 'number' && typeof parsed.host === 'string'
      ? (parsed as LockContent)
      : undefined;
  } catch {
    // Empty or half-written: its writer died between create and write, so it holds nothing.
    return undefined;
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
