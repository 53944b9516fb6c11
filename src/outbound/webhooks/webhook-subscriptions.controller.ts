import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import { z } from 'zod';
import { Allow } from '../../gateway/access-rules.js';
import { CurrentPrincipal } from '../../gateway/current-principal.decorator.js';
import { actingPartner, type Principal } from '../../gateway/principal.js';
import { problemResponse } from '../../platform/http/problem-response.js';
import { ZodBody } from '../../platform/http/zod-body.pipe.js';
import {
  DELIVERY_STATUSES,
  WEBHOOK_EVENT_TYPES,
  WEBHOOK_FORMATS,
  WebhookSubscriptionError,
  type WebhookDelivery,
  type WebhookSubscription,
} from './webhook-subscription.types.js';
import { WebhookMessageService } from './webhook-messages.service.js';
import { WebhookSubscriptionService } from './webhook-subscriptions.service.js';
import { ApiPartnerAccessResponses } from '../../gateway/access-openapi.js';

const eventTypes = z
  .array(
    z.enum(WEBHOOK_EVENT_TYPES, { error: `expected event types among ${WEBHOOK_EVENT_TYPES.join(', ')}` }),
  )
  .min(1, 'expected at least one event type');
const createBody = z.strictObject({
  url: z.string().min(1).max(2000),
  eventTypes,
  format: z.enum(WEBHOOK_FORMATS).optional(),
  description: z.string().max(200).optional(),
});
const patchBody = z
  .strictObject({
    url: z.string().min(1).max(2000).optional(),
    eventTypes: eventTypes.optional(),
    format: z.enum(WEBHOOK_FORMATS).optional(),
    description: z.string().max(200).nullable().optional(),
    enabled: z.boolean().optional(),
  })
  .refine((patch) => Object.keys(patch).length > 0, { message: 'expected at least one field to change' });
const deliveriesQuery = z.strictObject({
  status: z.enum(DELIVERY_STATUSES).optional(),
  before: z
    .string()
    .regex(/^\d{1,18}$/, 'expected a delivery id')
    .optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
const adminListQuery = z.strictObject({ partnerId: z.string().min(1).optional() });

const SUBSCRIPTION: WebhookSubscription = {
  id: '14',
  partnerId: 'acme-fasteners',
  url: 'https://erp.acme.example/hooks/supplier-gateway',
  description: 'orders into our order desk',
  eventTypes: ['purchase-order.issued', 'purchase-order.changed', 'purchase-order.cancelled'],
  format: 'json',
  enabled: true,
  previousSecretUntil: null,
  failingSince: null,
  createdAt: '2026-11-27T09:12:00.000000Z',
  updatedAt: '2026-11-27T09:12:00.000000Z',
};
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw7f2xG2ugAYo=';
const DELIVERY: WebhookDelivery = {
  id: '3310',
  subscriptionId: '14',
  partnerId: 'acme-fasteners',
  eventType: 'purchase-order.issued',
  messageId: 'webhook-delivery-3310',
  outboundDocumentId: '812',
  status: 'delivered',
  attempts: 3,
  lastResponseStatus: 200,
  lastError: null,
  createdAt: '2026-11-27T10:02:10.000000Z',
  deliveredAt: '2026-11-27T10:02:31.000000Z',
};
const page = (items: WebhookDelivery[], limit: number) => ({
  items,
  nextCursor: items.length === limit ? items[items.length - 1]!.id : null,
});

/**
 * Partners manage their own webhook subscriptions: URLs that get a signed message for each document
 * the gateway sends them, next to their delivery channel (docs/outbound.md). Scoped by the caller's
 * partner: another partner's subscription answers 404.
 */
@ApiTags('partner webhooks')
@ApiBearerAuth()
@ApiPartnerAccessResponses()
@Controller('partner/v1/webhooks')
export class PartnerWebhooksController {
  constructor(
    private readonly subscriptions: WebhookSubscriptionService,
    private readonly messages: WebhookMessageService,
  ) {}

  @Get()
  @Allow({ partner: ['webhooks:write'], roles: ['supplier-admin'] })
  @ApiOperation({
    summary: 'Your webhook subscriptions',
    description:
      'Your subscriptions with their URL, event types, format and state; secrets are never shown again.',
  })
  @ApiOkResponse({ content: { 'application/json': { example: { items: [SUBSCRIPTION] } } } })
  async list(@CurrentPrincipal() principal: Principal) {
    return { items: await this.subscriptions.list(actingPartner(principal)!) };
  }

  @Post()
  @Allow({ partner: ['webhooks:write'], roles: ['supplier-admin'] })
  @ApiOperation({
    summary: 'Subscribe a URL to documents the gateway sends you; the signing secret is shown only here',
    description:
      'Event types: purchase-order.issued, purchase-order.changed, purchase-order.cancelled, functional-acknowledgment.sent. Format `json` (default) carries the partner JSON document (schema v1) whatever your EDI format; `native` carries the document exactly as your channel gets it: `contentBase64` its exact bytes, `contentType` the charset they are written in (e.g. `application/edi-x12; charset=ISO-8859-1`) and `content` its text (X12 read in that charset; EDIFACT by the character set its UNB declares, e.g. UNOC as ISO 8859-1). The URL must be https on a public address. At most 10 subscriptions.',
  })
  @ApiCreatedResponse({ content: { 'application/json': { example: { ...SUBSCRIPTION, secret: SECRET } } } })
  async create(
    @Body(new ZodBody(createBody)) body: z.output<typeof createBody>,
    @CurrentPrincipal() principal: Principal,
  ) {
    const { subscription, secret } = await this.subscriptions.create(
      actingPartner(principal)!,
      body,
      principal,
    );
    return { ...subscription, secret };
  }

  @Get(':id')
  @Allow({ partner: ['webhooks:write'], roles: ['supplier-admin'] })
  @ApiOperation({
    summary: 'One of your webhook subscriptions',
    description: "Another partner's subscription id answers 404.",
  })
  @ApiOkResponse({ content: { 'application/json': { example: SUBSCRIPTION } } })
  async get(@Param('id') id: string, @CurrentPrincipal() principal: Principal) {
    return this.subscriptions.own(actingPartner(principal)!, id);
  }

  @Patch(':id')
  @Allow({ partner: ['webhooks:write'], roles: ['supplier-admin'] })
  @ApiOperation({
    summary: 'Change the URL, event types, format or description; disable or enable',
    description: 'Enabling a subscription again, or giving it a new URL, clears its failing state.',
  })
  @ApiOkResponse({ content: { 'application/json': { example: { ...SUBSCRIPTION, enabled: false } } } })
  async update(
    @Param('id') id: string,
    @Body(new ZodBody(patchBody)) body: z.output<typeof patchBody>,
    @CurrentPrincipal() principal: Principal,
  ) {
    return this.subscriptions.update(actingPartner(principal)!, id, body, principal);
  }

  @Delete(':id')
  @Allow({ partner: ['webhooks:write'], roles: ['supplier-admin'] })
  @ApiOperation({
    summary: 'Delete a subscription and its message history; answers what was deleted',
    description: 'Messages still being tried stop at their next try. Audited.',
  })
  @ApiOkResponse({ content: { 'application/json': { example: SUBSCRIPTION } } })
  async remove(@Param('id') id: string, @CurrentPrincipal() principal: Principal) {
    return this.subscriptions.remove(actingPartner(principal)!, id, principal);
  }

  @Post(':id/rotate-secret')
  @HttpCode(200)
  @Allow({ partner: ['webhooks:write'], roles: ['supplier-admin'] })
  @ApiOperation({
    summary: 'A new signing secret, shown only here; the old one keeps signing next to it for 24 hours',
    description:
      'While both sign, `webhook-signature` carries two `v1,` signatures separated by a space; a receiver holding either secret verifies.',
  })
  @ApiOkResponse({
    content: {
      'application/json': {
        example: { ...SUBSCRIPTION, previousSecretUntil: '2026-11-28T09:30:00.000000Z', secret: SECRET },
      },
    },
  })
  async rotate(@Param('id') id: string, @CurrentPrincipal() principal: Principal) {
    const { subscription, secret } = await this.subscriptions.rotateSecret(
      actingPartner(principal)!,
      id,
      principal,
    );
    return { ...subscription, secret };
  }

  @Post(':id/test')
  @HttpCode(202)
  @Allow({ partner: ['webhooks:write'], roles: ['supplier-admin'] })
  @ApiOperation({
    summary: 'Send a webhook.test message to the subscription now',
    description: 'Follow it in the deliveries list; it is signed and retried like every message.',
  })
  @ApiAcceptedResponse({
    content: {
      'application/json': {
        example: {
          ...DELIVERY,
          eventType: 'webhook.test',
          outboundDocumentId: null,
          status: 'pending',
          attempts: 0,
        },
      },
    },
  })
  async test(@Param('id') id: string, @CurrentPrincipal() principal: Principal) {
    return this.subscriptions.test(actingPartner(principal)!, id, principal);
  }

  @Get(':id/deliveries')
  @Allow({ partner: ['webhooks:write'], roles: ['supplier-admin'] })
  @ApiOperation({
    summary: "The subscription's messages, newest first, with their state, tries and last answer",
    description:
      'Cursor pagination with `before` (a delivery id); filter by `status` (pending, delivered, failed, withdrawn). ' +
      'A message is `withdrawn` when the document it announces was taken back before the message reached you (the ' +
      'buyer closed or cancelled the order); `lastError` says why, and it is not tried or redelivered any more.',
  })
  @ApiOkResponse({ content: { 'application/json': { example: { items: [DELIVERY], nextCursor: null } } } })
  async deliveries(
    @Param('id') id: string,
    @Query(new ZodBody(deliveriesQuery)) query: z.output<typeof deliveriesQuery>,
    @CurrentPrincipal() principal: Principal,
  ) {
    await this.subscriptions.own(actingPartner(principal)!, id);
    return page(await this.messages.deliveries(id, query), query.limit);
  }

  @Post(':id/deliveries/:deliveryId/redeliver')
  @HttpCode(202)
  @Allow({ partner: ['webhooks:write'], roles: ['supplier-admin'] })
  @ApiOperation({
    summary: 'Send a message again: the same body and webhook-id, with fresh tries',
    description:
      'For a message that failed (or one your side lost). Answers 409 for a withdrawn message (its document was taken ' +
      'back before it went), while the message is still being tried, or while a ' +
      'delivery job of it is still queued or under way (one an operator put back in the queue): it would send next to the ' +
      'redelivery. Redeliver once it has finished.',
  })
  @ApiResponse(
    problemResponse(
      409,
      'conflict',
      'The message is still being tried, or a delivery job of it is unfinished',
      {
        detail:
          'message 3310 is not sent again now: a delivery job of it (outbox row 9120) is still queued; ' +
          'redeliver it once that job has finished, if it is still needed',
        instance: '/partner/v1/webhooks/14/deliveries/3310/redeliver',
      },
    ),
  )
  @ApiAcceptedResponse({ content: { 'application/json': { example: { ...DELIVERY, status: 'pending' } } } })
  async redeliver(
    @Param('id') id: string,
    @Param('deliveryId') deliveryId: string,
    @CurrentPrincipal() principal: Principal,
  ) {
    return this.subscriptions.redeliver(actingPartner(principal)!, id, deliveryId, principal);
  }
}

/** Operators: every partner's subscriptions, set up for a partner at onboarding, removed when wrong. */
@ApiTags('partner webhooks')
@ApiBearerAuth()
@Controller('admin')
export class WebhooksAdminController {
  constructor(
    private readonly subscriptions: WebhookSubscriptionService,
    private readonly messages: WebhookMessageService,
  ) {}

  @Get('webhooks')
  @Allow({ system: ['operations:read'], roles: ['admin'] })
  @ApiOperation({
    summary: "Every partner's webhook subscriptions (filter by partnerId)",
    description:
      'For operators: what each partner subscribed, and which subscriptions are failing (`failingSince`).',
  })
  @ApiOkResponse({ content: { 'application/json': { example: { items: [SUBSCRIPTION] } } } })
  async list(@Query(new ZodBody(adminListQuery)) query: z.output<typeof adminListQuery>) {
    return { items: await this.subscriptions.list(query.partnerId) };
  }

  @Post('partners/:partnerId/webhooks')
  @Allow({ system: ['operations:write'], roles: ['admin'] })
  @ApiOperation({
    summary: 'Subscribe a URL for a partner (onboarding); the signing secret is shown only here, to pass on',
    description:
      "The same rules as the partner's own POST /partner/v1/webhooks; audited with the operator's name.",
  })
  @ApiCreatedResponse({ content: { 'application/json': { example: { ...SUBSCRIPTION, secret: SECRET } } } })
  async create(
    @Param('partnerId') partnerId: string,
    @Body(new ZodBody(createBody)) body: z.output<typeof createBody>,
    @CurrentPrincipal() principal: Principal,
  ) {
    const { subscription, secret } = await this.subscriptions.create(partnerId, body, principal);
    return { ...subscription, secret };
  }

  @Get('webhooks/:id/deliveries')
  @Allow({ system: ['operations:read'], roles: ['admin'] })
  @ApiOperation({
    summary: "A subscription's messages, newest first",
    description:
      "State, tries and the receiver's last answer of each message, for operators looking into a failing endpoint. " +
      'Filter by `status` (pending, delivered, failed, withdrawn: its document was withdrawn because its order ended, ' +
      '`lastError` says so).',
  })
  @ApiOkResponse({ content: { 'application/json': { example: { items: [DELIVERY], nextCursor: null } } } })
  async deliveries(
    @Param('id') id: string,
    @Query(new ZodBody(deliveriesQuery)) query: z.output<typeof deliveriesQuery>,
  ) {
    const subscription = await this.subscriptions.get(id);
    if (!subscription) throw new WebhookSubscriptionError(`no webhook subscription ${id}`, 404);
    return page(await this.messages.deliveries(id, query), query.limit);
  }

  @Delete('webhooks/:id')
  @Allow({ system: ['operations:write'], roles: ['admin'] })
  @ApiOperation({
    summary: 'Delete a subscription and its message history; answers what was deleted',
    description: 'Messages still being tried stop at their next try. Audited.',
  })
  @ApiOkResponse({ content: { 'application/json': { example: SUBSCRIPTION } } })
  async remove(@Param('id') id: string, @CurrentPrincipal() principal: Principal) {
    const subscription = await this.subscriptions.get(id);
    if (!subscription) throw new WebhookSubscriptionError(`no webhook subscription ${id}`, 404);
    return this.subscriptions.remove(subscription.partnerId, id, principal);
  }
}
