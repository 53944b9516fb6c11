import { open } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { GATEWAY_ACTOR } from '../../audit/actor.js';
import type { GatewayConfig } from '../../config/config.js';
import { InjectConfig } from '../../config/config.module.js';
import { detectEdiStandard, EDI_SNIFF_BYTES, ediSniffHead } from '../../edi/core/detect.js';
import { ExceptionService } from '../../exceptions/exception.service.js';
import { InterchangeArchive } from '../../interchanges/interchange-archive.service.js';
import type { StoredReceipt } from '../../interchanges/interchange.types.js';
import { answerResendAgain } from '../../outbound/acknowledgment-repeat.js';
import { BLOB_STORE, type BlobStore } from '../../platform/blobs/blob-store.js';
import { OutboxService } from '../../platform/jobs/outbox.service.js';
import { currentCorrelationId } from '../../platform/logging/correlation.js';
import { EdifactIntakeJob } from '../../translation/edifact-intake.job.js';
import { X12IntakeJob } from '../../translation/x12-intake.job.js';
import {
  AS2_ANSWER_KEY,
  buildRecordedMdn,
  mdnAnswer,
  recordedMdnOf,
  type As2HttpAnswer,
  type RecordedMdn,
} from './as2-answer.js';
import { As2FailureAlerts, isCountedDisposition } from './as2-failure-alerts.service.js';
import { As2FailureThrottle } from './as2-failure-throttle.js';
import { As2MdnJob } from './as2-mdn.job.js';
import { As2Partnerships, type As2Partnership } from './as2-partnerships.service.js';
import { AS2_STREAMING_THRESHOLD_BYTES, as2WorkDir, type SpooledAs2Body } from './as2-spool.js';
import { As2Error, As2ErrorCode } from './as2.exception.js';
import {
  parseDispositionNotificationOptions,
  formatMic,
  mediaTypeWithCharset,
  receiveAs2Message,
  receiveAs2Stream,
  StreamWorkspace,
  wantsSignedReceipt,
  type As2ReceiveResult,
  type As2StreamReceiveResult,
  type Disposition,
  type FileRange,
  type MdnRequest,
} from './protocol/index.js';

export interface InboundAs2Request {
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  /** The body; empty when it is larger than AS2_STREAMING_THRESHOLD_BYTES (then read from `spooled`). */
  readonly body: Buffer;
  /** The body as the capture spooled it: the raw request in the blob store and a work file. */
  readonly spooled?: SpooledAs2Body;
  /** Set on the per-partner URL `POST /as2/:partnerId`. */
  readonly routePartnerId?: string;
}

type Failure = { readonly disposition: Disposition; readonly detail: string };

type Accepted = Extract<As2ReceiveResult | As2StreamReceiveResult, { ok: true }>;

/**
 * One inbound AS2 message (RFC 4130), stored before it is answered (DESIGN.md invariant 1):
 * - the partnership by AS2-From / AS2-To, then the protocol core under the partner's policy;
 * - a message that passed every check is archived as its **payload** (the EDI the intake reads, so a
 *   resend with the same Message-ID and payload is a duplicate even though its encryption differs),
 *   with the raw HTTP body in the blob store (metadata `rawRequest`), and its intake job is queued in
 *   the same transaction; a failed one is archived as its raw body, rejected, and reaches nothing;
 * - the MDN is recorded on the row in that transaction: a duplicate gets the same MDN again, a reused
 *   Message-ID with other content is quarantined and raised as `as2.message-id-reused`.
 */
@Injectable()
export class As2ReceiveService {
  constructor(
    private readonly partnerships: As2Partnerships,
    private readonly archive: InterchangeArchive,
    private readonly outbox: OutboxService,
    private readonly exceptions: ExceptionService,
    @Inject(BLOB_STORE) private readonly blobs: BlobStore,
    private readonly failureAlerts: As2FailureAlerts,
    private readonly throttle: As2FailureThrottle,
    @InjectConfig() config: GatewayConfig,
  ) {
    this.workDir = as2WorkDir(config);
  }

  private readonly workDir: string;

  async receive(request: InboundAs2Request): Promise<As2HttpAnswer> {
    const header = (name: string) => unquote(httpHeader(request.headers, name));
    const messageId = header('message-id');
    const as2From = header('as2-from');
    const as2To = header('as2-to');
    const correlationId = currentCorrelationId();
    if (!messageId || !as2From || !as2To || [messageId, as2From, as2To].some((v) => /[\r\n]/.test(v))) {
      await this.archive.receive({
        partnerId: null,
        channel: 'as2',
        payload: this.rawBody(request),
        status: 'rejected',
        metadata: { headers: safeHeaders(request.headers), reason: 'missing AS2 header' },
        correlationId,
      });
      throw new As2Error(
        As2ErrorCode.MissingHeader,
        'an AS2 message needs Message-ID, AS2-From and AS2-To headers (RFC 4130 §6); no MDN can be addressed without them',
      );
    }
    const facts = { messageId, as2From, as2To, headers: safeHeaders(request.headers), correlationId };
    const found = this.partnerships.find(as2From, as2To, request.routePartnerId);
    if (!found.ok) {
      // Unknown AS2-To: not addressed to us. Unknown AS2-From: no certificate to authenticate it with.
      const failure: Failure =
        found.reason === 'unknown-as2-to'
          ? {
              disposition: error('unexpected-processing-error'),
              detail: `AS2-To ${as2To} is not ${this.partnerships.ourId}`,
            }
          : {
              disposition: error('authentication-failed'),
              detail: `no AS2 partnership with AS2-From ${as2From}`,
            };
      const mdnRequest = requestedMdn(request.headers);
      return this.reject(request, facts, undefined, failure, mdnRequest, undefined);
    }
    const { partnership } = found;
    const policy = await this.partnerships.policy(partnership);
    const spooled = request.spooled;
    if (!spooled || spooled.size <= AS2_STREAMING_THRESHOLD_BYTES) {
      const result = await receiveAs2Message({ headers: request.headers, body: request.body }, policy);
      return this.conclude(request, facts, partnership, result, {
        head: async (ok) => Buffer.from(ediSniffHead(ok.payload)),
        body: (ok) => ok.payload,
      });
    }
    // Large: the streaming core reads the work file; its temporary files go once the row is stored.
    const workspace = await StreamWorkspace.create(this.workDir);
    try {
      const result = await receiveAs2Stream(
        { headers: request.headers, body: { path: spooled.path, start: 0, end: spooled.size } },
        policy,
        workspace,
      );
      return await this.conclude(request, facts, partnership, result, {
        head: (ok) => firstBytes(ok.payload, EDI_SNIFF_BYTES),
        body: (ok) => Readable.from(workspace.chunks(ok.payload)),
      });
    } finally {
      await workspace.dispose();
    }
  }

  /** The MDN route, the EDI standard, then accepted or rejected (both cores' results alike). */
  private async conclude<R extends As2ReceiveResult | As2StreamReceiveResult>(
    request: InboundAs2Request,
    facts: Facts,
    partnership: As2Partnership,
    result: R,
    payload: {
      /** The first bytes, enough to recognise the EDI envelope. */
      head(ok: Extract<R, { ok: true }>): Promise<Buffer>;
      body(ok: Extract<R, { ok: true }>): Buffer | Readable;
    },
  ): Promise<As2HttpAnswer> {
    if (!result.ok) {
      return this.reject(request, facts, partnership, result, result.mdn, result.mic);
    }
    const refusal = this.mdnRouteRefusal(partnership, result.mdn);
    if (refusal) return this.reject(request, facts, partnership, refusal, result.mdn, result.mic);
    const ok = result as Extract<R, { ok: true }>;
    const standard = detectEdiStandard(await payload.head(ok)).standard;
    if (standard === 'unknown') {
      const failure = {
        disposition: error('unexpected-processing-error'),
        detail: 'the payload is neither X12 nor EDIFACT',
      };
      return this.reject(request, facts, partnership, failure, result.mdn, result.mic);
    }
    return this.accept(request, facts, partnership, ok, payload.body(ok), standard);
  }

  private async accept(
    request: InboundAs2Request,
    facts: Facts,
    partnership: As2Partnership,
    result: Accepted,
    payload: Buffer | Readable,
    standard: 'x12' | 'edifact',
  ): Promise<As2HttpAnswer> {
    const partnerId = partnership.partner.id;
    // The capture already streamed the raw request into the blob store.
    const raw = request.spooled?.raw ?? (await this.blobs.put(request.body));
    const processed = await this.mdn(facts, { kind: 'processed' }, result.mdn, result.mic);
    const quarantined = await this.mdn(
      facts,
      error('unexpected-processing-error'),
      result.mdn,
      result.mic,
      `The Message-ID ${facts.messageId} was received before with different content. ` +
        'This message is kept for review and was not processed.',
    );
    let answer = processed;
    const callerKey = `as2:${facts.messageId}`;
    await this.archive.receive(
      {
        partnerId,
        channel: 'as2',
        payload,
        callerKey,
        // As declared with its charset, like the other channels' content types. Information only:
        // the X12 and EDIFACT readers still tell how the bytes are written (docs/as2.md).
        contentType: mediaTypeWithCharset(result.payloadEntity.contentType),
        metadata: {
          ...as2Metadata(facts, result.mdn),
          format: standard,
          mic: formatMic(result.mic),
          applied: {
            signed: result.applied.signed
              ? {
                  digest: result.applied.signed.digest,
                  certificate: result.applied.signed.certificate.fingerprint256,
                }
              : null,
            encrypted: result.applied.encrypted ?? null,
            compressed: result.applied.compressed ?? false,
          },
          rawRequest: { blobKey: raw.key, sha256: raw.sha256, size: raw.size },
        },
        correlationId: facts.correlationId,
      },
      async (tx, receipt) => {
        if (receipt.disposition === 'new') {
          const job = standard === 'x12' ? X12IntakeJob : EdifactIntakeJob;
          await this.outbox.enqueue(
            tx,
            job,
            { interchangeId: receipt.id },
            { key: receipt.id, correlationId: facts.correlationId },
          );
        } else if (receipt.disposition === 'duplicate') {
          // RFC 4130 §9.3: answered, not reprocessed (ACK-CODES.md: no warning). The same Message-ID
          // gets the original MDN again; the same payload under a new Message-ID is a message of its
          // own, owed an MDN naming it and its MIC, and the original's acknowledgments again.
          if (receipt.original?.byCallerKey) answer = recordedMdnOf(receipt.original.answer) ?? processed;
          else
            await answerResendAgain(this.outbox, tx, receipt, {
              partnerId,
              callerKey,
              correlationId: facts.correlationId,
            });
        } else {
          answer = quarantined;
          await this.quarantine(tx, receipt, partnerId, facts);
        }
        await this.answer(tx, receipt.id, answer, partnership, result.mdn, facts);
      },
    );
    return this.httpAnswer(answer, result.mdn, facts);
  }

  /** Archived as received (raw body), rejected with the disposition and its detail; nothing is queued. */
  private async reject(
    request: InboundAs2Request,
    facts: Facts,
    partnership: As2Partnership | undefined,
    failure: Failure,
    requested: MdnRequest,
    mic: As2ReceiveResult['mic'],
  ): Promise<As2HttpAnswer> {
    // Whatever failed, an async MDN goes only to a URL the partnership lists; any other is answered
    // in the response, so a stranger naming a partner's AS2-From cannot aim our MDNs elsewhere (SSRF)
    // or fill the dead letters with MDNs that can never be delivered.
    const mdnRequest: MdnRequest =
      requested.asyncUrl && (!partnership || this.mdnRouteRefusal(partnership, requested))
        ? { ...requested, asyncUrl: undefined }
        : requested;
    const mdn = await this.mdn(facts, failure.disposition, mdnRequest, mic);
    let failuresInWindow = 0;
    // No caller key: a failed attempt must not make a good resend with the same Message-ID a duplicate.
    await this.archive.receive(
      {
        partnerId: partnership?.partner.id ?? null,
        channel: 'as2',
        payload: this.rawBody(request),
        contentType: httpHeader(request.headers, 'content-type'),
        status: 'rejected',
        metadata: { ...as2Metadata(facts, mdnRequest), disposition: mdn.disposition, detail: failure.detail },
        correlationId: facts.correlationId,
      },
      async (tx, receipt) => {
        await this.archive.setStatus(
          receipt.id,
          'rejected',
          clip(`${mdn.disposition} (${failure.detail})`),
          tx,
        );
        await this.answer(tx, receipt.id, mdn, partnership, mdnRequest, facts);
        // Counted and alerted on, never throttled: the AS2-From of a failed message proves nothing.
        if (
          partnership &&
          failure.disposition.kind === 'error' &&
          isCountedDisposition(failure.disposition.modifier)
        )
          failuresInWindow = (
            await this.failureAlerts.record(tx, {
              partnerId: partnership.partner.id,
              disposition: failure.disposition.modifier,
              interchangeId: receipt.id,
              as2From: facts.as2From,
            })
          ).count;
      },
    );
    // PKCS#1 v1.5 partnerships: failure answers are paced once failures pile up (never good messages).
    if (partnership?.settings.security.legacy.rsaPkcs1v15 && failuresInWindow > 0) {
      if ((await this.throttle.pace(partnership.partner.id, failuresInWindow)) === 'overflow')
        return {
          status: 503,
          headers: { 'Retry-After': '60', 'Content-Type': 'application/problem+json' },
          body: Buffer.from(
            JSON.stringify({
              type: 'urn:supplier-gateway:problem:as2.throttled',
              title: 'Too many failed AS2 messages',
              status: 503,
              detail: 'failed messages in this partnership are answered slowly for now; retry later',
            }),
          ),
        };
    }
    return this.httpAnswer(mdn, mdnRequest, facts);
  }

  /** The raw request for a rejected row: the Buffer, or for a large body its blob read back as a stream. */
  private rawBody(request: InboundAs2Request): Buffer | Readable {
    const spooled = request.spooled;
    if (!spooled || spooled.size <= AS2_STREAMING_THRESHOLD_BYTES) return request.body;
    return this.blobs.open(spooled.raw.key);
  }

  /** Records the MDN on the row and, for an asynchronous MDN, queues its delivery in the same transaction. */
  private async answer(
    tx: EntityManager,
    interchangeId: string,
    mdn: RecordedMdn,
    partnership: As2Partnership | undefined,
    request: MdnRequest,
    facts: Facts,
  ): Promise<void> {
    await this.archive.recordAnswer(interchangeId, { [AS2_ANSWER_KEY]: mdn }, tx);
    if (!request.to || !request.asyncUrl || !partnership) return;
    await this.outbox.enqueue(
      tx,
      As2MdnJob,
      {
        interchangeId,
        partnerId: partnership.partner.id,
        url: request.asyncUrl,
        partnerAs2Id: facts.as2From,
      },
      { key: `as2.mdn:${interchangeId}`, correlationId: facts.correlationId },
    );
  }

  private async quarantine(tx: EntityManager, receipt: StoredReceipt, partnerId: string, facts: Facts) {
    await this.exceptions.raise(
      tx,
      {
        type: 'as2.message-id-reused',
        dedupeKey: `interchange:${receipt.id}`,
        summary: clip(
          `AS2 Message-ID ${facts.messageId} from ${facts.as2From} was reused with different content ` +
            `(first: interchange ${receipt.original?.id}, this one: ${receipt.id}, quarantined)`,
        ),
        references: { partnerId, interchangeId: receipt.id },
        correlationId: facts.correlationId,
      },
      GATEWAY_ACTOR,
    );
  }

  /** An MDN route the partnership does not allow is refused before anything is processed (no SSRF). */
  private mdnRouteRefusal(partnership: As2Partnership, request: MdnRequest): Failure | undefined {
    if (!request.to) return undefined;
    const { mdn } = partnership.settings;
    if (request.asyncUrl) {
      if (mdn.allowAsync && mdn.asyncUrls.includes(request.asyncUrl)) return undefined;
      return {
        disposition: error('unexpected-processing-error'),
        detail: `asynchronous MDN URL ${request.asyncUrl} is not allowed for ${partnership.partner.id}`,
      };
    }
    if (mdn.allowSync) return undefined;
    return {
      disposition: error('unexpected-processing-error'),
      detail: `synchronous MDNs are not allowed for ${partnership.partner.id}`,
    };
  }

  private async mdn(
    facts: Facts,
    disposition: Disposition,
    request: MdnRequest,
    mic: As2ReceiveResult['mic'],
    text?: string,
  ): Promise<RecordedMdn> {
    return buildRecordedMdn(
      {
        ourId: this.partnerships.ourId,
        originalRecipient: facts.as2To,
        messageId: facts.messageId,
        disposition,
        mic,
        request,
        text,
      },
      await this.partnerships.keys(),
    );
  }

  /** The MDN in the response, or an empty 200 when none was asked for or it goes asynchronously. */
  private httpAnswer(mdn: RecordedMdn, request: MdnRequest, facts: Facts): As2HttpAnswer {
    if (!request.to || request.asyncUrl) return { status: 200, headers: {}, body: Buffer.alloc(0) };
    return mdnAnswer(mdn, this.partnerships.ourId, facts.as2From);
  }
}

interface Facts {
  readonly messageId: string;
  readonly as2From: string;
  readonly as2To: string;
  readonly headers: Record<string, string>;
  readonly correlationId: string;
}

function error(modifier: Extract<Disposition, { kind: 'error' }>['modifier']): Disposition {
  return { kind: 'error', modifier };
}

function as2Metadata(facts: Facts, mdn: MdnRequest): Record<string, unknown> {
  return {
    messageId: facts.messageId,
    as2From: facts.as2From,
    as2To: facts.as2To,
    headers: facts.headers,
    mdn: {
      requested: mdn.to !== undefined,
      signed: mdn.signed,
      micAlgorithm: mdn.micAlgorithm,
      asyncUrl: mdn.asyncUrl ?? null,
    },
  };
}

/** The sender's MDN request when the message never reached the core (unknown partnership). */
function requestedMdn(headers: InboundAs2Request['headers']): MdnRequest {
  const to = httpHeader(headers, 'disposition-notification-to');
  let signed = false;
  try {
    signed = wantsSignedReceipt(
      parseDispositionNotificationOptions(httpHeader(headers, 'disposition-notification-options')),
    );
  } catch {
    // An unreadable request gets an unsigned MDN; the disposition already says what failed.
  }
  return { to, asyncUrl: undefined, signed, micAlgorithm: 'sha-256' };
}

// Header names that could carry credentials are not kept in the archive.
const SECRET_HEADERS = new Set(['authorization', 'cookie', 'proxy-authorization']);

function safeHeaders(headers: InboundAs2Request['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || SECRET_HEADERS.has(name.toLowerCase())) continue;
    out[name.toLowerCase()] = typeof value === 'string' ? value : value.join(', ');
  }
  return out;
}

function httpHeader(headers: InboundAs2Request['headers'], name: string): string | undefined {
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== name || value === undefined) continue;
    return typeof value === 'string' ? value.trim() : value.join(', ').trim();
  }
  return undefined;
}

function unquote(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  if (!trimmed) return undefined;
  return /^".*"$/.test(trimmed) ? trimmed.slice(1, -1).replace(/\\(.)/g, '$1') : trimmed;
}

function clip(text: string): string {
  return text.length <= 500 ? text : `${text.slice(0, 499)}…`;
}

/** The first bytes of a payload file (the EDI standard is recognised from its envelope). */
async function firstBytes(range: FileRange, count: number): Promise<Buffer> {
  const handle = await open(range.path, 'r');
  try {
    const buffer = Buffer.alloc(Math.min(count, range.end - range.start));
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, range.start);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}
