import { Inject, Injectable } from '@nestjs/common';
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { BLOB_STORE, type BlobStore } from '../../platform/blobs/blob-store.js';
import { SftpReceiptService } from './sftp-receipt.service.js';
import { isTemporaryName } from './sftp-names.js';
import { MailboxFilesRepository, type MailboxFile } from './mailbox-files.repository.js';

export type TakeOutcome =
  | { readonly taken: true; readonly interchangeId: string; readonly disposition: string }
  | { readonly taken: false; readonly reason: 'missing' | 'partial' | 'temporary' | 'too-large' };

/**
 * What the hosted mailbox does with a partner's files, apart from the SSH protocol: keeps uploads
 * (complete or cut off) in the blob store, takes a complete upload under a non-temporary name into
 * the archive (moving it to `/archive` in the archive's transaction), and renames.
 */
@Injectable()
export class MailboxStore {
  constructor(
    private readonly files: MailboxFilesRepository,
    private readonly receipts: SftpReceiptService,
    @Inject(BLOB_STORE) private readonly blobs: BlobStore,
  ) {}

  /**
   * Keeps the bytes of an upload. `complete` when the client closed the file; a dropped connection
   * keeps it `partial` for a resume, and a partial file is never archived.
   */
  async keepUpload(
    partnerId: string,
    name: string,
    spoolPath: string,
    state: 'partial' | 'complete',
  ): Promise<TakeOutcome> {
    const blob = await this.blobs.put(createReadStream(spoolPath));
    await this.files.upsert(partnerId, 'inbound', name, {
      state,
      blobKey: blob.key,
      size: blob.size,
      sha256: blob.sha256,
    });
    if (state === 'partial') return { taken: false, reason: 'partial' };
    return this.take(partnerId, name);
  }

  /** Archives a complete inbound file under a non-temporary name and moves it to `/archive`. */
  async take(partnerId: string, name: string): Promise<TakeOutcome> {
    if (isTemporaryName(name)) return { taken: false, reason: 'temporary' };
    const file = await this.files.find(partnerId, 'inbound', name);
    if (!file) return { taken: false, reason: 'missing' };
    if (file.state !== 'complete') return { taken: false, reason: 'partial' };
    const stored = await this.receipts.receive(
      {
        partnerId,
        channel: 'sftp-mailbox',
        payload: this.blobs.open(file.blobKey),
        head: await this.head(file),
        filename: name,
        metadata: { mailboxPath: `/inbound/${name}` },
      },
      async (tx, receipt) => {
        await this.files.remove(partnerId, 'inbound', name, tx);
        await this.files.upsert(
          partnerId,
          'archive',
          name,
          {
            state: 'complete',
            blobKey: file.blobKey,
            size: file.size,
            sha256: file.sha256,
            interchangeId: receipt.id,
          },
          tx,
        );
      },
    );
    return { taken: true, interchangeId: stored.id, disposition: stored.disposition };
  }

  /**
   * Renames within `/inbound`. Renaming a complete file away from a temporary name takes it into the
   * archive; a partial upload cannot be renamed (it would look complete).
   */
  async rename(
    partnerId: string,
    from: string,
    to: string,
  ): Promise<'renamed' | 'missing' | 'exists' | 'partial'> {
    const file = await this.files.find(partnerId, 'inbound', from);
    if (!file) return 'missing';
    if (file.state === 'partial') return 'partial';
    if (!(await this.files.rename(partnerId, 'inbound', from, to))) return 'exists';
    if (!isTemporaryName(to)) await this.take(partnerId, to);
    return 'renamed';
  }

  async contents(file: MailboxFile): Promise<Buffer> {
    return this.blobs.read(file.blobKey);
  }

  private async head(file: MailboxFile): Promise<Buffer> {
    const stream = this.blobs.open(file.blobKey);
    try {
      for await (const chunk of stream as Readable) return Buffer.from(chunk as Buffer).subarray(0, 512);
      return Buffer.alloc(0);
    } finally {
      stream.destroy();
    }
  }
}
