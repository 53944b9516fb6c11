import { z } from 'zod';

/**
 * `channels.as2` of a partner profile (docs/as2.md). Our AS2 id comes from configuration (AS2_ID) and
 * the partner's from `identities.as2`. `{ enabled: true }` alone is valid and gets the safe defaults:
 * signed and encrypted messages required, modern algorithms only, synchronous MDNs only.
 */

const MIC_ALGORITHMS = ['sha-256', 'sha-384', 'sha-512', 'sha1'] as const;
const CONTENT_ENCRYPTION = [
  'aes-128-cbc',
  'aes-192-cbc',
  'aes-256-cbc',
  'aes-128-gcm',
  'aes-192-gcm',
  'aes-256-gcm',
  'des-ede3-cbc',
] as const;

const certificateFile = z
  .string({ error: 'expected the path of a PEM certificate file (relative to PARTNERS_DIR or absolute)' })
  .min(1);

const asyncMdnUrl = z.string({ error: 'expected an http:// or https:// URL' }).refine(
  (value) => {
    try {
      const url = new URL(value);
      return (url.protocol === 'http:' || url.protocol === 'https:') && !url.username && !url.password;
    } catch {
      return false;
    }
  },
  { message: 'expected an http:// or https:// URL without credentials' },
);

const security = z
  .strictObject({
    requireSigned: z.boolean().default(true),
    requireEncrypted: z.boolean().default(true),
    allowedContentEncryption: z
      .array(z.enum(CONTENT_ENCRYPTION, { error: `expected one of ${CONTENT_ENCRYPTION.join(', ')}` }))
      .min(1)
      .optional(),
    allowedMicAlgorithms: z
      .array(z.enum(MIC_ALGORITHMS, { error: `expected one of ${MIC_ALGORITHMS.join(', ')}` }))
      .min(1)
      .optional(),
    legacy: z
      .strictObject({
        // sha1 signatures and MICs, 3DES content encryption.
        sha1: z.boolean().default(false),
        tripleDes: z.boolean().default(false),
        // PKCS#1 v1.5 key transport, then with implicit rejection (docs/as2.md).
        rsaPkcs1v15: z.boolean().default(false),
      })
      .default({ sha1: false, tripleDes: false, rsaPkcs1v15: false }),
  })
  .default({
    requireSigned: true,
    requireEncrypted: true,
    legacy: { sha1: false, tripleDes: false, rsaPkcs1v15: false },
  })
  .superRefine((value, ctx) => {
    if (value.allowedMicAlgorithms?.includes('sha1') && !value.legacy.sha1)
      ctx.addIssue({
        code: 'custom',
        path: ['allowedMicAlgorithms'],
        message: 'sha1 is legacy: set legacy.sha1: true to allow it',
      });
    if (value.allowedContentEncryption?.includes('des-ede3-cbc') && !value.legacy.tripleDes)
      ctx.addIssue({
        code: 'custom',
        path: ['allowedContentEncryption'],
        message: 'des-ede3-cbc is legacy: set legacy.tripleDes: true to allow it',
      });
  });

const mdn = z
  .strictObject({
    allowSync: z.boolean().default(true),
    allowAsync: z.boolean().default(false),
    // Exact URLs only (no prefixes, no patterns): an asynchronous MDN goes nowhere else (no SSRF).
    asyncUrls: z.array(asyncMdnUrl).default([]),
  })
  .default({ allowSync: true, allowAsync: false, asyncUrls: [] })
  .superRefine((value, ctx) => {
    if (value.allowAsync && value.asyncUrls.length === 0)
      ctx.addIssue({
        code: 'custom',
        path: ['asyncUrls'],
        message: 'asynchronous MDNs are allowed, so at least one async MDN URL is required',
      });
  });

export const as2ChannelSchema = z.strictObject({
  enabled: z.boolean({ error: 'expected enabled: true or false' }),
  // The partner's certificates; several during a rollover, each used within its validity window.
  certificates: z.array(certificateFile).default([]),
  security,
  mdn,
  // Sending (issue #15): the partner's AS2 URL; without one, documents for the partner wait in
  // waiting-transport. Safe defaults: signed with sha-256, AES-256-CBC to the partner's newest valid
  // certificate, a signed synchronous MDN requested, no compression.
  url: asyncMdnUrl.optional(),
  sendSigning: z
    .enum(['sha-256', 'sha-384', 'sha-512', 'none'], { error: 'expected sha-256, sha-384, sha-512 or none' })
    .default('sha-256'),
  sendEncryption: z
    .enum(['aes-256-cbc', 'aes-128-cbc', 'none'], { error: 'expected aes-256-cbc, aes-128-cbc or none' })
    .default('aes-256-cbc'),
  sendCompression: z
    .enum(['none', 'before-signing', 'after-signing'], {
      error: 'expected none, before-signing or after-signing',
    })
    .default('none'),
  requestSignedMdn: z.boolean().default(true),
  // sync: the MDN in the HTTP response; async: Receipt-Delivery-Option = our receipt URL (AS2_RECEIPT_URL),
  // waited for AS2_ASYNC_MDN_WAIT_MINUTES (or asyncMdnWaitMinutes) with resends of the same Message-ID.
  sendMdn: z.enum(['sync', 'async'], { error: 'expected sync or async' }).default('sync'),
  asyncMdnWaitMinutes: z.number().positive().max(10_080).optional(),
  sendTimeoutSeconds: z.number().int().positive().max(600).default(120),
  // RFC 5402 decompression output cap; unset: AS2_MAX_MESSAGE_BYTES.
  maxDecompressedBytes: z
    .number()
    .int()
    .positive()
    .max(1024 * 1024 * 1024)
    .optional(),
});

export type As2ChannelSettings = z.output<typeof as2ChannelSchema>;
