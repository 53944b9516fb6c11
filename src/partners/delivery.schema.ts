import { z } from 'zod';

/**
 * How documents leave for a partner (src/outbound, docs/outbound.md): the channel every outbound
 * document takes — POs, PO changes and the functional acknowledgments of what the partner sent —
 * and the settings of the webhook or supplier platform when those are the channel.
 */
export const DELIVERY_CHANNELS = [
  'sftp-mailbox',
  'sftp-upload',
  'as2',
  'webhook',
  'api',
  'platform',
] as const;
export type DeliveryChannel = (typeof DELIVERY_CHANNELS)[number];

const httpUrl = (what: string) =>
  z.string({ error: `expected ${what}` }).refine(
    (value) => {
      try {
        return ['http:', 'https:'].includes(new URL(value).protocol);
      } catch {
        return false;
      }
    },
    { message: `expected ${what} as an http(s) URL` },
  );

const secretFile = (what: string) => z.string({ error: `expected ${what}: a path to a secret file` }).min(1);

const webhook = z.strictObject({
  url: httpUrl('the webhook URL'),
  // Standard Webhooks secret (`whsec_<base64>`), read from a file; partners verify with it.
  secretFile: secretFile('secretFile'),
  timeoutSeconds: z.number().int().min(1).max(120).default(10),
});

const platformAuth = z.discriminatedUnion(
  'kind',
  [
    z.strictObject({
      kind: z.literal('oauth2'),
      tokenUrl: httpUrl('the platform token URL'),
      clientId: z.string().min(1),
      clientSecretFile: secretFile('clientSecretFile'),
      scope: z.string().min(1).optional(),
    }),
    z.strictObject({
      kind: z.literal('api-key'),
      header: z.string().min(1).default('X-API-Key'),
      keyFile: secretFile('keyFile'),
    }),
  ],
  { error: 'expected auth with kind oauth2 or api-key' },
);

const platform = z.strictObject({
  name: z.string().min(1).optional(),
  // Documents are POSTed here; the platform answers with its id for the document (`id` in JSON).
  documentsUrl: httpUrl('documentsUrl'),
  // Polled for the document's acknowledgment; `{id}` is replaced by the platform's id.
  statusUrl: httpUrl('statusUrl').refine((u) => u.includes('%7Bid%7D') || u.includes('{id}'), {
    message: 'expected statusUrl with {id} where the platform document id goes',
  }),
  auth: platformAuth,
  pollSeconds: z.number().int().min(5).max(86_400).default(300),
  timeoutSeconds: z.number().int().min(1).max(120).default(30),
});

export const deliverySchema = z
  .strictObject({
    channel: z.enum(DELIVERY_CHANNELS, {
      error: `expected a delivery channel: ${DELIVERY_CHANNELS.join(', ')}`,
    }),
    webhook: webhook.optional(),
    platform: platform.optional(),
    // Tries before a document is marked failed and raised as an exception.
    maxAttempts: z.number().int().min(1).max(50).default(8),
  })
  .superRefine((delivery, ctx) => {
    if (delivery.channel === 'webhook' && !delivery.webhook)
      ctx.addIssue({
        code: 'custom',
        path: ['webhook'],
        message: 'channel webhook needs webhook: { url, secretFile }',
      });
    if (delivery.channel === 'platform' && !delivery.platform)
      ctx.addIssue({
        code: 'custom',
        path: ['platform'],
        message: 'channel platform needs platform: { documentsUrl, statusUrl, auth }',
      });
  });

export type DeliveryProfile = z.output<typeof deliverySchema>;
