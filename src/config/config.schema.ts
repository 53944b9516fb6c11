import { z } from 'zod';
import { trustProxy } from './trust-proxy.js';

/**
 * Every setting the gateway reads, in one schema. Each variable carries metadata (group, description,
 * whether it is secret) so that `gateway config check` and the README table come from one place, and
 * so that secret values are never printed.
 */
export interface ConfigVariable {
  readonly name: string;
  readonly group:
    | 'server'
    | 'database'
    | 'jobs'
    | 'storage'
    | 'partners'
    | 'erp'
    | 'logging'
    | 'secrets'
    | 'notifications'
    | 'access'
    | 'plant-events'
    | 'outbound'
    | 'as2';
  readonly description: string;
  readonly sensitive?: boolean;
  readonly schema: z.ZodType;
}

const boolean = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'expected true or false' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const port = z.coerce
  .number({ message: 'expected a TCP port number' })
  .int('expected a whole number')
  .min(0, 'expected a TCP port 0-65535')
  .max(65535, 'expected a TCP port 0-65535');

const positiveInt = z.coerce
  .number({ message: 'expected a number' })
  .int('expected a whole number')
  .positive();

function url(protocols: readonly string[]) {
  return z.string().refine(
    (value) => {
      try {
        return protocols.includes(new URL(value).protocol);
      } catch {
        return false;
      }
    },
    { message: `expected a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}` },
  );
}

const PRINTABLE = /^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$/;

/** ISA07/ISA08 as `qualifier/id` (ID 2/2, AN 1/15), upper-cased as envelopes are compared. */
function parseX12Receiver(entry: string): string | { problem: string } {
  const qualifier = entry.slice(0, 2);
  const id = entry.slice(3).trim();
  if (!/^[A-Za-z0-9]{2}\//.test(entry) || !PRINTABLE.test(id) || id.length > 15)
    return { problem: `"${entry}" is not qualifier/id (two letters or digits, then 1-15 characters)` };
  return `${qualifier}/${id}`.toUpperCase();
}

/** GS03 application receiver code (DE 124, AN 2/15), upper-cased as envelopes are compared. */
function parseGsCode(entry: string): string | { problem: string } {
  if (!PRINTABLE.test(entry) || entry.length < 2 || entry.length > 15)
    return { problem: `"${entry}" is not a GS application code (2-15 characters)` };
  return entry.toUpperCase();
}

/** UNB S003 as `id` or `id:qualifier` (0010 an..35, 0007 an..4), upper-cased as envelopes are compared. */
function parseEdifactRecipient(entry: string): string | { problem: string } {
  const [id = '', qualifier, ...rest] = entry.split(':').map((part) => part.trim());
  if (
    rest.length > 0 ||
    !PRINTABLE.test(id) ||
    id.length > 35 ||
    (qualifier !== undefined && !/^[A-Za-z0-9]{1,4}$/.test(qualifier))
  )
    return { problem: `"${entry}" is not id or id:qualifier (1-35 characters, 1-4 letters or digits)` };
  return (qualifier === undefined ? id : `${id}:${qualifier}`).toUpperCase();
}

/** A comma-separated list of envelope identities, each normalised by `parse` (at least one). */
function idList(form: string, parse: (entry: string) => string | { problem: string }) {
  return z.string().transform((value, context): string[] => {
    const entries = value
      .split(',')
      .map((e) => e.trim())
      .filter((e) => e !== '');
    if (entries.length === 0) context.addIssue({ code: 'custom', message: `expected ${form}, …` });
    const parsed = entries.map(parse);
    for (const p of parsed)
      if (typeof p !== 'string') context.addIssue({ code: 'custom', message: p.problem });
    return parsed.every((p) => typeof p === 'string') ? parsed : z.NEVER;
  });
}

export const CONFIG_VARIABLES = [
  { name: 'PORT', group: 'server', description: 'HTTP port of the api role.', schema: port.default(3000) },
  {
    name: 'HOST',
    group: 'server',
    description: 'Interface the HTTP server binds to.',
    schema: z.string().min(1).default('0.0.0.0'),
  },
  {
    name: 'TRUST_PROXY',
    group: 'server',
    description:
      "Reverse proxies whose X-Forwarded-For is believed (Express 'trust proxy'): off (the connection's address is the client's; the header is ignored, so no client can choose its address), a hop count (1 = the nearest proxy), or the proxies' addresses and CIDR ranges, comma-separated (10.0.0.0/8,loopback). Every per-address limit (portal throttle, OAuth failures) counts the client address this yields.",
    schema: trustProxy,
  },
  {
    name: 'PUBLIC_URL',
    group: 'server',
    description: 'Base URL partners and users reach the gateway at (printed at start, used in links).',
    schema: url(['http:', 'https:']).optional(),
  },
  {
    name: 'GATEWAY_ROLE',
    group: 'server',
    description:
      'api (HTTP only), worker (jobs, pollers, outbox relay) or all (both). api and worker need DATABASE_URL and REDIS_URL.',
    schema: z.enum(['api', 'worker', 'all'], { message: 'expected api, worker or all' }).default('all'),
  },
  {
    name: 'SHUTDOWN_TIMEOUT_MS',
    group: 'server',
    description: 'How long a stopping process waits for running requests and jobs before it exits.',
    schema: positiveInt.default(10_000),
  },
  {
    name: 'DATA_DIR',
    group: 'storage',
    description:
      'Directory for embedded data: the embedded PostgreSQL, generated keys and the local blob store.',
    schema: z.string().min(1).default('./data'),
  },
  {
    name: 'BLOB_DIR',
    group: 'storage',
    description:
      'Directory of the local blob store for large payloads. Unset: DATA_DIR/blobs. Several processes must share it (a mounted volume).',
    schema: z.string().min(1).optional(),
  },
  {
    name: 'ARCHIVE_INLINE_MAX_BYTES',
    group: 'storage',
    description: 'Payloads up to this size are kept in the database row; larger ones go to the blob store.',
    schema: z.coerce.number({ message: 'expected a number of bytes' }).int().min(0).default(262_144),
  },
  {
    name: 'PARTNERS_DIR',
    group: 'partners',
    description: 'Directory of trading-partner profiles, one YAML file per partner.',
    schema: z.string().min(1).default('./partners'),
  },
  {
    name: 'EMBEDDED_ALLOW_LIVE_PARTNERS',
    group: 'partners',
    description:
      'Accept partners with status live on the embedded database, which does not fsync (an OS crash can lose the last commits).',
    schema: boolean.default(false),
  },
  {
    name: 'X12_DUPLICATE_WINDOW_DAYS',
    group: 'partners',
    description:
      'Days during which an X12 interchange repeating an accepted ISA13 from the same sender is answered TA1 025 and not processed.',
    schema: positiveInt.max(3650).default(30),
  },
  {
    name: 'EDIFACT_DUPLICATE_WINDOW_DAYS',
    group: 'partners',
    description:
      'Days during which an EDIFACT interchange repeating an accepted UNB reference from the same sender is answered CONTRL 26 and not processed.',
    schema: positiveInt.max(3650).default(30),
  },
  {
    name: 'ERP_CONFIG_FILE',
    group: 'erp',
    description:
      'YAML file of ERP connections (adapter, plants, limits, idempotency behaviour); see docs/erp.md.',
    schema: z.string().min(1).default('./erp/erp.yaml'),
  },
  {
    name: 'ERP_RECONCILE_EVERY_MINUTES',
    group: 'erp',
    description:
      'How often one process compares what the gateway posted with what each ERP holds; 0 turns it off.',
    schema: z.coerce.number({ message: 'expected minutes' }).int().min(0).max(10_080).default(60),
  },
  {
    name: 'DATABASE_URL',
    group: 'database',
    description: 'PostgreSQL server URL. Unset: an embedded PostgreSQL (PGlite) under DATA_DIR.',
    sensitive: true,
    schema: url(['postgres:', 'postgresql:']).optional(),
  },
  {
    name: 'DATABASE_POOL_SIZE',
    group: 'database',
    description: 'Connections per process to DATABASE_URL (the embedded database always uses one).',
    schema: positiveInt.default(10),
  },
  {
    name: 'MIGRATIONS_RUN',
    group: 'database',
    description: 'Run pending migrations at start. Turn off when a deployment runs `gateway migrate` itself.',
    schema: boolean.default(true),
  },
  {
    name: 'REDIS_URL',
    group: 'jobs',
    description: 'Redis URL for BullMQ jobs. Unset: jobs run in-process from the database outbox.',
    sensitive: true,
    schema: url(['redis:', 'rediss:']).optional(),
  },
  {
    name: 'REDIS_PREFIX',
    group: 'jobs',
    description: "Key prefix of the gateway's queues in Redis (to share one Redis between deployments).",
    schema: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,32}$/, 'expected 1-32 letters, digits, - or _')
      .default('sg'),
  },
  {
    name: 'JOBS_CONCURRENCY',
    group: 'jobs',
    description: 'Jobs one worker process runs at the same time.',
    schema: positiveInt.default(4),
  },
  {
    name: 'JOBS_LOCK_MS',
    group: 'jobs',
    description:
      "How long a running job stays claimed without a heartbeat; a crashed worker's jobs are retried after this.",
    schema: positiveInt.min(1000, 'expected at least 1000 ms').default(30_000),
  },
  {
    name: 'JOBS_POLL_MS',
    group: 'jobs',
    description: 'How often an idle worker looks for due jobs in the outbox.',
    schema: positiveInt.default(500),
  },
  {
    name: 'OUTBOX_RETENTION_DAYS',
    group: 'jobs',
    description: 'Finished jobs are kept this many days in the outbox for tracing, then deleted.',
    schema: positiveInt.default(14),
  },
  {
    name: 'LOG_LEVEL',
    group: 'logging',
    description: 'trace, debug, info, warn, error or fatal.',
    schema: z
      .enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'], {
        message: 'expected trace, debug, info, warn, error, fatal or silent',
      })
      .default('info'),
  },
  {
    name: 'TOKEN_SIGNING_KEY_FILE',
    group: 'secrets',
    description:
      'PEM file with the private key that signs access tokens. Unset on a single process: generated once into DATA_DIR/secrets.',
    schema: z.string().min(1).optional(),
  },
  {
    name: 'OAUTH_ISSUER',
    group: 'access',
    description:
      'The `iss` of the access tokens POST /oauth/token issues and every process verifies. Unset: PUBLIC_URL, else urn:supplier-gateway.',
    schema: z.string().min(1).optional(),
  },
  {
    name: 'OAUTH_AUDIENCE',
    group: 'access',
    description: 'The `aud` of the access tokens; a token for another audience is refused.',
    schema: z.string().min(1).default('supplier-gateway-api'),
  },
  {
    name: 'ACCESS_TOKEN_TTL_SECONDS',
    group: 'access',
    description: 'Lifetime of an OAuth2 access token (at most 900: tokens are short-lived).',
    schema: z.coerce.number({ message: 'expected seconds' }).int().min(30).max(900).default(600),
  },
  {
    name: 'CREDENTIAL_CACHE_SECONDS',
    group: 'access',
    description:
      'How long a process trusts a checked API key or OAuth client before asking the database again; a revocation takes effect on every process within this time (at most 60).',
    schema: z.coerce.number({ message: 'expected seconds' }).int().min(0).max(60).default(30),
  },
  {
    name: 'RATE_LIMIT_REQUESTS_PER_SECOND',
    group: 'access',
    description:
      'Default sustained request rate per partner (and per credential) when its profile names none (channels.api.rateLimit).',
    schema: z.coerce.number({ message: 'expected requests per second' }).positive().default(20),
  },
  {
    name: 'RATE_LIMIT_BURST',
    group: 'access',
    description: 'Default burst per partner (and per credential): requests allowed at once above the rate.',
    schema: z.coerce.number({ message: 'expected a number of requests' }).int().positive().default(100),
  },
  {
    name: 'PORTAL_COOKIE_SECURE',
    group: 'access',
    description:
      'Secure flag of the portal session cookie: auto (when PUBLIC_URL is https or the request came over TLS), always (behind a TLS-terminating proxy) or never (plain-HTTP evaluation only).',
    schema: z
      .enum(['auto', 'always', 'never'], { message: 'expected auto, always or never' })
      .default('auto'),
  },
  {
    name: 'PORTAL_SESSION_IDLE_MINUTES',
    group: 'access',
    description:
      'A portal session ends after this many minutes without a request (sessions live in the database).',
    schema: positiveInt.max(24 * 60).default(60),
  },
  {
    name: 'PORTAL_LOCKOUT_ATTEMPTS',
    group: 'access',
    description: 'Failed portal logins in a row that lock the account for PORTAL_LOCKOUT_MINUTES.',
    schema: positiveInt.max(100).default(5),
  },
  {
    name: 'PORTAL_LOCKOUT_MINUTES',
    group: 'access',
    description: 'How long a portal account stays locked after PORTAL_LOCKOUT_ATTEMPTS failed logins.',
    schema: positiveInt.max(24 * 60).default(15),
  },
  {
    name: 'PORTAL_THROTTLE_PER_EMAIL',
    group: 'access',
    description:
      'Portal sign-in and password-reset requests allowed per e-mail address within 15 minutes (at once, then refilled evenly); more are asked to wait (429). 0 turns this limit off.',
    schema: z.coerce.number({ message: 'expected a number' }).int().min(0).max(10_000).default(20),
  },
  {
    name: 'PORTAL_THROTTLE_PER_IP',
    group: 'access',
    description:
      "The same per client address: the connection's, or behind a reverse proxy the one TRUST_PROXY yields (without it every user shares the proxy's address).",
    schema: z.coerce.number({ message: 'expected a number' }).int().min(0).max(100_000).default(200),
  },
  {
    name: 'PORTAL_INVITATION_HOURS',
    group: 'access',
    description: 'How long a portal invitation link is valid (single use).',
    schema: positiveInt.max(30 * 24).default(72),
  },
  {
    name: 'PORTAL_RESET_MINUTES',
    group: 'access',
    description: 'How long a portal password-reset link is valid (single use).',
    schema: positiveInt.max(24 * 60).default(30),
  },
  {
    name: 'PORTAL_SSO_AUTHORIZATION_URL',
    group: 'access',
    description:
      "Buyers' optional single sign-on: the authorization endpoint of the company's OAuth2/OIDC identity provider. SSO is on when this, PORTAL_SSO_TOKEN_URL, PORTAL_SSO_USERINFO_URL and PORTAL_SSO_CLIENT_ID are set.",
    schema: url(['http:', 'https:']).optional(),
  },
  {
    name: 'PORTAL_SSO_TOKEN_URL',
    group: 'access',
    description: 'Token endpoint of the identity provider (authorization code grant with PKCE).',
    schema: url(['http:', 'https:']).optional(),
  },
  {
    name: 'PORTAL_SSO_USERINFO_URL',
    group: 'access',
    description:
      'UserInfo endpoint of the identity provider; its verified `email` must be an active buyer or admin of the user directory.',
    schema: url(['http:', 'https:']).optional(),
  },
  {
    name: 'PORTAL_SSO_CLIENT_ID',
    group: 'access',
    description: 'Client id of the portal at the identity provider.',
    schema: z.string().min(1).optional(),
  },
  {
    name: 'PORTAL_SSO_CLIENT_SECRET_FILE',
    group: 'access',
    description:
      'File holding the client secret of the portal at the identity provider (unset: a public client, PKCE only).',
    schema: z.string().min(1).optional(),
  },
  {
    name: 'PORTAL_SSO_SCOPE',
    group: 'access',
    description: 'Scopes asked of the identity provider.',
    schema: z.string().min(1).default('openid email profile'),
  },
  {
    name: 'PORTAL_SSO_REQUIRE_EMAIL_VERIFIED',
    group: 'access',
    description:
      "Single sign-on trusts only an e-mail the provider's UserInfo marks `email_verified: true` (OIDC Core §5.1). Set false only for a provider that vouches for every address it issues but sends no `email_verified` claim; `email_verified: false` is refused either way.",
    schema: boolean.default(true),
  },
  {
    name: 'GATEWAY_X12_QUALIFIER',
    group: 'outbound',
    description: 'ISA05 of the interchanges the gateway sends (our ISA qualifier).',
    schema: z
      .string()
      .regex(/^[A-Z0-9]{2}$/, 'expected two letters or digits (ZZ, 01)')
      .default('ZZ'),
  },
  {
    name: 'GATEWAY_X12_ID',
    group: 'outbound',
    description: 'ISA06 of the interchanges the gateway sends (our ISA id, up to 15 characters).',
    schema: z
      .string()
      .regex(/^[A-Za-z0-9 ._-]{1,15}$/, 'expected 1-15 letters or digits')
      .default('SUPPLIERGW'),
  },
  {
    name: 'GATEWAY_GS_ID',
    group: 'outbound',
    description: 'GS02 of the groups the gateway sends. Unset: GATEWAY_X12_ID.',
    schema: z
      .string()
      .regex(/^[A-Za-z0-9 ._-]{2,15}$/, 'expected 2-15 letters or digits')
      .optional(),
  },
  {
    name: 'GATEWAY_EDIFACT_ID',
    group: 'outbound',
    description: 'UNB S002 0004 of the interchanges the gateway sends (our EDIFACT id).',
    schema: z
      .string()
      .regex(/^[A-Za-z0-9 ._-]{1,35}$/, 'expected 1-35 letters or digits')
      .default('SUPPLIERGW'),
  },
  {
    name: 'GATEWAY_EDIFACT_QUALIFIER',
    group: 'outbound',
    description: 'UNB S002 0007 of the interchanges the gateway sends (14 GLN, ZZZ mutually defined).',
    schema: z
      .string()
      .regex(/^[A-Z0-9]{1,4}$/, 'expected a code of 1-4 letters or digits')
      .default('ZZZ'),
  },
  {
    name: 'GATEWAY_X12_RECEIVER_IDS',
    group: 'partners',
    description:
      'ISA07/ISA08 pairs partners may address us by besides GATEWAY_X12_QUALIFIER/GATEWAY_X12_ID, comma-separated qualifier/id (ZZ/MFGCO,01/081466849). Set: an interchange addressed to anyone else is answered TA1 R 009 (007: one of our ids under another qualifier), from our own id, and rejected with a case. Unset: ISA07/ISA08 are not checked.',
    schema: idList('qualifier/id', parseX12Receiver).optional(),
  },
  {
    name: 'GATEWAY_X12_APPLICATION_RECEIVER_CODES',
    group: 'partners',
    description:
      'GS03 application receiver codes partners may address our groups to besides our GS02 (GATEWAY_GS_ID, or GATEWAY_X12_ID), comma-separated (MFGCO,PLANT4). Set: a group addressed to any other code is rejected, AK9 R with AK905 8 (no code in 004010, which has none), answered from our GS02; the rest of the interchange goes on. Unset: GS03 is not compared with ours.',
    schema: idList('code', parseGsCode).optional(),
  },
  {
    name: 'GATEWAY_EDIFACT_RECIPIENT_IDS',
    group: 'partners',
    description:
      'UNB S003 recipients partners may address us by besides GATEWAY_EDIFACT_ID/GATEWAY_EDIFACT_QUALIFIER, comma-separated id:qualifier or id (5790000000005:14). Set: an interchange addressed to anyone else is answered CONTRL UCI 4 / 43, from our own id, and rejected with a case. Unset: S003 is not checked.',
    schema: idList('id:qualifier', parseEdifactRecipient).optional(),
  },
  {
    name: 'OUTBOUND_ALLOW_PRIVATE_TARGETS',
    group: 'outbound',
    description:
      'Let partner webhooks and supplier platforms resolve to private, loopback or link-local addresses (tests, private networks). Off: refused (SSRF protection).',
    schema: boolean.default(false),
  },
  {
    name: 'BOOTSTRAP_ADMIN_TOKEN',
    group: 'secrets',
    description:
      'A token that authenticates as the built-in admin (first setup, automation). Unset: only tokens from `gateway users|clients`.',
    sensitive: true,
    schema: z.string().min(32, 'expected at least 32 characters').optional(),
  },
  {
    name: 'NOTIFY_SMTP_URL',
    group: 'notifications',
    description:
      'SMTP server for exception e-mails: smtp://host:587 (STARTTLS) or smtps://host:465 (TLS), user name in the URL. Unset: no e-mail.',
    sensitive: true,
    schema: url(['smtp:', 'smtps:']).optional(),
  },
  {
    name: 'NOTIFY_SMTP_PASSWORD_FILE',
    group: 'notifications',
    description: 'File holding the SMTP password for the user in NOTIFY_SMTP_URL.',
    schema: z.string().min(1).optional(),
  },
  {
    name: 'NOTIFY_SMTP_STARTTLS',
    group: 'notifications',
    description:
      'smtp:// only: required (refuse a server without STARTTLS), opportunistic (use it when offered) or off. Certificates are always verified.',
    schema: z
      .enum(['required', 'opportunistic', 'off'], { message: 'expected required, opportunistic or off' })
      .default('required'),
  },
  {
    name: 'NOTIFY_SMTP_CA_FILE',
    group: 'notifications',
    description:
      "PEM file of the CA that signed the SMTP server's certificate (a private CA). Unset: the system CAs.",
    schema: z.string().min(1).optional(),
  },
  {
    name: 'NOTIFY_FROM',
    group: 'notifications',
    description:
      'Sender of exception e-mails: an address, or a display name with the address in angle brackets; required with NOTIFY_SMTP_URL.',
    schema: z.string().min(3).optional(),
  },
  {
    name: 'NOTIFY_WORKBENCH_URL',
    group: 'notifications',
    description:
      'Base URL of the buyer workbench; notifications link to BASE/exceptions/CASE-ID. Unset: PUBLIC_URL.',
    schema: url(['http:', 'https:']).optional(),
  },
  {
    name: 'NOTIFY_WEBHOOK_URL',
    group: 'notifications',
    description:
      'URL that receives a signed JSON POST per notification (Slack/Teams-compatible `text`). Unset: no webhook.',
    sensitive: true,
    schema: url(['http:', 'https:']).optional(),
  },
  {
    name: 'NOTIFY_WEBHOOK_SECRET_FILE',
    group: 'notifications',
    description:
      'File holding the HMAC-SHA256 key that signs webhook bodies; required with NOTIFY_WEBHOOK_URL.',
    schema: z.string().min(1).optional(),
  },
  {
    name: 'NOTIFY_WEBHOOK_TIMEOUT_MS',
    group: 'notifications',
    description: 'How long one webhook call may take before it counts as failed and is retried.',
    schema: positiveInt.min(100).max(120_000).default(10_000),
  },
  {
    name: 'NOTIFY_DIGEST_AFTER',
    group: 'notifications',
    description:
      'Notifications one recipient gets one by one within a digest window; the rest wait and go out as one digest.',
    schema: positiveInt.max(1000).default(5),
  },
  {
    name: 'NOTIFY_DIGEST_WINDOW_MINUTES',
    group: 'notifications',
    description: "Length of a recipient's digest window, which starts with its first notification.",
    schema: positiveInt.max(1440).default(10),
  },
  {
    name: 'SFTP_ENABLED',
    group: 'server',
    description:
      'Serve the hosted SFTP mailbox (docs/sftp.md) in api processes; it listens only when a partner profile enables channels.sftp.mailbox.',
    schema: boolean.default(true),
  },
  {
    name: 'SFTP_PORT',
    group: 'server',
    description: 'TCP port of the hosted SFTP mailbox.',
    schema: port.default(2222),
  },
  {
    name: 'SFTP_HOST',
    group: 'server',
    description: 'Interface the hosted SFTP mailbox binds to. Unset: HOST.',
    schema: z.string().min(1).optional(),
  },
  {
    name: 'SFTP_HOST_KEY_FILE',
    group: 'secrets',
    description:
      'OpenSSH or PEM private host key of the hosted SFTP mailbox. Unset on a single process: an Ed25519 key generated once into DATA_DIR/secrets.',
    schema: z.string().min(1).optional(),
  },
  {
    name: 'SFTP_MAX_FILE_BYTES',
    group: 'server',
    description:
      'Largest file taken over SFTP: the hosted mailbox refuses a write past it (the upload is discarded), the poller leaves a larger file on the partner server and raises sftp.file-too-large. A profile may set channels.sftp.maxFileBytes.',
    schema: positiveInt.default(50 * 1024 * 1024),
  },
  {
    name: 'MQTT_URL',
    group: 'plant-events',
    description:
      'MQTT broker the MES/WMS plant events come from (mqtt:// or mqtts://); unset turns the subscriber off (REST ingestion still works).',
    schema: url(['mqtt:', 'mqtts:']).optional(),
  },
  {
    name: 'MQTT_CLIENT_ID',
    group: 'plant-events',
    description:
      'Fixed MQTT client id of the plant-event subscriber: the broker keeps its persistent session (and queued messages) under this id.',
    schema: z.string().min(1).max(128).default('supplier-gateway-plant-events'),
  },
  {
    name: 'MQTT_TOPICS',
    group: 'plant-events',
    description: 'Comma-separated topic filters the subscriber takes at QoS 1.',
    schema: z.string().min(1).default('plants/+/mes/#,plants/+/wms/#'),
  },
  {
    name: 'MQTT_BATCH_SIZE',
    group: 'plant-events',
    description:
      "The subscriber commits (and then acknowledges) every this many messages (also its MQTT 5 receive maximum; keep it within the broker's max_inflight_messages)…",
    schema: positiveInt.max(10_000).default(500),
  },
  {
    name: 'MQTT_BATCH_MS',
    group: 'plant-events',
    description: '…or this many milliseconds after the first message of a batch, whichever comes first.',
    schema: positiveInt.max(60_000).default(200),
  },
  {
    name: 'MQTT_SESSION_EXPIRY_SECONDS',
    group: 'plant-events',
    description:
      'MQTT 5 session expiry the subscriber asks for: how long the broker keeps its session and queue while it is away.',
    schema: positiveInt.max(4_294_967_295).default(604_800),
  },
  {
    name: 'PLANT_EVENTS_LATE_MINUTES',
    group: 'plant-events',
    description:
      'Out-of-order window: an event older than the newest one of its material by more than this is applied and flagged late.',
    schema: positiveInt.max(100_000).default(60),
  },
  {
    name: 'PLANT_EVENTS_MAX_BATCH',
    group: 'plant-events',
    description: 'Most events one REST batch request may carry.',
    schema: positiveInt.max(100_000).default(10_000),
  },
  {
    name: 'STOCK_RECONCILE_EVERY_MINUTES',
    group: 'plant-events',
    description:
      "How often one process compares on-hand with the ERP's stock through the port; 0 turns it off.",
    schema: z.coerce.number({ message: 'expected minutes' }).int().min(0).max(10_080).default(60),
  },
  {
    name: 'STOCK_VARIANCE_PERCENT',
    group: 'plant-events',
    description:
      "On-hand differing from the ERP's stock by more than this percentage of the ERP's figure raises an inventory.variance exception.",
    schema: z.coerce.number({ message: 'expected a percentage' }).min(0).max(100).default(2),
  },
  {
    name: 'REPLENISHMENT_EVALUATE_EVERY_SECONDS',
    group: 'plant-events',
    description:
      'How often one process re-evaluates the reorder points of balances that moved (and of all balances hourly); 0 turns the replenishment loop off.',
    schema: z.coerce.number({ message: 'expected seconds' }).int().min(0).max(3600).default(5),
  },
  {
    name: 'AS2_ID',
    group: 'as2',
    description:
      'Our AS2 name (AS2-To of inbound messages, AS2-From of MDNs); 1-128 printable ASCII characters.',
    schema: z
      .string()
      .regex(/^[\x21-\x7e](?:[\x20-\x7e]{0,126}[\x21-\x7e])?$/, 'expected 1-128 printable ASCII characters')
      .default('SUPPLIERGW'),
  },
  {
    name: 'AS2_KEY_FILE',
    group: 'as2',
    description:
      'PEM private key that decrypts inbound AS2 messages and signs MDNs. Unset on a single process: generated once into DATA_DIR/secrets with AS2_CERT_FILE.',
    schema: z.string().min(1).optional(),
  },
  {
    name: 'AS2_CERT_FILE',
    group: 'as2',
    description:
      'PEM certificate of AS2_KEY_FILE, the one partners encrypt to and verify our MDNs with. Set both or neither.',
    schema: z.string().min(1).optional(),
  },
  {
    name: 'AS2_PKCS12_FILE',
    group: 'as2',
    description:
      'Our AS2 key and certificate as one PKCS#12 (.p12/.pfx) file, instead of AS2_KEY_FILE and AS2_CERT_FILE.',
    schema: z.string().min(1).optional(),
  },
  {
    name: 'AS2_PKCS12_PASSWORD',
    group: 'as2',
    description: 'Password of AS2_PKCS12_FILE and AS2_ROLLOVER_PKCS12_FILE.',
    sensitive: true,
    schema: z.string().default(''),
  },
  {
    name: 'AS2_ROLLOVER_KEY_FILE',
    group: 'as2',
    description:
      'Key rollover: a second PEM key of ours (with AS2_ROLLOVER_CERT_FILE). Both pairs decrypt; the one whose certificate is newest and valid signs.',
    schema: z.string().min(1).optional(),
  },
  {
    name: 'AS2_ROLLOVER_CERT_FILE',
    group: 'as2',
    description: 'PEM certificate of AS2_ROLLOVER_KEY_FILE.',
    schema: z.string().min(1).optional(),
  },
  {
    name: 'AS2_ROLLOVER_PKCS12_FILE',
    group: 'as2',
    description: 'Key rollover: the second key pair of ours as a PKCS#12 file, instead of the two PEM files.',
    schema: z.string().min(1).optional(),
  },
  {
    name: 'AS2_MAX_MESSAGE_BYTES',
    group: 'as2',
    description:
      'Largest AS2 request body accepted (413 above it), and the default cap of decompressed content.',
    schema: positiveInt.default(50 * 1024 * 1024),
  },
  {
    name: 'AS2_RECEIPT_URL',
    group: 'as2',
    description:
      'Our URL for asynchronous MDNs, sent as Receipt-Delivery-Option to partners with sendMdn: async. Unset: PUBLIC_URL + /as2/mdn/receipt.',
    schema: url(['http:', 'https:']).optional(),
  },
  {
    name: 'AS2_ASYNC_MDN_WAIT_MINUTES',
    group: 'as2',
    description:
      'How long an AS2 message waits for its asynchronous MDN (resent with the same Message-ID meanwhile) before it fails.',
    schema: z.coerce.number({ message: 'expected minutes' }).positive().max(10_080).default(20),
  },
] as const satisfies readonly ConfigVariable[];

type VariableName = (typeof CONFIG_VARIABLES)[number]['name'];
type ValueOf<N extends VariableName> = z.output<
  Extract<(typeof CONFIG_VARIABLES)[number], { name: N }>['schema']
>;

/** The validated configuration, one property per variable. */
export type GatewayConfig = { readonly [N in VariableName]: ValueOf<N> };
