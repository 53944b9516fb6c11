import { Module } from '@nestjs/common';
import { ExceptionsModule } from '../../exceptions/exceptions.module.js';
import { PartnersModule } from '../../partners/partners.module.js';
import { MailboxFilesRepository } from './mailbox-files.repository.js';
import { MailboxPlacement } from './mailbox-placement.service.js';
import { MailboxServer } from './mailbox-server.service.js';
import { MailboxStore } from './mailbox-store.service.js';
import { SftpFileLimit } from './sftp-file-limit.js';
import { SftpPickupsRepository } from './sftp-pickups.repository.js';
import { SftpPoller } from './sftp-poller.service.js';
import { SftpReceiptService } from './sftp-receipt.service.js';
import { SftpServerStatus } from './sftp-server-status.service.js';
import { SftpUploader } from './sftp-upload.service.js';

/**
 * SFTP (docs/sftp.md): polling partners' servers and uploading to them, and the hosted per-partner
 * mailbox. Exports the two transport-only APIs outbound delivery uses: `SftpUploader.upload` and
 * `MailboxPlacement.placeOutbound`.
 */
@Module({
  imports: [PartnersModule, ExceptionsModule],
  providers: [
    SftpReceiptService,
    SftpPickupsRepository,
    SftpServerStatus,
    SftpFileLimit,
    SftpPoller,
    SftpUploader,
    MailboxFilesRepository,
    MailboxStore,
    MailboxPlacement,
    MailboxServer,
  ],
  exports: [SftpUploader, MailboxPlacement, SftpPoller, MailboxServer],
})
export class SftpModule {}
