import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataDirLock, DataDirLockedError } from './data-dir-lock.js';

const dir = () => mkdtempSync(join(tmpdir(), 'sg-lock-'));

describe('DataDirLock', () => {
  it('is exclusive while its holder runs, and free again once released', () => {
    const dataDir = dir();
    const lock = DataDirLock.acquire(dataDir);
    const holder = JSON.parse(readFileSync(join(dataDir, 'gateway.lock'), 'utf8'));
    expect(holder.pid).toBe(process.pid);
    lock.release();
    expect(existsSync(join(dataDir, 'gateway.lock'))).toBe(false);
    DataDirLock.acquire(dataDir).release();
  });

  it('refuses a directory held by another live process', () => {
    const dataDir = dir();
    // The test runner's parent is alive for the whole test.
    writeFileSync(
      join(dataDir, 'gateway.lock'),
      JSON.stringify({ pid: process.ppid, host: hostname(), since: '' }),
    );
    expect(() => DataDirLock.acquire(dataDir)).toThrow(DataDirLockedError);
    expect(() => DataDirLock.acquire(dataDir)).toThrow(
      /in use by another gateway process \(pid \d+ on this host\)/,
    );
  });

  it('takes over the lock of a process that died (SIGKILL leaves the file behind)', () => {
    const dataDir = dir();
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
    writeFileSync(
      join(dataDir, 'gateway.lock'),
      JSON.stringify({ pid: Number(dead.stdout), host: hostname(), since: '' }),
    );
    const lock = DataDirLock.acquire(dataDir);
    expect(JSON.parse(readFileSync(join(dataDir, 'gateway.lock'), 'utf8')).pid).toBe(process.pid);
    lock.release();
  });

  it('takes over a torn, empty lock file', () => {
    const dataDir = dir();
    writeFileSync(join(dataDir, 'gateway.lock'), '');
    DataDirLock.acquire(dataDir).release();
  });

  it('refuses a lock written by another host, whose liveness it cannot check', () => {
    const dataDir = dir();
    writeFileSync(join(dataDir, 'gateway.lock'), JSON.stringify({ pid: 1, host: 'elsewhere', since: '' }));
    expect(() => DataDirLock.acquire(dataDir)).toThrow(DataDirLockedError);
  });
});
