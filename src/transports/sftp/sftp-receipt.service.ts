import { Injectable } from '@nestjs/common';
import type { Readable } from 'node:stream';
import type { EntityManager } from 'typeorm';
import { GATEWAY_ACTOR } from '../../audit/actor.js';
import { detectEdiStandard } from '../../edi/core/index.js';
import { ExceptionService } from '../../exceptions/exception.service.js';
import { InterchangeArchive } from '../../interchanges/interchange-archive.service.js';
import type { StoredReceipt } from '../../interchanges/interchange.types.js';
import { answerResendAgain } from '../../outbound/acknowledgment-repeat.js';
import { OutboxService } from '../../platform/jobs/outbox.service.js';
import { EdifactIntakeJob } from '../../translation/edifact-intake.job.js';
import { X12IntakeJob } from '../../translation/x12-intake.job.js';
import { clip } from './sftp-file-limit.js';

export interface SftpReceipt {
  readonly partnerId: string;
  /** `sftp` (polled from the partner's server) or `sftp-mailbox` (uploaded to our mailbox). */
  readonly channel: 'sftp' | 'sftp-mailbox';
  readonly payload: Buffer | Readable;
  /** The first bytes of the payload, to tell X12 from EDIFACT. */
  readonly head: Buffer;
  readonly filename: string;
  readonly callerKey?: string;
  readonly metadata?: Record<string, unknown>;
}

/**
 * Hands a file an SFTP channel received to the archive, and in the archive's transaction queues the
 * intake that reads it (X12 or EDIFACT, told by its first bytes). A file that is neither is archived
 * as rejected, for a person to look at. A duplicate (same caller key or content as an accepted
 * receipt) is archived as such and not processed again; a file sent again under a new name gets the
 * original's acknowledgments again. A file under an accepted caller key with other content (a polled
 * file read in place, sent again under its name, size and mtime second) is quarantined, and raised as
 * `sftp.file-reused` for a person: it is neither processed nor answered.
 */
@Injectable()
export class SftpReceiptService {
  constructor(
    private readonly archive: InterchangeArchive,
    private readonly outbox: OutboxService,
    private readonly exceptions: ExceptionService,
  ) {}

  async receive(
    receipt: SftpReceipt,
    withinTransaction?: (tx: EntityManager, stored: StoredReceipt) => Promise<void>,
  ): Promise<StoredReceipt> {
    const standard = detectEdiStandard(receipt.head).standard;
    return this.archive.receive(
      {
        partnerId: receipt.partnerId,
        channel: receipt.channel,
        payload: receipt.payload,
        filename: receipt.filename,
        callerKey: receipt.callerKey,
        metadata: { ...receipt.metadata, standard },
      },
      async (tx, stored) => {
        // A resend of an accepted file is not processed again but answered again (acknowledgment-repeat.ts).
        await answerResendAgain(this.outbox, tx, stored, receipt);
        if (stored.disposition === 'new' && standard !== 'unknown') {
          const job = standard === 'x12' ? X12IntakeJob : EdifactIntakeJob;
          await this.outbox.enqueue(tx, job, { interchangeId: stored.id }, { key: stored.id });
        } else if (stored.disposition === 'new') {
          await this.archive.setStatus(
            stored.id,
            'rejected',
            `${receipt.channel}: ${receipt.filename} is neither an X12 nor an EDIFACT interchange`,
            tx,
          );
        }
        if (stored.disposition === 'quarantined') await this.quarantine(tx, receipt, stored);
        if (withinTransaction) await withinTransaction(tx, stored);
      },
    );
  }

  private async quarantine(tx: EntityManager, receipt: SftpReceipt, stored: StoredReceipt): Promise<void> {
    const remotePath = receipt.metadata?.remotePath;
    const where = typeof remotePath === 'string' ? remotePath : receipt.filename;
    await this.exceptions.raise(
      tx,
      {
        type: 'sftp.file-reused',
        dedupeKey: `interchange:${stored.id}`,
        summary: clip(
          `${receipt.filename} on ${receipt.partnerId}'s SFTP server came back with the same name, size and ` +
            `mtime second but other content (first: interchange ${stored.original?.id}, this one: ` +
            `${stored.id}, quarantined): ${where}`,
        ),
        references: { partnerId: receipt.partnerId, interchangeId: stored.id },
      },
      GATEWAY_ACTOR,
    );
  }
}
