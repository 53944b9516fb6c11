import { createHash } from 'node:crypto';
import { Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { ediSniffHead } from '../../edi/core/detect.js';
import type { GatewayConfig } from '../../config/config.js';
import { InjectConfig } from '../../config/config.module.js';
import type { StoredReceipt } from '../../interchanges/interchange.types.js';
import { PartnerRegistry } from '../../partners/partner-registry.js';
import { LeaseService } from '../../platform/jobs/lease.service.js';
import { startLeasedTask, type LeasedTaskHandle } from '../../platform/jobs/leased-task.js';
import { SftpFileLimit } from './sftp-file-limit.js';
import { SftpPickupsRepository } from './sftp-pickups.repository.js';
import { SftpReceiptService } from './sftp-receipt.service.js';
import { SftpServerStatus } from './sftp-server-status.service.js';
import { claimName, isTakeableName, parseClaim, remoteJoin, type Claim } from './sftp-names.js';
import {
  archiveTarget,
  connectRemote,
  download,
  notFound,
  pollSettingsOf,
  renameRemote,
  statIfPresent,
  type RemoteSftp,
  type SftpPollSettings,
} from './sftp-remote.js';
import { SftpError } from './sftp.exception.js';
import { StableSizeReadLock } from './sftp-read-lock.js';

export interface PollReport {
  readonly partnerId: string;
  /** Files archived as new receipts. */
  readonly archived: number;
  /** Files that repeated an earlier receipt (a re-read after a crash): archived as duplicates, moved. */
  readonly duplicates: number;
  /**
   * Files read in place that came back under an earlier one's name, size and mtime second with other
   * content: archived as quarantined (raised as `sftp.file-reused`), not processed, moved.
   */
  readonly quarantined: number;
  /** Complete-looking files left for a later pass (still growing, or failed). */
  readonly deferred: number;
  /** Files over the SFTP size limit, left on the server (raised once each as `sftp.file-too-large`). */
  readonly tooLarge: number;
}

/** A regular file the inbound folder listed: the partner's upload, or a claim a pass left behind. */
interface Listed {
  readonly name: string;
  readonly size: number;
  readonly modifyTime: number;
}

/** What one pass learnt about the server. */
interface Pass {
  /** False once the server refused to rename a file: the rest of the pass reads files in place. */
  claims: boolean;
}

/**
 * Polls partners' SFTP servers (channels.sftp.poll): each partner on its own schedule, held by one
 * process at a time (a lease per partner). A pass lists the inbound folder, skips temporary names
 * and files whose size is still changing, claims each file by renaming it to a unique name beside
 * it (`claimName`), downloads the claim with a stream `get`, checks the bytes against its size,
 * archives them, and only then moves the claim to the archive folder under the partner's name (or
 * deletes it). The claim is what makes that move safe: a partner reusing a fixed name may upload the
 * next file while the first is archived, and a move or delete by the name would take that file
 * unread. A claim left behind (a crash, a dropped connection) is taken on a later pass. A pickup row
 * (the partner's path, size, mtime, the claim's tag and sha256), written in the archive's transaction,
 * recognises a claim read again after a crash between archiving and moving, so it is never archived
 * or processed twice. A server that refuses renames gets the file read in place and moved only if a
 * `stat` right before shows it unchanged (SftpServerStatus logs and keeps that state when it turns).
 */
@Injectable()
export class SftpPoller implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly tasks: LeasedTaskHandle[] = [];
  private readonly readLock = new StableSizeReadLock();

  constructor(
    @InjectConfig() private readonly config: GatewayConfig,
    private readonly partners: PartnerRegistry,
    private readonly receipts: SftpReceiptService,
    private readonly pickups: SftpPickupsRepository,
    private readonly servers: SftpServerStatus,
    private readonly leases: LeaseService,
    private readonly limit: SftpFileLimit,
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
    let quarantined = 0;
    let deferred = 0;
    let tooLarge = 0;
    const maxBytes = this.limit.maxBytes(partnerId);
    try {
      const listing = await remote.client.list(poll.inboundDir);
      // A claim keeps the partner's mtime, so it sorts with the files listed under their own names.
      const candidates = listing
        .filter((f) => f.type === '-' && isTakeableName(f.name))
        .sort((a, b) => a.modifyTime - b.modifyTime || a.name.localeCompare(b.name));
      this.readLock.forgetVanished(
        partnerId,
        new Set(candidates.map((f) => remoteJoin(poll.inboundDir, f.name))),
      );
      const pass: Pass = { claims: true };
      for (const file of candidates) {
        if (signal?.aborted) break;
        const path = remoteJoin(poll.inboundDir, file.name);
        if (file.size > maxBytes) {
          await this.limit.report(partnerId, { path, size: file.size, modifyTime: file.modifyTime });
          tooLarge += 1;
          continue;
        }
        if (!this.readLock.stable(partnerId, path, file, poll.stableSizeSeconds)) {
          deferred += 1;
          continue;
        }
        const outcome = await this.take(remote, partnerId, poll, file, pass);
        if (outcome === 'new') archived += 1;
        else if (outcome === 'duplicate') duplicates += 1;
        else if (outcome === 'quarantined') quarantined += 1;
        else deferred += 1;
      }
    } finally {
      await remote.end();
    }
    if (archived + duplicates + quarantined > 0)
      this.logger.info(
        { partnerId, archived, duplicates, quarantined, deferred, tooLarge },
        'sftp poll pass',
      );
    return { partnerId, archived, duplicates, quarantined, deferred, tooLarge };
  }

  private async take(
    remote: RemoteSftp,
    partnerId: string,
    poll: SftpPollSettings,
    listed: Listed,
    pass: Pass,
  ): Promise<StoredReceipt['disposition'] | 'deferred'> {
    const listedPath = remoteJoin(poll.inboundDir, listed.name);
    let claim = parseClaim(listed.name);
    // The partner's name: the receipt's filename, its caller key and its name in the archive folder.
    const name = claim ? await this.partnerNameOf(partnerId, claim) : listed.name;
    const partnerPath = remoteJoin(poll.inboundDir, name);
    let file = { path: listedPath, size: listed.size, modifyTime: listed.modifyTime };
    if (!claim && pass.claims) {
      const claimed = await this.claim(remote, partnerId, poll, listed, pass);
      if (claimed === 'gone') return 'deferred';
      if (claimed) {
        this.readLock.forget(partnerId, listedPath);
        // Replaced between the listing and the claim: the claim holds the newer file. A writer that
        // writes in place may still be at it, so that one is observed like any file before it is read.
        const changed = claimed.file.size !== listed.size || claimed.file.modifyTime !== listed.modifyTime;
        if (changed && poll.stableSizeSeconds > 0) return 'deferred';
        ({ claim, file } = claimed);
      }
    }
    let payload: Buffer;
    try {
      payload = await download(remote, file.path, file.size, this.limit.maxBytes(partnerId));
    } catch (error) {
      // Gone (another reader moved it) or changed under us: the next pass sees its new state.
      if (error instanceof SftpError || notFound(error)) {
        this.logger.warn({ partnerId, path: file.path, err: error }, 'sftp file not taken in this pass');
        return 'deferred';
      }
      throw error;
    }
    // The file under the partner's name (a rename keeps size and mtime) and, when claimed, the claim's
    // tag: a file uploaded again under the same name with the same size within the same second is
    // another claim, so another key (not a "repeat with different content"), while a claim read again
    // after a crash keeps its key. Read in place, the file has only its own key (docs/sftp.md, Limits).
    const fileKey = `sftp:${partnerPath}:${file.size}:${Math.floor(file.modifyTime / 1000)}`;
    const callerKey = claim ? `${fileKey}:${claim.tag}` : fileKey;
    const sha256 = createHash('sha256').update(payload).digest('hex');
    // Read again after a crash between archiving and moving: move it, without a second receipt. A
    // claim archived before claims were part of the key was recorded under the file's own key.
    const keys = claim ? [callerKey, fileKey] : [callerKey];
    let disposition: StoredReceipt['disposition'] = 'duplicate';
    if (!(await this.pickups.pickedUp(partnerId, keys, sha256))) {
      const stored = await this.receipts.receive(
        {
          partnerId,
          channel: 'sftp',
          payload,
          head: Buffer.from(ediSniffHead(payload)),
          filename: name,
          callerKey,
          metadata: {
            remotePath: partnerPath,
            host: poll.host,
            modifyTime: new Date(file.modifyTime).toISOString(),
          },
        },
        // These bytes: the original's row for a duplicate, else this receipt's own (new or quarantined).
        (tx, receipt) =>
          this.pickups.record(
            tx,
            partnerId,
            callerKey,
            sha256,
            receipt.disposition === 'duplicate' ? receipt.original!.id : receipt.id,
          ),
      );
      disposition = stored.disposition;
    }
    // Read in place: the partner may have replaced the file meanwhile, and a changed one is not ours
    // to move. (Between this stat and the move a window remains; only a claim closes it.)
    if (!claim) {
      const now = await statIfPresent(remote, file.path);
      if (!now) return disposition; // Already gone (another reader took it): the archive holds it.
      if (now.size !== file.size || now.modifyTime !== file.modifyTime) {
        this.logger.warn(
          { partnerId, path: file.path, read: file, now: { size: now.size, modifyTime: now.modifyTime } },
          'sftp file changed after it was read; left in place for the next pass',
        );
        return disposition;
      }
    }
    // Only now, with the receipt durable, does the file leave the partner's inbound folder.
    try {
      if (poll.deleteAfterPickup) await remote.client.delete(file.path);
      else await renameRemote(remote, file.path, await archiveTarget(remote, poll.archiveDir!, name));
    } catch (error) {
      // Already gone (another reader took it): the archive holds it, nothing is left to do.
      if ((await remote.client.exists(file.path)) !== false) throw error;
    }
    if (claim?.shortened) await this.pickups.forgetClaim(partnerId, claim.name);
    this.readLock.forget(partnerId, listedPath);
    return disposition;
  }

  /**
   * The partner's name of a claim: spelled by the claim, or stored before a shortened claim was made.
   * A shortened claim with no stored name (none should exist) is still taken, under the part kept.
   */
  private async partnerNameOf(partnerId: string, claim: Claim): Promise<string> {
    if (!claim.shortened) return claim.kept;
    const stored = await this.pickups.claimedName(partnerId, claim.name);
    if (stored !== undefined) return stored;
    this.logger.warn(
      { partnerId, claim: claim.name },
      'sftp claim has no stored partner name; taken under the part of the name it kept',
    );
    return claim.kept;
  }

  /**
   * Renames a listed file to a claim of its own, with a plain SFTPv3 rename (which never replaces a
   * file), and answers the claim and its stat; `'gone'` when the file vanished first, undefined
   * when the server refused the rename (permissions), which turns claiming off for the pass.
   */
  private async claim(
    remote: RemoteSftp,
    partnerId: string,
    poll: SftpPollSettings,
    listed: Listed,
    pass: Pass,
  ): Promise<
    { claim: Claim; file: { path: string; size: number; modifyTime: number } } | 'gone' | undefined
  > {
    const from = remoteJoin(poll.inboundDir, listed.name);
    const claim = claimName(listed.name);
    const to = remoteJoin(poll.inboundDir, claim.name);
    const server = `${poll.host}:${poll.port}`;
    // Stored first: a process that dies right after the rename leaves a claim whose name is known.
    if (claim.shortened) await this.pickups.rememberClaim(partnerId, claim.name, listed.name);
    try {
      await remote.client.rename(from, to);
    } catch (error) {
      // Forgotten only when surely not made (a rename whose answer was lost may have been).
      if (claim.shortened && (await remote.client.exists(to)) === false)
        await this.pickups.forgetClaim(partnerId, claim.name);
      if ((await remote.client.exists(from)) === false) return 'gone';
      pass.claims = false;
      await this.servers.renamesRefused(partnerId, server, error);
      return undefined;
    }
    await this.servers.renamesAccepted(partnerId, server);
    const stat = await statIfPresent(remote, to);
    return stat ? { claim, file: { path: to, size: stat.size, modifyTime: stat.modifyTime } } : 'gone';
  }
}
