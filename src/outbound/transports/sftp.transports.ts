import { Injectable } from '@nestjs/common';
import { MailboxPlacement } from '../../transports/sftp/mailbox-placement.service.js';
import { SftpUploader } from '../../transports/sftp/sftp-upload.service.js';
import { SftpError, SftpErrorCode } from '../../transports/sftp/sftp.exception.js';
import { PermanentDeliveryError, type DeliveryResult, type OutboundDocument } from '../outbound.types.js';
import type { DeliveryTransport, DocumentContent } from './delivery-transport.js';

/** Into the partner's hosted mailbox `/outbound` (placement keyed by the document, so a retry places it once). */
@Injectable()
export class MailboxTransport implements DeliveryTransport {
  constructor(private readonly mailbox: MailboxPlacement) {}

  async deliver(document: OutboundDocument, { payload }: DocumentContent): Promise<DeliveryResult> {
    const placed = await this.mailbox.placeOutbound(document.partnerId, document.filename, payload, {
      key: `outbound-document:${document.id}`,
      interchangeId: document.interchangeId,
    });
    return { outcome: 'delivered', detail: `placed in ${placed.path} (${placed.size} bytes)` };
  }
}

/** Uploaded to the partner's own SFTP server: temporary name, size verified, renamed into place. */
@Injectable()
export class SftpUploadTransport implements DeliveryTransport {
  constructor(private readonly uploader: SftpUploader) {}

  async deliver(document: OutboundDocument, { payload }: DocumentContent): Promise<DeliveryResult> {
    const uploaded = await this.uploader
      .upload(document.partnerId, document.filename, payload)
      .catch((error: unknown) => {
        // Retrying cannot help until a person clears the target: fail the document, not the tries.
        if (error instanceof SftpError && error.code === SftpErrorCode.TargetExists)
          throw new PermanentDeliveryError(error.message, { cause: error });
        throw error;
      });
    return { outcome: 'delivered', detail: `uploaded to ${uploaded.remotePath} (${uploaded.size} bytes)` };
  }
}
