import { createHash } from 'node:crypto';
import { Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { Writable } from 'node:stream';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import type { GatewayConfig } from '../../config/config.js';
import { InjectConfig } from '../../config/config.module.js';
import { PartnerRegistry } from '../../partners/partner-registry.js';
import { LeaseService } from '../../platform/jobs/lease.service.js';
import { startLeasedTask, type LeasedTaskHandle } from '../../platform/jobs/leased-task.js';
import { SftpPickupsRepository } from './sftp-pickups.repository.js';
import { SftpReceiptService } from './sftp-receipt.service.js';
import { isTemporaryName, remoteJoin } from './sftp-names.js';
import {
  connectRemote,
  pollSettingsOf,
  renameRemote,
  type RemoteSftp,
  type SftpPollSettings,
} from './sftp-remote.js';
import { SftpError, SftpErrorCode } from './sftp.exception.js';

export interface PollReport {
  readonly partnerId: string;
  /** Files archived as new receipts. */
  readonly archived: number;
  /** Files that repeated an earlier receipt (a re-read after a crash): archived as duplicates, moved. */
  readonly duplicates: number;
  /** Complete-looking files left for a later pass (still growing, or failed). */
  readonly deferred: number;
}

interface Seen {
  readonly size: number;
  readonly modifyTime: number;
  readonly since: number;
}

/**
 * Polls partners' SFTP servers (channels.sftp.poll): each partner on its own schedule, held by one
 * process at a time (a lease per partner). A pass lists the inbound folder, skips temporary names
 * and files whose size is still changing, downloads each file with a stream `get`, checks the bytes
 * against the size listed, archives them, and only then moves the remote file to the archive folder
 * (or deletes it). A pickup row (path, size, mtime and sha256), written in the archive's transaction,
 * recognises a file read again after a crash between archiving and moving, so it is never archived or
 * processed twice.
 */
@Injectable()
export class SftpPoller implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly tasks: LeasedTaskHandle[] = [];
  private readonly seen = new Map<string, Seen>();

  constructor(
    @InjectConfig() private readonly config: GatewayConfig,
    private readonly partners: PartnerRegistry,
    private readonly receipts: SftpReceiptService,
    private readonly pickups: SftpPickupsRepository,
    private readonly leases: LeaseService,
    @InjectPinoLogger(SftpPoller.name) private readonly logger: PinoLogger,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.GATEWAY_ROLE === 'api') return;
    for (const profile of this.partners.all()) {
      const poll = profile.channels.sftp?.enabled ? profile.channels.sftp.poll : undefined;
      if (!poll) continue;
      this.tasks.push(
        startLeasedTask(this.leases, this.logger, {
          name: `sftp-poll:${profile.id}`,
          everyMs: poll.everySeconds * 1000,
          ttlMs: Math.max(60_000, poll.timeoutSeconds * 3000),
          run: async (signal) => {
            await this.poll(profile.id, signal);
          },
        }),
      );
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all(this.tasks.splice(0).map((task) => task.stop()));
  }

  /** One pass over one partner's inbound folder. */
  async poll(partnerId: string, signal?: AbortSignal): Promise<PollReport> {
    const poll = pollSettingsOf(this.partners.require(partnerId));
    const remote = await connectRemote(partnerId, poll);
    let archived = 0;
    let duplicates = 0;
    let deferred = 0;
    try {
      const listing = await remote.client.list(poll.inboundDir);
      const candidates = listing
        .filter((f) => f.type === '-' && !isTemporaryName(f.name))
        .sort((a, b) => a.modifyTime - b.modifyTime || a.name.localeCompare(b.name));
      this.forgetVanished(partnerId, new Set(candidates.map((f) => remoteJoin(poll.inboundDir, f.name))));
      for (const file of candidates) {
        if (signal?.aborted) break;
        const path = remoteJoin(poll.inboundDir, file.name);
        if (!this.stable(partnerId, path, file.size, file.modifyTime, poll)) {
          deferred += 1;
          continue;
        }
        const outcome = await this.take(remote, partnerId, poll, path, file.name, file.size, file.modifyTime);
        if (outcome === 'new') archived += 1;
        else if (outcome === 'duplicate') duplicates += 1;
        else deferred += 1;
      }
    } finally {
      await remote.end();
    }
    if (archived + duplicates > 0)
      this.logger.info({ partnerId, archived, duplicates, deferred }, 'sftp poll pass');
    return { partnerId, archived, duplicates, deferred };
  }

  /** Files the partner removed before they were taken are not observed any longer. */
  private forgetVanished(partnerId: string, present: ReadonlySet<string>): void {
    for (const key of this.seen.keys())
      if (key.startsWith(`${partnerId}:`) && !present.has(key.slice(partnerId.length + 1)))
        this.seen.delete(key);
  }

  /** Optional read lock: the size and mtime must not have changed for stableSizeSeconds. */
  private stable(partnerId: string, path: string, size: number, modifyTime: number, poll: SftpPollSettings) {
    if (poll.stableSizeSeconds === 0) return true;
    const key = `${partnerId}:${path}`;
    const before = this.seen.get(key);
    const now = Date.now();
    if (!before || before.size !== size || before.modifyTime !== modifyTime) {
      this.seen.set(key, { size, modifyTime, since: now });
      return false;
    }
    return now - before.since >= poll.stableSizeSeconds * 1000;
  }

  private async take(
    remote: RemoteSftp,
    partnerId: string,
    poll: SftpPollSettings,
    path: string,
    name: string,
    listedSize: number,
    modifyTime: number,
  ): Promise<'new' | 'duplicate' | 'deferred'> {
    let payload: Buffer;
    try {
      payload = await download(remote, path, listedSize);
    } catch (error) {
      // Gone (another reader moved it) or changed under us: the next pass sees its new state.
      const code = (error as { code?: unknown }).code;
      // ssh2 reports SSH_FX_NO_SUCH_FILE as code 2, the wrapper's own stat as ENOENT.
      if (error instanceof SftpError || code === 2 || code === 'ENOENT') {
        this.logger.warn({ partnerId, path, err: error }, 'sftp file not taken in this pass');
        return 'deferred';
      }
      throw error;
    }
    const callerKey = `sftp:${path}:${listedSize}:${Math.floor(modifyTime / 1000)}`;
    const sha256 = createHash('sha256').update(payload).digest('hex');
    // Read again after a crash between archiving and moving: move it, without a second receipt.
    const earlier = await this.pickups.find(partnerId, callerKey);
    let disposition: 'new' | 'duplicate' = 'duplicate';
    if (earlier?.sha256 !== sha256) {
      const stored = await this.receipts.receive(
        {
          partnerId,
          channel: 'sftp',
          payload,
          head: payload.subarray(0, 512),
          filename: name,
          callerKey,
          metadata: { remotePath: path, host: poll.host, modifyTime: new Date(modifyTime).toISOString() },
        },
        (tx, receipt) =>
          this.pickups.record(tx, partnerId, callerKey, sha256, receipt.original?.id ?? receipt.id),
      );
      disposition = stored.disposition === 'new' ? 'new' : 'duplicate';
    }
    // Only now, with the receipt durable, does the file leave the partner's inbound folder.
    try {
      if (poll.deleteAfterPickup) await remote.client.delete(path);
      else await renameRemote(remote, path, await archiveTarget(remote, poll.archiveDir!, name));
    } catch (error) {
      // Already gone (another reader took it): the archive holds it, nothing is left to do.
      if ((await remote.client.exists(path)) !== false) throw error;
    }
    this.seen.delete(`${partnerId}:${path}`);
    return disposition;
  }
}

/**
 * Where a picked-up file goes. posix-rename replaces an older file of the same name; a plain SFTPv3
 * rename would fail on it (and the file would be read again every pass), so it gets a unique name.
 */
async function archiveTarget(remote: RemoteSftp, dir: string, name: string): Promise<string> {
  const target = remoteJoin(dir, name);
  if (remote.posixRename || (await remote.client.exists(target)) === false) return target;
  return `${target}.${new Date().toISOString().replace(/[:.]/g, '')}`;
}

/** A stream `get` (LESSONS.md: not fastGet), checked against the size the listing announced. */
async function download(remote: RemoteSftp, path: string, expectedSize: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk);
      size += chunk.length;
      callback();
    },
  });
  await remote.client.get(path, sink);
  const after = await remote.client.stat(path);
  if (size !== expectedSize || after.size !== expectedSize)
    throw new SftpError(
      SftpErrorCode.SizeMismatch,
      `${path}: listed ${expectedSize} bytes, read ${size}, now ${after.size}`,
    );
  return Buffer.concat(chunks, size);
}
