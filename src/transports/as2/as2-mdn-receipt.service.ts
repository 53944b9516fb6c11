import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { GATEWAY_ACTOR } from '../../audit/actor.js';
import { ExceptionService } from '../../exceptions/exception.service.js';
import { OutboundDeliverJob } from '../../outbound/outbound.jobs.js';
import { OutboxService } from '../../platform/jobs/outbox.service.js';
import { currentCorrelationId } from '../../platform/logging/correlation.js';
import { As2MdnEvidence, header } from './as2-mdn-evidence.js';
import { As2OutboundMessages, type As2OutboundMessage } from './as2-outbound-message.repository.js';
import { As2Partnerships } from './as2-partnerships.service.js';
import { parseMics, peekMdn, verifyMdn, type MdnVerdict } from './protocol/index.js';

export interface InboundMdn {
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  readonly body: Buffer;
}

/** What the receipt endpoint did with an MDN (the HTTP answer is 200 in every case: it is stored). */
export type MdnReceiptOutcome =
  | { readonly outcome: 'delivered' | 'rejected' | 'refused' | 'late'; readonly interchangeId: string }
  | { readonly outcome: 'unmatched'; readonly interchangeId: string };

/**
 * Asynchronous MDNs (RFC 4130 §7.3) at our receipt URL. Each is archived byte for byte first (channel
 * `as2-mdn`), then joined to the outbound message its Original-Message-ID names and verified exactly
 * like a synchronous one (signature only against the partner's pinned certificates, MIC equal to ours,
 * our Message-ID, `processed`). The AS2-From must be that partner's.
 *
 * - verified: the message is delivered; a signed (authentic) refusal fails it at once. Either way the
 *   delivery job is woken in the same transaction and concludes the document.
 * - an MDN anyone could have sent (unsigned when we asked for signed, a signature that does not verify)
 *   decides nothing: a stranger must not fail a real delivery. It is archived rejected, raised as an
 *   exception (one case per message), and named in the failure if the window closes without an
 *   acceptable MDN.
 * - an MDN that matches no message of ours, or comes after its message was decided: archived
 *   (rejected, metadata `unmatched`; a late one as it verified) and raised as an exception (one case
 *   per claimed AS2-From and hour for unmatched ones, per message for late ones), never dropped.
 */
@Injectable()
export class As2MdnReceiptService {
  constructor(
    private readonly partnerships: As2Partnerships,
    private readonly messages: As2OutboundMessages,
    private readonly evidence: As2MdnEvidence,
    private readonly outbox: OutboxService,
    private readonly exceptions: ExceptionService,
  ) {}

  async receive(mdn: InboundMdn): Promise<MdnReceiptOutcome> {
    const as2From = unquote(header(mdn.headers, 'as2-from'));
    const peeked = peekMdn(mdn.headers, mdn.body);
    const claimed = 'fields' in peeked ? peeked.fields.originalMessageId : undefined;
    const record = claimed ? await this.messages.get(bracketed(claimed)) : undefined;
    const partnership = record ? this.partnerships.forPartner(record.partnerId) : undefined;
    if (!record || !partnership) {
      const why =
        'error' in peeked
          ? peeked.error
          : claimed
            ? `no message of ours has Message-ID ${claimed}`
            : 'the MDN names no Original-Message-ID';
      return this.unmatched(mdn, as2From, claimed, why);
    }
    if (!as2From || !partnership.partner.identities.as2.includes(as2From))
      return this.unmatched(
        mdn,
        as2From,
        claimed,
        `AS2-From ${as2From ?? '(none)'} is not ${record.partnerId}'s, whose message ${record.messageId} it names`,
      );
    const [mic, ...otherMics] = parseMics(record.mic);
    const verdict = verifyMdn(mdn.headers, mdn.body, {
      messageId: record.messageId,
      mic: mic!,
      otherMics,
      signedRequested: record.signedRequested,
      partnerCertificates: partnership.certificates,
    });
    return this.join(mdn, record, verdict);
  }

  private async join(mdn: InboundMdn, record: As2OutboundMessage, verdict: MdnVerdict) {
    const detail = verdict.delivered ? verdict.detail : verdict.reason;
    const decides = verdict.delivered || verdict.authentic;
    let outcome: MdnReceiptOutcome['outcome'] = verdict.delivered
      ? 'delivered'
      : decides
        ? 'rejected'
        : 'refused';
    const stored = await this.evidence.archiveMdn(
      {
        partnerId: record.partnerId,
        headers: mdn.headers,
        body: mdn.body,
        status: verdict.delivered ? 'processed' : 'rejected',
        detail,
        metadata: {
          kind: 'mdn',
          delivery: 'async',
          originalMessageId: record.messageId,
          documentId: record.documentId,
          outboundInterchangeId: record.outboundInterchangeId,
        },
      },
      async (tx, receipt) => {
        if (!decides) {
          await this.messages.recordRefusal(tx, record.messageId, detail);
          await this.raise(
            tx,
            `as2-mdn-refused:${record.messageId}`,
            receipt.id,
            record.partnerId,
            `AS2 MDN for ${record.messageId} refused (it decides nothing; the message still waits): ${detail}`,
            `MDN interchange ${receipt.id}`,
          );
          return;
        }
        const taken = await this.messages.recordVerdict(tx, record.messageId, {
          status: verdict.delivered ? 'delivered' : 'rejected',
          detail,
          mdnInterchangeId: receipt.id,
        });
        if (
          !taken &&
          receipt.disposition === 'duplicate' &&
          receipt.original?.id === record.mdnInterchangeId
        ) {
          // The deciding MDN posted again (the partner missed our 200): answered 200, nothing to report.
          return;
        }
        if (!taken) {
          outcome = 'late';
          await this.evidence.note(
            tx,
            receipt.id,
            verdict.delivered ? 'processed' : 'rejected',
            `late AS2 MDN (the message was already decided): ${detail}`,
          );
          await this.raise(
            tx,
            `as2-mdn-late:${record.messageId}`,
            receipt.id,
            record.partnerId,
            `AS2 MDN for ${record.messageId} came after the message was decided (${record.mdnStatus}` +
              `${record.concludedAt ? `, concluded ${record.concludedAt}` : ''}): ${detail}`,
            `MDN interchange ${receipt.id}`,
          );
          return;
        }
        // Wakes the document's delivery, which concludes it (delivered, or failed with the reason).
        await this.outbox.enqueue(
          tx,
          OutboundDeliverJob,
          { documentId: record.documentId },
          { key: `${record.documentId}:as2-mdn:${receipt.id}`, correlationId: currentCorrelationId() },
        );
      },
    );
    return { outcome, interchangeId: stored.id };
  }

  private async unmatched(
    mdn: InboundMdn,
    as2From: string | undefined,
    claimed: string | undefined,
    why: string,
  ): Promise<MdnReceiptOutcome> {
    const stored = await this.evidence.archiveMdn(
      {
        // Unauthenticated: it is kept apart from every partner's data.
        partnerId: null,
        headers: mdn.headers,
        body: mdn.body,
        status: 'rejected',
        detail: `unmatched AS2 MDN: ${why}`,
        metadata: {
          kind: 'mdn',
          delivery: 'async',
          unmatched: true,
          as2From: as2From ?? null,
          originalMessageId: claimed ?? null,
        },
      },
      async (tx, receipt) =>
        this.raise(
          tx,
          // One case per claimed sender and hour: the endpoint is public, and a flood of strays must not
          // become a flood of cases (every MDN stays in the archive).
          `as2-mdn-unmatched:${as2From ?? '(none)'}:${new Date().toISOString().slice(0, 13)}`,
          receipt.id,
          null,
          `AS2 MDN from ${as2From ?? '(no AS2-From)'} matches no message of ours: ${why}`,
        ),
    );
    return { outcome: 'unmatched', interchangeId: stored.id };
  }

  private async raise(
    tx: EntityManager,
    dedupeKey: string,
    interchangeId: string,
    partnerId: string | null,
    summary: string,
    /** Which MDN this is, where each MDN for the message is another occurrence of the problem. */
    occurrence?: string,
  ): Promise<void> {
    // `interchange.rejected`: an inbound interchange (here an MDN) that was not taken; the summary says why.
    await this.exceptions.raise(
      tx,
      {
        type: 'interchange.rejected',
        dedupeKey: dedupeKey.slice(0, 300),
        ...(occurrence ? { occurrence } : {}),
        summary: summary.length <= 500 ? summary : `${summary.slice(0, 499)}…`,
        references: { partnerId, interchangeId },
        correlationId: currentCorrelationId(),
      },
      GATEWAY_ACTOR,
    );
  }
}

function bracketed(messageId: string): string {
  return `<${messageId.trim().replace(/^<|>$/g, '')}>`;
}

function unquote(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  if (!trimmed) return undefined;
  return /^".*"$/.test(trimmed) ? trimmed.slice(1, -1).replace(/\\(.)/g, '$1') : trimmed;
}
