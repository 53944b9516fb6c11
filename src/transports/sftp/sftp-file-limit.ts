import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { GATEWAY_ACTOR } from '../../audit/actor.js';
import type { GatewayConfig } from '../../config/config.js';
import { InjectConfig } from '../../config/config.module.js';
import { ExceptionService } from '../../exceptions/exception.service.js';
import type { PartnerProfile } from '../../partners/partner-profile.schema.js';
import { PartnerRegistry } from '../../partners/partner-registry.js';

/** The largest file taken from a partner over SFTP: its profile's `maxFileBytes`, else SFTP_MAX_FILE_BYTES. */
export function sftpMaxFileBytes(profile: PartnerProfile, config: GatewayConfig): number {
  return profile.channels.sftp?.maxFileBytes ?? config.SFTP_MAX_FILE_BYTES;
}

/**
 * The poller's side of the SFTP size limit: a file on a partner's server larger than the limit is
 * neither claimed nor downloaded (the poller holds a file in memory while it archives it), and a
 * person is told once per file, by a case keyed by its path, size and mtime.
 */
@Injectable()
export class SftpFileLimit {
  constructor(
    private readonly dataSource: DataSource,
    private readonly exceptions: ExceptionService,
    private readonly partners: PartnerRegistry,
    @InjectConfig() private readonly config: GatewayConfig,
  ) {}

  maxBytes(partnerId: string): number {
    return sftpMaxFileBytes(this.partners.require(partnerId), this.config);
  }

  /**
   * Raises `sftp.file-too-large` for a file left on the partner's server. Every pass that lists it
   * raises the same key with the same facts, which changes nothing (and a resolved case stays resolved).
   */
  async report(
    partnerId: string,
    file: { readonly path: string; readonly size: number; readonly modifyTime: number },
  ): Promise<void> {
    const limit = this.maxBytes(partnerId);
    const key = `${file.path}:${file.size}:${Math.floor(file.modifyTime / 1000)}`;
    await this.dataSource.transaction((tx) =>
      this.exceptions.raise(
        tx,
        {
          type: 'sftp.file-too-large',
          // Case texts are at most 500 characters; a partner's path may be longer.
          dedupeKey: key.length <= 200 ? key : `sha256:${createHash('sha256').update(key).digest('hex')}`,
          summary: clip(
            `${file.size} bytes, over the SFTP limit of ${limit}: left on ${partnerId}'s server, not taken ` +
              `(split it, or raise channels.sftp.maxFileBytes): ${file.path}`,
          ),
          references: { partnerId },
          differences: { size: { expected: `at most ${limit}`, actual: String(file.size) } },
        },
        GATEWAY_ACTOR,
      ),
    );
  }
}

/** Case texts are at most 500 characters. */
export function clip(text: string): string {
  return text.length <= 500 ? text : `${text.slice(0, 499)}…`;
}
