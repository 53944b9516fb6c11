import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { PartnerRegistry } from '../../partners/partner-registry.js';
import { remoteJoin, requirePlainName } from './sftp-names.js';
import { connectRemote, pollSettingsOf, renameRemote } from './sftp-remote.js';
import { SftpError, SftpErrorCode } from './sftp.exception.js';

export interface SftpUploadResult {
  readonly remotePath: string;
  readonly size: number;
  readonly sha256: string;
}

/**
 * Uploads a document to a partner's own SFTP server (channels.sftp.poll.uploadDir), for the outbound
 * delivery service: written under a temporary name, its size checked with stat, then renamed into
 * place (posix-rename where offered), so the partner's reader never sees half a file. A target that
 * is already there is never replaced (see `upload`).
 */
@Injectable()
export class SftpUploader {
  constructor(private readonly partners: PartnerRegistry) {}

  async upload(partnerId: string, filename: string, payload: Buffer): Promise<SftpUploadResult> {
    requirePlainName(filename);
    const poll = pollSettingsOf(this.partners.require(partnerId));
    if (!poll.uploadDir)
      throw new SftpError(
        SftpErrorCode.NotConfigured,
        `partner ${partnerId} has no channels.sftp.poll.uploadDir`,
      );
    const target = remoteJoin(poll.uploadDir, filename);
    const temporary = `${target}.part`;
    const remote = await connectRemote(partnerId, poll);
    const sha256 = createHash('sha256').update(payload).digest('hex');
    const result = { remotePath: target, size: payload.length, sha256 };
    try {
      // A retry after a rename whose success was not recorded finds the target there: the same bytes
      // are that delivery (uploading again would have the partner read it twice); other bytes are a
      // file the partner has not fetched yet, which is never overwritten.
      if (await remote.client.exists(target)) {
        const held = (await remote.client.get(target)) as Buffer;
        if (held.equals(payload)) return result;
        throw new SftpError(
          SftpErrorCode.TargetExists,
          `${target} already exists on the partner's server with other content (${held.length} bytes, ` +
            `we would write ${payload.length}): the partner has not fetched it yet. Ask the partner to ` +
            `fetch or remove it, then resend the document`,
        );
      }
      await remote.client.put(Readable.from([payload]), temporary);
      const written = await remote.client.stat(temporary);
      if (written.size !== payload.length) {
        // A failed put can leave a short or empty file: never rename it into place.
        await remote.client.delete(temporary).catch(() => undefined);
        throw new SftpError(
          SftpErrorCode.SizeMismatch,
          `${temporary}: wrote ${payload.length} bytes, the server holds ${written.size}`,
        );
      }
      await renameRemote(remote, temporary, target);
      return result;
    } finally {
      await remote.end();
    }
  }
}
