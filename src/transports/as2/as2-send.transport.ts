import { Injectable } from '@nestjs/common';
import type { GatewayConfig } from '../../config/config.js';
import { InjectConfig } from '../../config/config.module.js';
import {
  DeliveryThrottledError,
  PermanentDeliveryError,
  type DeliveryResult,
  type OutboundDocument,
} from '../../outbound/outbound.types.js';
import {
  RefusedTargetError,
  retryAfterMs,
  safeRequest,
  type SafeResponse,
} from '../../outbound/safe-http.js';
import type { DeliveryTransport, DocumentContent } from '../../outbound/transports/delivery-transport.js';
import type { PartnerProfile } from '../../partners/partner-profile.schema.js';
import { As2MdnEvidence } from './as2-mdn-evidence.js';
import { As2OutboundMessages, type As2OutboundMessage } from './as2-outbound-message.repository.js';
import { As2Partnerships, type As2Partnership } from './as2-partnerships.service.js';
import {
  buildOutboundAs2,
  formatMics,
  verifyMdn,
  type MicAlgorithm,
  type OutboundAs2Message,
} from './protocol/index.js';

/** The path of our receipt URL for asynchronous MDNs (As2Controller). */
export const AS2_RECEIPT_PATH = '/as2/mdn/receipt';

/** A try that finds the round concluded this recently by another try waits instead of starting anew. */
const CONCLUDED_GUARD_MS = 10_000;

interface Send {
  readonly document: OutboundDocument;
  /** The archived bytes and their Content-Type with its charset: the payload part's Content-Type. */
  readonly content: DocumentContent;
  readonly partnership: As2Partnership;
  readonly messageId: string;
  readonly as2To: string;
}

/**
 * AS2 send (RFC 4130, docs/as2.md): the document signed, encrypted and optionally compressed per the
 * partner's `channels.as2`, POSTed to its URL, and delivered only on an MDN that verifies: signed by a
 * pinned certificate of the partner (when we asked for a signed one), answering our Message-ID,
 * `processed`, with our MIC. The Message-ID derives from the document id, so every retry and resend
 * reuses it. Every MDN is archived as evidence (channel `as2-mdn`) and its verdict recorded in
 * `as2_outbound_message`.
 *
 * - `sendMdn: sync`: the MDN comes in the response. No answer, 408, 429 and 5xx are retried; a
 *   negative or unverifiable MDN is a permanent failure with its reason (resend or cancel).
 * - `sendMdn: async`: `Receipt-Delivery-Option` names our receipt URL; the try ends when the partner
 *   took the request, and the delivery job is deferred (not failed) while the window
 *   (AS2_ASYNC_MDN_WAIT_MINUTES) is open, resending the same Message-ID every quarter of the window.
 *   The receipt endpoint records the MDN's verdict and wakes the delivery, which concludes here: a
 *   verified MDN delivers, an authentic refusal fails at once, a closed window fails with the reason.
 */
@Injectable()
export class As2SendTransport implements DeliveryTransport {
  constructor(
    private readonly partnerships: As2Partnerships,
    private readonly messages: As2OutboundMessages,
    private readonly evidence: As2MdnEvidence,
    @InjectConfig() private readonly config: GatewayConfig,
  ) {}

  /** Where partners POST asynchronous MDNs: AS2_RECEIPT_URL, else PUBLIC_URL + /as2/mdn/receipt. */
  receiptUrl(): string | undefined {
    if (this.config.AS2_RECEIPT_URL) return this.config.AS2_RECEIPT_URL;
    if (!this.config.PUBLIC_URL) return undefined;
    return `${this.config.PUBLIC_URL.replace(/\/+$/, '')}${AS2_RECEIPT_PATH}`;
  }

  async deliver(
    document: OutboundDocument,
    content: DocumentContent,
    partner: PartnerProfile,
  ): Promise<DeliveryResult> {
    const partnership = this.partnerships.forPartner(partner.id);
    if (!partnership) throw new PermanentDeliveryError(`partner ${partner.id} has no enabled channels.as2`);
    if (!partnership.settings.url)
      return {
        outcome: 'waiting-transport',
        detail: 'the partner profile has no channels.as2.url; the document waits for a resend',
      };
    const as2To = partner.identities.as2[0];
    if (!as2To) throw new PermanentDeliveryError(`partner ${partner.id} has no identities.as2`);
    const send: Send = {
      document,
      content,
      partnership,
      messageId: as2MessageId(document.id, this.partnerships.ourId),
      as2To,
    };
    return partnership.settings.sendMdn === 'async' ? this.deliverAsync(send) : this.deliverSync(send);
  }

  /**
   * An asynchronous round whose document was cancelled while it waited, and whose MDN has since come
   * in and proved delivery: the round is concluded as delivered (a cancel does not unsend).
   */
  async provedAfterCancel(
    document: OutboundDocument,
  ): Promise<Extract<DeliveryResult, { outcome: 'delivered' }> | undefined> {
    const messageId = as2MessageId(document.id, this.partnerships.ourId);
    const record = await this.messages.get(messageId);
    if (record?.mdnMode !== 'async' || record.concludedAt || record.mdnStatus !== 'delivered')
      return undefined;
    await this.messages.conclude(messageId, new Date());
    return this.deliveredBy(record);
  }

  private async deliverSync(send: Send): Promise<DeliveryResult> {
    const message = await this.build(send);
    await this.messages.startRound({ ...this.round(send, message, 'sync'), windowClosesAt: null });
    const response = await this.post(send, message, undefined);
    await this.messages.sent(send.messageId, micsOf(message), new Date(), null);
    return this.judgeResponseMdn(send, message, response);
  }

  private async deliverAsync(send: Send): Promise<DeliveryResult> {
    const receiptUrl = this.receiptUrl();
    if (!receiptUrl)
      throw new PermanentDeliveryError(
        'asynchronous MDNs need our receipt URL: set AS2_RECEIPT_URL or PUBLIC_URL',
      );
    const now = new Date();
    const waitMs =
      (send.partnership.settings.asyncMdnWaitMinutes ?? this.config.AS2_ASYNC_MDN_WAIT_MINUTES) * 60_000;
    const resendMs = Math.max(waitMs / 4, 1_000);
    let record = await this.messages.get(send.messageId);
    if (record?.mdnMode !== 'async') record = undefined;
    if (record?.concludedAt) {
      // Concluded: either another try did it a moment ago (this is a duplicate wake-up), or an
      // operator resent the document after a verdict, which starts a new round.
      if (record.mdnStatus === 'delivered') return this.deliveredBy(record);
      const since = now.getTime() - Date.parse(record.concludedAt);
      if (since < CONCLUDED_GUARD_MS)
        throw new DeliveryThrottledError(
          `AS2 ${send.messageId} was concluded by another try`,
          CONCLUDED_GUARD_MS - since,
        );
      record = undefined;
    }
    if (record) {
      if (record.mdnStatus === 'delivered') {
        await this.messages.conclude(send.messageId, now);
        return this.deliveredBy(record);
      }
      if (record.mdnStatus === 'rejected') {
        await this.messages.conclude(send.messageId, now);
        throw new PermanentDeliveryError(
          `AS2 MDN for ${send.messageId} not accepted: ${record.mdnDetail}${archived(record)}`,
        );
      }
      const closes = record.windowClosesAt ? Date.parse(record.windowClosesAt) : now.getTime();
      if (now.getTime() >= closes) {
        // Nobody concluded the window when it closed (the document was cancelled or failed meanwhile):
        // this is a resend, and starts a new round.
        if (now.getTime() - closes > Math.max(resendMs, 60_000)) record = undefined;
        else {
          await this.messages.conclude(send.messageId, now);
          throw new PermanentDeliveryError(
            `no acceptable asynchronous MDN for ${send.messageId} within ${minutes(waitMs)} ` +
              `(sent ${record.sends} time${record.sends === 1 ? '' : 's'} with this Message-ID)` +
              (record.lastRefusal ? `; last MDN refused: ${record.lastRefusal}` : ''),
          );
        }
      } else if (record.sends > 0 && record.nextSendAt && now.getTime() < Date.parse(record.nextSendAt)) {
        throw new DeliveryThrottledError(
          waiting(send.messageId, record.sends, record.windowClosesAt),
          Math.min(Date.parse(record.nextSendAt), closes) - now.getTime(),
        );
      }
    }
    const message = await this.build(send);
    const windowClosesAt = record?.windowClosesAt
      ? new Date(record.windowClosesAt)
      : new Date(now.getTime() + waitMs);
    if (!record) await this.messages.startRound({ ...this.round(send, message, 'async'), windowClosesAt });
    const response = await this.post(send, message, receiptUrl);
    // Some partners answer synchronously all the same: such an MDN is judged like one.
    if (response.body.length > 0 && /^multipart\//i.test(String(response.headers['content-type'] ?? '')))
      return this.judgeResponseMdn(send, message, response);
    const sentAt = new Date();
    const next = new Date(Math.min(sentAt.getTime() + resendMs, windowClosesAt.getTime()));
    await this.messages.sent(send.messageId, micsOf(message), sentAt, next);
    throw new DeliveryThrottledError(
      waiting(send.messageId, (record?.sends ?? 0) + 1, windowClosesAt.toISOString()),
      Math.max(next.getTime() - sentAt.getTime(), 0),
    );
  }

  private round(send: Send, message: OutboundAs2Message, mdnMode: 'sync' | 'async') {
    return {
      messageId: send.messageId,
      documentId: send.document.id,
      partnerId: send.partnership.partner.id,
      outboundInterchangeId: send.document.interchangeId,
      mdnMode,
      mic: micsOf(message),
      signedRequested: send.partnership.settings.requestSignedMdn,
      now: new Date(),
    };
  }

  private async build(send: Send): Promise<OutboundAs2Message> {
    const settings = send.partnership.settings;
    const signing = settings.sendSigning === 'none' ? undefined : settings.sendSigning;
    const micAlgorithm: MicAlgorithm = signing ?? 'sha-256';
    try {
      return await buildOutboundAs2(send.content.payload, {
        // Without requestSignedMdn no Disposition-Notification-Options go out, so no MIC algorithm is
        // requested: the partner's unsigned MDN may use any the partnership allows.
        alsoMicAlgorithms: settings.requestSignedMdn ? [] : this.partnerships.micAlgorithms(send.partnership),
        // The payload part's Content-Type names the charset the bytes are written in. It is inside
        // what is signed and encrypted, and the MIC covers it (RFC 4130 §7.3.1) as it is built here.
        contentType: send.content.contentType,
        sign: signing ? { keys: await this.partnerships.signingKeys(), digest: signing } : undefined,
        encrypt:
          settings.sendEncryption === 'none'
            ? undefined
            : { partnerCertificates: send.partnership.certificates, algorithm: settings.sendEncryption },
        compress: settings.sendCompression === 'none' ? undefined : settings.sendCompression,
        micAlgorithm,
      });
    } catch (error) {
      throw new PermanentDeliveryError(`AS2 message not built: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }

  /** POSTs one send; throws what the outbound delivery retries, defers or fails. */
  private async post(
    send: Send,
    message: OutboundAs2Message,
    receiptUrl: string | undefined,
  ): Promise<SafeResponse> {
    const settings = send.partnership.settings;
    const url = settings.url!;
    const target = new URL(url).origin;
    const micAlgorithm = message.mic.algorithm;
    let response;
    try {
      response = await safeRequest({
        method: 'POST',
        url,
        timeoutMs: settings.sendTimeoutSeconds * 1000,
        allowPrivate: this.config.OUTBOUND_ALLOW_PRIVATE_TARGETS,
        headers: {
          ...message.headers,
          // A length, not chunked: many AS2 servers refuse chunked requests.
          'content-length': String(message.body.length),
          'mime-version': '1.0',
          'as2-version': '1.2',
          'as2-from': quoteAs2Name(this.partnerships.ourId),
          'as2-to': quoteAs2Name(send.as2To),
          'message-id': send.messageId,
          subject: `${send.document.messageType} ${send.document.filename}`.replace(/[\r\n]/g, ' '),
          'user-agent': 'supplier-gateway',
          'disposition-notification-to': receiptUrl ?? quoteAs2Name(this.partnerships.ourId),
          ...(settings.requestSignedMdn
            ? {
                'disposition-notification-options': `signed-receipt-protocol=optional, pkcs7-signature; signed-receipt-micalg=optional, ${micAlgorithm}`,
              }
            : {}),
          ...(receiptUrl ? { 'receipt-delivery-option': receiptUrl } : {}),
        },
        body: message.body,
        maxResponseBytes: 1_048_576,
      });
    } catch (error) {
      if (error instanceof RefusedTargetError)
        throw new PermanentDeliveryError(`AS2 ${target}: ${error.message}`);
      throw new Error(`AS2 ${target}: ${(error as Error).message}`, { cause: error });
    }
    const what = `AS2 ${target} answered ${response.status}`;
    if (response.status === 429 || response.status === 503) {
      const after = retryAfterMs(response.headers['retry-after']);
      if (after !== undefined) throw new DeliveryThrottledError(what, after);
    }
    if (response.status === 408 || response.status === 429 || response.status >= 500) throw new Error(what);
    if (response.status < 200 || response.status >= 300) throw new PermanentDeliveryError(what);
    return response;
  }

  /** A synchronous MDN: archived as evidence, verified, its verdict recorded; delivered or failed. */
  private async judgeResponseMdn(
    send: Send,
    message: OutboundAs2Message,
    response: SafeResponse,
  ): Promise<DeliveryResult> {
    const verdict = verifyMdn(response.headers, response.body, {
      messageId: send.messageId,
      mic: message.mic,
      otherMics: message.otherMics,
      signedRequested: send.partnership.settings.requestSignedMdn,
      partnerCertificates: send.partnership.certificates,
    });
    const detail = verdict.delivered ? verdict.detail : verdict.reason;
    let mdnInterchangeId: string | undefined;
    if (response.body.length > 0) {
      const stored = await this.evidence.archiveMdn(
        {
          partnerId: send.partnership.partner.id,
          headers: response.headers,
          body: response.body,
          status: verdict.delivered ? 'processed' : 'rejected',
          detail,
          correlationId: send.document.correlationId,
          metadata: {
            kind: 'mdn',
            delivery: 'sync',
            originalMessageId: send.messageId,
            documentId: send.document.id,
            outboundInterchangeId: send.document.interchangeId,
          },
        },
        async (tx, receipt) => {
          await this.messages.recordVerdict(tx, send.messageId, {
            status: verdict.delivered ? 'delivered' : 'rejected',
            detail,
            mdnInterchangeId: receipt.id,
          });
        },
      );
      mdnInterchangeId = stored.id;
    }
    await this.messages.conclude(send.messageId, new Date());
    const where = mdnInterchangeId ? `; MDN archived as interchange ${mdnInterchangeId}` : '';
    if (!verdict.delivered)
      throw new PermanentDeliveryError(
        `AS2 MDN for ${send.messageId} not accepted: ${verdict.reason}${where}`,
      );
    return { outcome: 'delivered', detail: `AS2 ${send.messageId}: ${verdict.detail}${where}` };
  }

  private deliveredBy(record: As2OutboundMessage): Extract<DeliveryResult, { outcome: 'delivered' }> {
    return {
      outcome: 'delivered',
      detail: `AS2 ${record.messageId}: ${record.mdnDetail}${archived(record)}`,
    };
  }
}

/** What `as2_outbound_message.mic` keeps: our MIC, then ours in the other algorithms an MDN may use. */
function micsOf(message: OutboundAs2Message): string {
  return formatMics([message.mic, ...message.otherMics]);
}

/** `<outbound-{document id}@{our AS2 id}>`: the same on every try of one document. */
export function as2MessageId(documentId: string, ourId: string): string {
  return `<outbound-${documentId}@${ourId.replace(/[^A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]/g, '_')}>`;
}

/** AS2 names with spaces or specials are quoted (RFC 4130 §6.2). */
function quoteAs2Name(name: string): string {
  return /^[!#-'*+\-.0-9A-Z^-~]+$/.test(name) ? name : `"${name.replace(/["\\]/g, '\\$&')}"`;
}

function archived(record: As2OutboundMessage): string {
  return record.mdnInterchangeId ? `; MDN archived as interchange ${record.mdnInterchangeId}` : '';
}

function waiting(messageId: string, sends: number, closes: string | null): string {
  return `AS2 ${messageId} sent ${sends} time${sends === 1 ? '' : 's'}; waiting for its asynchronous MDN until ${closes ?? '?'}`;
}

function minutes(ms: number): string {
  const value = ms / 60_000;
  return `${Number.isInteger(value) ? value : value.toFixed(2)} minute${value === 1 ? '' : 's'}`;
}
