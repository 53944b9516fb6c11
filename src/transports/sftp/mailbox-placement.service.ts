import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { PartnerRegistry } from '../../partners/partner-registry.js';
import { BLOB_STORE, type BlobStore } from '../../platform/blobs/blob-store.js';
import { requirePlainName } from './sftp-names.js';
import { SftpError, SftpErrorCode } from './sftp.exception.js';
import { MailboxFilesRepository } from './mailbox-files.repository.js';

export interface PlaceOptions {
  /** Makes the placement idempotent: a second call with the same key places nothing. */
  readonly key?: string;
  /** The outbound interchange row the file is (to link the two). */
  readonly interchangeId?: string;
  /** Place within the caller's transaction (with the archive row of the document). */
  readonly tx?: EntityManager;
}

export interface PlacedFile {
  readonly path: string;
  readonly size: number;
  readonly sha256: string;
  /** False when the key had been placed before (nothing was placed again). */
  readonly placed: boolean;
}

/**
 * Puts files in a partner's hosted-mailbox `/outbound`, where the partner downloads (and may delete)
 * them. Transport only: what to send and when is the caller's (outbound delivery, the answer job).
 */
@Injectable()
export class MailboxPlacement {
  constructor(
    private readonly partners: PartnerRegistry,
    private readonly files: MailboxFilesRepository,
    @Inject(BLOB_STORE) private readonly blobs: BlobStore,
  ) {}

  async placeOutbound(
    partnerId: string,
    filename: string,
    payload: Buffer,
    options: PlaceOptions = {},
  ): Promise<PlacedFile> {
    requirePlainName(filename);
    const mailbox = this.partners.require(partnerId).channels.sftp?.mailbox;
    if (!mailbox?.enabled)
      throw new SftpError(SftpErrorCode.NotConfigured, `partner ${partnerId} has no enabled SFTP mailbox`);
    // Inside a transaction the caller checked already (a second connection must not be awaited there).
    if (options.key && !options.tx) {
      const earlier = await this.files.findPlacement(partnerId, options.key);
      if (earlier)
        return {
          path: `/outbound/${earlier.name}`,
          size: earlier.size,
          sha256: earlier.sha256,
          placed: false,
        };
    }
    const blob = await this.blobs.put(payload);
    const file = {
      state: 'complete' as const,
      blobKey: blob.key,
      size: blob.size,
      sha256: blob.sha256,
      interchangeId: options.interchangeId ?? null,
      placementKey: options.key ?? null,
    };
    // A file the partner has not fetched yet is never replaced: a second one gets a numbered name.
    for (let n = 0; n < 100; n++) {
      const name = n === 0 ? filename : `${filename}.${n}`;
      if (await this.files.insertNew(partnerId, 'outbound', name, file, options.tx))
        return { path: `/outbound/${name}`, size: blob.size, sha256: blob.sha256, placed: true };
    }
    throw new SftpError(
      SftpErrorCode.InvalidName,
      `partner ${partnerId}: /outbound holds 100 files named ${filename}(.n) already`,
    );
  }

  async isPlaced(partnerId: string, key: string): Promise<boolean> {
    return (await this.files.findPlacement(partnerId, key)) !== undefined;
  }
}
