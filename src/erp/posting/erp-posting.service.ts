import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { currentCorrelationId } from '../../platform/logging/correlation.js';
import { OutboxService } from '../../platform/jobs/outbox.service.js';
import { ErpConnections } from '../connections/erp-connections.js';
import type { ErpInstanceConfig } from '../connections/erp-instances.schema.js';
import { parseErpDocumentBody, type ErpPostingKind } from '../port/erp-documents.js';
import type { ErpOperation } from '../port/erp-port.js';
import { stableJson } from '../port/stable-json.js';
import { ErpPostJob } from './erp-post.job.js';
import { ErpPostingError, ErpPostingErrorCode } from './erp-posting.exception.js';
import { ErpPostingRepository } from './erp-posting.repository.js';
import {
  externalReferenceOf,
  idempotencyKeyOf,
  type AmendRequest,
  type ErpPosting,
  type PostRequest,
  type ReverseRequest,
} from './erp-posting.types.js';

export interface RequestResult {
  readonly posting: ErpPosting;
  /** False when the same effect (same kind, business key and revision) was requested before. */
  readonly created: boolean;
}

/**
 * Requests ERP effects inside the caller's transaction: the posting row and its job commit with the
 * business change that caused them, or not at all. The same kind, business key and revision is the
 * same effect: requesting it again returns the first request (and refuses a different body, since a
 * changed document must come with a new revision).
 */
@Injectable()
export class ErpPostingService {
  constructor(
    private readonly postings: ErpPostingRepository,
    private readonly outbox: OutboxService,
    private readonly connections: ErpConnections,
  ) {}

  async post<K extends ErpPostingKind>(tx: EntityManager, request: PostRequest<K>): Promise<RequestResult> {
    const body = this.validBody(request.kind, request.body);
    const instance = this.connections.forPlant(request.plant);
    return this.request(tx, instance, 'post', request, body, {
      poNumber: request.poNumber ?? null,
      orderingKey: request.orderingKey ?? request.poNumber ?? null,
      targetPostingId: null,
    });
  }

  /** A new revision of a posted document: a replacement ASN amends its inbound delivery. */
  async amend<K extends ErpPostingKind>(tx: EntityManager, request: AmendRequest<K>): Promise<RequestResult> {
    const body = this.validBody(request.kind, request.body);
    const instance = this.connections.forPlant(request.plant);
    const original = await this.original(tx, instance, request, 'amend');
    return this.request(tx, instance, 'amend', request, body, {
      poNumber: original.poNumber,
      orderingKey: original.orderingKey,
      targetPostingId: original.id,
    });
  }

  /** A cancellation: the posted document is reversed, never posted a second time. */
  async reverse(tx: EntityManager, request: ReverseRequest): Promise<RequestResult> {
    const instance = this.connections.forPlant(request.plant);
    const original = await this.original(tx, instance, request, 'reverse');
    return this.request(
      tx,
      instance,
      'reverse',
      request,
      { reason: request.reason },
      {
        poNumber: original.poNumber,
        orderingKey: original.orderingKey,
        targetPostingId: original.id,
      },
    );
  }

  private async request(
    tx: EntityManager,
    instance: ErpInstanceConfig,
    operation: ErpOperation,
    request: PostRequest | AmendRequest | ReverseRequest,
    body: ErpPosting['body'],
    links: Pick<ErpPosting, 'poNumber' | 'orderingKey' | 'targetPostingId'>,
  ): Promise<RequestResult> {
    const idempotencyKey = idempotencyKeyOf(request.kind, request.businessKey, request.revision);
    const correlationId = request.correlationId ?? currentCorrelationId();
    const { posting, inserted } = await this.postings.insert(tx, {
      erpInstance: instance.id,
      operation,
      kind: request.kind,
      businessKey: request.businessKey,
      revision: request.revision,
      idempotencyKey,
      externalReference: externalReferenceOf(request.kind, request.businessKey, request.revision),
      ...links,
      body,
      correlationId,
      causationId: request.causationId ?? null,
    });
    if (!inserted) {
      if (posting.operation !== operation || stableJson(posting.body) !== stableJson(body)) {
        throw new ErpPostingError(
          ErpPostingErrorCode.RevisionReused,
          `${idempotencyKey} was requested before with different content; a changed document needs a new revision`,
        );
      }
      return { posting, created: false };
    }
    await this.outbox.enqueue(
      tx,
      ErpPostJob,
      { postingId: posting.id },
      {
        key: `${instance.id}:${idempotencyKey}`,
        correlationId,
        causationId: request.causationId ?? null,
        maxAttempts: instance.retry.maxAttempts,
      },
    );
    return { posting, created: true };
  }

  /** The first post of the business document that an amendment or reversal applies to. */
  private async original(
    tx: EntityManager,
    instance: ErpInstanceConfig,
    request: AmendRequest | ReverseRequest,
    operation: 'amend' | 'reverse',
  ): Promise<ErpPosting> {
    const latest = await this.postings.latestOf(tx, instance.id, request.kind, request.businessKey);
    if (!latest) {
      throw new ErpPostingError(
        ErpPostingErrorCode.NothingToChange,
        `cannot ${operation} ${request.kind} ${request.businessKey}: it was never posted`,
      );
    }
    const sameEffect = latest.revision === request.revision && latest.operation === operation;
    if (!sameEffect) {
      if (latest.operation === 'reverse') {
        throw new ErpPostingError(
          ErpPostingErrorCode.AlreadyReversed,
          `cannot ${operation} ${request.kind} ${request.businessKey}: it was reversed at revision ${latest.revision}`,
        );
      }
      if (request.revision <= latest.revision) {
        throw new ErpPostingError(
          ErpPostingErrorCode.StaleRevision,
          `cannot ${operation} ${request.kind} ${request.businessKey} with revision ${request.revision}: revision ${latest.revision} is already requested`,
        );
      }
    }
    if (latest.operation === 'post') return latest;
    const original = await this.postings.get(tx, latest.targetPostingId!);
    return original!;
  }

  private validBody<K extends ErpPostingKind>(kind: K, body: unknown): ErpPosting['body'] {
    const parsed = parseErpDocumentBody(kind, body);
    if (!parsed.ok) {
      throw new ErpPostingError(ErpPostingErrorCode.InvalidBody, `invalid ${kind} body`, parsed.problems);
    }
    return parsed.body;
  }
}
