import { Inject, Injectable } from '@nestjs/common';
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { ediSniffHead } from '../../edi/core/detect.js';
import type { EntityManager } from 'typeorm';
import { BLOB_STORE, type BlobStore } from '../../platform/blobs/blob-store.js';
import { SftpReceiptService } from './sftp-receipt.service.js';
import { isTemporaryName } from './sftp-names.js';
import { SftpError, SftpErrorCode } from './sftp.exception.js';
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
   * keeps it `partial` for a resume, and a partial file is never archived. A complete upload under a
   * final name goes straight to the archive in one transaction: if archiving fails the client is
   * told so and nothing under that name looks complete.
   */
  async keepUpload(
    partnerId: string,
    name: string,
    spoolPath: string,
    state: 'partial' | 'complete',
  ): Promise<TakeOutcome> {
    const blob = await this.blobs.put(createReadStream(spoolPath));
    const file = { state, blobKey: blob.key, size: blob.size, sha256: blob.sha256 };
    if (state === 'complete' && !isTemporaryName(name))
      // The upload replaces whatever the name held in /inbound (a partial file it resumed).
      return this.archive(partnerId, name, file, async (tx) => {
        await this.files.remove(partnerId, 'inbound', name, tx);
      });
    await this.files.upsert(partnerId, 'inbound', name, file);
    return { taken: false, reason: state === 'partial' ? 'partial' : 'temporary' };
  }

  /**
   * Archives a complete inbound file under a non-temporary name and moves it to `/archive`: what
   * recovery does for a file an earlier version left complete in `/inbound`.
   */
  async take(partnerId: string, name: string): Promise<TakeOutcome> {
    if (isTemporaryName(name)) return { taken: false, reason: 'temporary' };
    const file = await this.files.find(partnerId, 'inbound', name);
    if (!file) return { taken: false, reason: 'missing' };
    if (file.state !== 'complete') return { taken: false, reason: 'partial' };
    return this.archive(partnerId, name, file, async (tx) => {
      // Taken meanwhile (another session's recovery, a rename): roll this receipt back.
      if (!(await this.files.remove(partnerId, 'inbound', name, tx)))
        throw new SftpError(SftpErrorCode.MailboxConflict, `/inbound/${name} was taken meanwhile`);
    });
  }

  /**
   * Takes every complete file under a final name still in `/inbound` into the archive. Such a file
   * was accepted (its client was answered OK) by a version that archived in a second step that
   * then failed; run when the partner logs in. Returns the names taken.
   */
  async recover(partnerId: string): Promise<string[]> {
    const taken: string[] = [];
    for (const file of await this.files.list(partnerId, 'inbound')) {
      if (file.state !== 'complete' || isTemporaryName(file.name)) continue;
      if ((await this.take(partnerId, file.name)).taken) taken.push(file.name);
    }
    return taken;
  }

  /**
   * Renames within `/inbound`. Renaming a complete file away from a temporary name takes it into the
   * archive in the same transaction, so a failed archive leaves the file under its old name for the
   * client to retry; a partial upload cannot be renamed (it would look complete).
   */
  async rename(
    partnerId: string,
    from: string,
    to: string,
  ): Promise<'renamed' | 'missing' | 'exists' | 'partial'> {
    const file = await this.files.find(partnerId, 'inbound', from);
    if (!file) return 'missing';
    if (file.state === 'partial') return 'partial';
    if (isTemporaryName(to))
      return (await this.files.rename(partnerId, 'inbound', from, to)) ? 'renamed' : 'exists';
    if (await this.files.find(partnerId, 'inbound', to)) return 'exists';
    await this.archive(partnerId, to, file, async (tx) => {
      if (!(await this.files.remove(partnerId, 'inbound', from, tx)))
        throw new SftpError(SftpErrorCode.MailboxConflict, `/inbound/${from} was renamed meanwhile`);
    });
    return 'renamed';
  }

  /**
   * Archives bytes already in the blob store as `/archive/<name>`; `leaveInbound` removes the
   * `/inbound` row they came from in the archive's transaction (DESIGN.md "store first").
   */
  private async archive(
    partnerId: string,
    name: string,
    file: Pick<MailboxFile, 'blobKey' | 'size' | 'sha256'>,
    leaveInbound: (tx: EntityManager) => Promise<void>,
  ): Promise<TakeOutcome> {
    const stored = await this.receipts.receive(
      {
        partnerId,
        channel: 'sftp-mailbox',
        payload: this.blobs.open(file.blobKey),
        head: await this.head(file.blobKey),
        filename: name,
        metadata: { mailboxPath: `/inbound/${name}` },
      },
      async (tx, receipt) => {
        await leaveInbound(tx);
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

  async contents(file: MailboxFile): Promise<Buffer> {
    return this.blobs.read(file.blobKey);
  }

  private async head(blobKey: string): Promise<Buffer> {
    const stream = this.blobs.open(blobKey);
    try {
      for await (const chunk of stream as Readable) return Buffer.from(ediSniffHead(chunk as Buffer));
      return Buffer.alloc(0);
    } finally {
      stream.destroy();
    }
  }
}
