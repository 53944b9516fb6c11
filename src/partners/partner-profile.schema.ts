import { z } from 'zod';
import { aboveLatin1, codePointName } from '../edi/core/latin1-bytes.js';
import { as2ChannelSchema } from './as2-channel.schema.js';
import { deliverySchema } from './delivery.schema.js';
import { shippingSchema } from './shipping.schema.js';
import { x12SettingsSchema } from './x12-settings.schema.js';

/**
 * The schema of one trading-partner profile (`partners/<id>.yaml`). Objects are strict so that a
 * misspelt field is reported instead of silently ignored; only channel settings are open, because
 * the transport issues have not defined them yet.
 */

/** YAML turns `12` into a number; identifiers and codes are strings whatever the operator typed. */
function text(what: string) {
  return z.preprocess(
    (value) => (typeof value === 'number' ? String(value) : value),
    z.string({ error: `expected ${what}` }).trim(),
  );
}

const printable = /^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$/;

function code(what: string, pattern: RegExp, hint: string) {
  return text(what)
    .transform((v) => v.toUpperCase())
    .pipe(z.string().regex(pattern, `expected ${what}: ${hint}`));
}

const slug = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

// ISA05/ISA07 (qualifier, ID 2/2) and ISA06/ISA08 (sender/receiver id, AN 15/15, space padded on the
// wire, so stored without the padding). X12.5 interchange control structures.
const x12InterchangeId = z.strictObject({
  qualifier: code('an ISA qualifier', /^[A-Z0-9]{2}$/, 'two letters or digits (ZZ, 01, 12, …)'),
  id: code('an ISA interchange id', printable, '1-15 printable characters').pipe(
    z.string().max(15, 'expected an ISA interchange id of at most 15 characters'),
  ),
});

// GS02/GS03 application sender/receiver code, AN 2/15.
const x12GroupId = code('a GS application id', printable, '2-15 printable characters').pipe(
  z
    .string()
    .min(2, 'expected a GS application id of 2-15 characters')
    .max(15, 'expected a GS application id of 2-15 characters'),
);

// UNB S002/S003: identification 0004/0010 an..35, code qualifier 0007 an..4 (ISO 9735).
const edifactId = z.strictObject({
  id: code('a UNB interchange id', printable, '1-35 printable characters').pipe(
    z.string().max(35, 'expected a UNB interchange id of at most 35 characters'),
  ),
  qualifier: code('a UNB id qualifier', /^[A-Z0-9]{1,4}$/, '1-4 letters or digits (14, ZZZ, …)').optional(),
});

// AS2-From/AS2-To: 1-128 printable ASCII, compared case-sensitively (RFC 4130 §6.2), so not upper-cased.
const as2Id = text('an AS2 id').pipe(
  z
    .string()
    .regex(printable, 'expected an AS2 id: 1-128 printable ASCII characters')
    .max(128, 'expected an AS2 id of at most 128 characters'),
);

const identities = z
  .strictObject({
    x12: z.array(x12InterchangeId).default([]),
    gs: z.array(x12GroupId).default([]),
    edifact: z.array(edifactId).default([]),
    as2: z.array(as2Id).default([]),
  })
  .default({ x12: [], gs: [], edifact: [], as2: [] });

export const STANDARDS = ['x12', 'edifact', 'json'] as const;

const x12Document = z.strictObject({
  standard: z.literal('x12'),
  // GS08: the version, release and industry identifier code, e.g. 004010, 005010, 004010VICS.
  version: code('an X12 version', /^\d{6}[A-Z0-9]{0,6}$/, "six digits and an optional suffix ('004010')"),
  // ST01: the transaction set identifier.
  type: code('an X12 transaction set', /^\d{3}$/, "three digits ('850')"),
  format: z
    .strictObject({
      elementSeparator: z.string().length(1).optional(),
      componentSeparator: z.string().length(1).optional(),
      repetitionSeparator: z.string().length(1).optional(),
      segmentTerminator: z.string().min(1).max(2).optional(),
    })
    .optional(),
});

const edifactDocument = z.strictObject({
  standard: z.literal('edifact'),
  // UNH S009 0052 + 0054: directory version and release, e.g. D96A, D01B.
  version: code('an EDIFACT directory', /^[DS]\d{2}[A-C]$/, "D, two digits and a release letter ('D96A')"),
  // UNH S009 0065: the message type.
  type: code('an EDIFACT message type', /^[A-Z]{6}$/, "six letters ('ORDERS')"),
  format: z
    .strictObject({
      // UNB S001 0001/0002: syntax identifier (character repertoire) and syntax version number.
      syntax: code('an EDIFACT syntax identifier', /^UNO[A-Y]$/, 'UNOA, UNOB, UNOC, …').optional(),
      syntaxVersion: z.union([z.literal(2), z.literal(3), z.literal(4)]).optional(),
      una: z.boolean().optional(),
      // UNA3-UNA8 as the partner wants them written: component, element, decimal mark, release,
      // repetition (space: none before syntax 4), segment terminator; e.g. ":+.? '" (ISO 9735-1 §8).
      serviceCharacters: z.string().length(6, 'expected six UNA service characters').optional(),
    })
    .optional(),
});

const jsonDocument = z.strictObject({
  standard: z.literal('json'),
  version: text('a JSON schema version').pipe(z.string().min(1, 'expected a JSON schema version')),
  type: text('a JSON document type').pipe(
    z.string().regex(/^[a-z][a-z0-9-]*$/, "expected a JSON document type in kebab-case ('purchase-order')"),
  ),
  format: z.strictObject({ schema: z.string().min(1).optional() }).optional(),
});

const document = z.discriminatedUnion('standard', [x12Document, edifactDocument, jsonDocument], {
  error: 'expected standard: x12, edifact or json',
});

const documents = z
  .strictObject({ inbound: z.array(document).default([]), outbound: z.array(document).default([]) })
  .default({ inbound: [], outbound: [] });

// Settings are filled by the transport issues; until then only `enabled` is checked.
const channel = z.looseObject({ enabled: z.boolean({ error: 'expected enabled: true or false' }) });

// REST API (docs/partner-api.md, docs/gateway.md): requests per second and burst, per partner and per credential.
const rateLimit = z.strictObject({
  requestsPerSecond: z.number({ error: 'expected requests per second' }).positive(),
  burst: z.number({ error: 'expected a number of requests' }).int().positive(),
});
const apiChannel = channel.extend({
  rateLimit: rateLimit.extend({ perCredential: rateLimit.optional() }).optional(),
});

// SFTP (src/transports/sftp, docs/sftp.md): polling the partner's server and/or a hosted mailbox.
const absolutePath = (what: string) =>
  z
    .string({ error: `expected ${what}` })
    .regex(/^\/(?:[^\0]*)$/, `expected ${what} as an absolute path ('/outbound')`);

const sftpPoll = z
  .strictObject({
    host: z.string({ error: 'expected the host name of the partner SFTP server' }).min(1),
    port: z.number().int().min(1).max(65535).default(22),
    username: z.string({ error: 'expected the user name on the partner SFTP server' }).min(1),
    // Pinned: the connection is refused before authentication when the server shows another key.
    hostKey: z
      .string({
        error: "expected hostKey: the server key's SHA256 fingerprint as `ssh-keygen -lf` prints it",
      })
      .regex(
        /^SHA256:[A-Za-z0-9+/]{43}=?$/,
        "expected hostKey: a SHA256 fingerprint as `ssh-keygen -lf` prints it ('SHA256:…')",
      ),
    passwordFile: z.string().min(1).optional(),
    privateKeyFile: z.string().min(1).optional(),
    privateKeyPassphraseFile: z.string().min(1).optional(),
    inboundDir: absolutePath('inboundDir, the folder the partner drops files in'),
    archiveDir: absolutePath('archiveDir, where picked-up files are moved').optional(),
    deleteAfterPickup: z.boolean().default(false),
    uploadDir: absolutePath('uploadDir, the folder our files are uploaded to').optional(),
    everySeconds: z.number().int().min(1).max(86_400).default(60),
    // A file is taken only when its size did not change over this many seconds (0: no check).
    stableSizeSeconds: z.number().int().min(0).max(3_600).default(0),
    timeoutSeconds: z.number().int().min(1).max(600).default(30),
  })
  .superRefine((poll, ctx) => {
    if ((poll.passwordFile === undefined) === (poll.privateKeyFile === undefined))
      ctx.addIssue({
        code: 'custom',
        path: ['passwordFile'],
        message: 'expected exactly one of passwordFile or privateKeyFile',
      });
    if ((poll.archiveDir === undefined) === !poll.deleteAfterPickup)
      ctx.addIssue({
        code: 'custom',
        path: ['archiveDir'],
        message: 'expected archiveDir (move picked-up files there) or deleteAfterPickup: true, not both',
      });
  });

const sftpMailbox = z
  .strictObject({
    enabled: z.boolean({ error: 'expected enabled: true or false' }),
    username: z
      .string({ error: 'expected the mailbox user name' })
      .regex(
        /^[a-z0-9][a-z0-9._-]{0,63}$/,
        'expected a mailbox user name: lower-case letters, digits, . _ -',
      ),
    // `scrypt$N$r$p$<salt base64>$<hash base64>` (docs/sftp.md shows how to make one).
    passwordHash: z
      .string()
      .regex(
        /^scrypt\$\d+\$\d+\$\d+\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/,
        'expected passwordHash: scrypt$N$r$p$salt$hash (docs/sftp.md)',
      )
      .optional(),
    authorizedKeys: z
      .array(
        z
          .string()
          .regex(
            /^(?:ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(?:256|384|521)) [A-Za-z0-9+/=]+(?: .*)?$/,
            "expected an OpenSSH public key line ('ssh-ed25519 AAAA… comment')",
          ),
      )
      .default([]),
  })
  .superRefine((mailbox, ctx) => {
    if (mailbox.enabled && !mailbox.passwordHash && mailbox.authorizedKeys.length === 0)
      ctx.addIssue({
        code: 'custom',
        path: ['passwordHash'],
        message: 'the mailbox is enabled, so a passwordHash or at least one authorized key is required',
      });
  });

const sftpChannel = z.strictObject({
  enabled: z.boolean({ error: 'expected enabled: true or false' }),
  poll: sftpPoll.optional(),
  mailbox: sftpMailbox.optional(),
  // Largest file taken from this partner, polled or uploaded to the mailbox; unset: SFTP_MAX_FILE_BYTES.
  maxFileBytes: z
    .number({ error: 'expected maxFileBytes: a number of bytes' })
    .int()
    .positive()
    .max(1024 * 1024 * 1024)
    .optional(),
});

const channels = z
  .strictObject({
    sftp: sftpChannel.optional(),
    as2: as2ChannelSchema.optional(),
    api: apiChannel.optional(),
    portal: channel.optional(),
  })
  .default({});

export const FUNCTIONAL_ACKS = ['997', '999', 'CONTRL', 'none'] as const;

const slaHours = z
  .number({ error: 'expected a number of hours' })
  .positive('expected a positive number of hours')
  .max(24 * 90, 'expected at most 2160 hours (90 days)');

const acknowledgments = z.strictObject(
  {
    functional: text('997, 999, CONTRL or none')
      .transform((v) => (v.toLowerCase() === 'none' ? 'none' : v.toUpperCase()))
      .pipe(z.enum(FUNCTIONAL_ACKS, { error: 'expected 997, 999, CONTRL or none' })),
    functionalSlaHours: slaHours.default(24),
    // The business answer to a purchase order: 855, ORDRSP or the API confirmation. Unset: no timer.
    businessSlaHours: slaHours.optional(),
  },
  { error: 'expected acknowledgments with functional: 997, 999, CONTRL or none' },
);

const percent = z
  .number({ error: 'expected a percentage' })
  .min(0, 'expected a percentage from 0 to 100')
  .max(100, 'expected a percentage from 0 to 100');
const days = z
  .number({ error: 'expected a number of days' })
  .int('expected a whole number of days')
  .min(0, 'expected 0 or more days')
  .max(365, 'expected at most 365 days');

// Strict by default: a deviation a buyer sees as an exception costs less than one nobody sees.
export const DEFAULT_TOLERANCES = {
  quantityPercent: 0,
  pricePercent: 0,
  dateDaysEarly: 0,
  dateDaysLate: 0,
} as const;

const tolerances = z
  .strictObject({
    quantityPercent: percent.default(DEFAULT_TOLERANCES.quantityPercent),
    pricePercent: percent.default(DEFAULT_TOLERANCES.pricePercent),
    dateDaysEarly: days.default(DEFAULT_TOLERANCES.dateDaysEarly),
    dateDaysLate: days.default(DEFAULT_TOLERANCES.dateDaysLate),
  })
  .default(DEFAULT_TOLERANCES);

const reference = text('a code').pipe(z.string().min(1, 'expected a non-empty code'));

const partReference = z.strictObject({
  ours: reference,
  theirs: reference,
  description: z.string().optional(),
});

// UN/ECE Recommendation 20 common codes are two or three upper-case letters or digits (C62, H87, KGM).
const rec20 = code('a UN/ECE Rec 20 unit code', /^[A-Z0-9]{2,3}$/, "two or three letters or digits ('C62')");

const locationReference = z.strictObject({
  ours: reference,
  theirs: reference,
  kind: z.enum(['plant', 'ship-to', 'bill-to'], { error: 'expected plant, ship-to or bill-to' }).optional(),
  description: z.string().optional(),
});

const crossReferences = z
  .strictObject({
    parts: z.array(partReference).default([]),
    // Their unit code (as it appears in their documents) to the Rec 20 code used inside the gateway.
    units: z
      .record(z.string(), rec20)
      .default({})
      .transform((units, ctx) => {
        const normalised: Record<string, string> = {};
        for (const [theirs, ours] of Object.entries(units)) {
          const key = theirs.trim().toUpperCase();
          if (key in normalised)
            ctx.issues.push({
              code: 'custom',
              input: theirs,
              path: [theirs],
              message: `"${theirs}" is the same unit as "${key}" (codes are upper-cased)`,
            });
          normalised[key] = ours;
        }
        return normalised;
      }),
    locations: z.array(locationReference).default([]),
  })
  .default({ parts: [], units: {}, locations: [] });

// Per-partner changes to the inbound X12 maps (edi-maps/x12): keyed `855.inbound` (every version) or
// `004010/855.inbound`, each with `fields` (and `collections.<path>.fields`) replaced by path. The
// content is checked against the map, the grammar and the event when the maps are loaded.
const mapOverride = z.strictObject({
  fields: z.record(z.string(), z.unknown()).optional(),
  collections: z.record(z.string(), z.unknown()).optional(),
});

const maps = z.strictObject({
  x12: z
    .record(
      z.string().regex(/^(?:[0-9]{6}\/)?[0-9]{3}\.inbound$/, "expected a map name such as '855.inbound'"),
      mapOverride,
    )
    .optional(),
  // The same for the EDIFACT maps (edi-maps/edifact): `ORDRSP.inbound` or `D96A/ORDRSP.inbound`.
  edifact: z
    .record(
      z
        .string()
        .regex(/^(?:D[0-9]{2}[A-Z]\/)?[A-Z]{6}\.inbound$/, "expected a map name such as 'ORDRSP.inbound'"),
      mapOverride,
    )
    .optional(),
});

export const partnerProfileSchema = z
  .strictObject({
    id: text('a partner id').pipe(
      z.string().regex(slug, "expected a partner id in lower-case kebab-case ('acme-fasteners')"),
    ),
    name: text('a partner name').pipe(z.string().min(1, 'expected a partner name')),
    status: z.enum(['test', 'live'], { error: 'expected test or live' }),
    identities,
    documents,
    channels,
    acknowledgments,
    tolerances,
    crossReferences,
    maps: maps.optional(),
    x12: x12SettingsSchema,
    delivery: deliverySchema.optional(),
    shipping: shippingSchema.optional(),
  })
  .superRefine((profile, ctx) => {
    const all = [...profile.documents.inbound, ...profile.documents.outbound];
    const uses = (standard: (typeof STANDARDS)[number]) => all.some((d) => d.standard === standard);

    // A partner's interchanges are recognised by their envelope; without one they could not be routed.
    if (uses('x12') && profile.identities.x12.length === 0)
      ctx.addIssue({
        code: 'custom',
        path: ['identities', 'x12'],
        message: 'documents use X12, so at least one ISA qualifier and id is required',
      });
    if (uses('edifact') && profile.identities.edifact.length === 0)
      ctx.addIssue({
        code: 'custom',
        path: ['identities', 'edifact'],
        message: 'documents use EDIFACT, so at least one UNB id is required',
      });
    if (profile.channels.as2?.enabled && profile.identities.as2.length === 0)
      ctx.addIssue({
        code: 'custom',
        path: ['identities', 'as2'],
        message: 'the AS2 channel is enabled, so at least one AS2 id is required',
      });

    const functional = profile.acknowledgments.functional;
    if ((functional === '997' || functional === '999') && !uses('x12'))
      ctx.addIssue({
        code: 'custom',
        path: ['acknowledgments', 'functional'],
        message: `${functional} is an X12 acknowledgment, but no document uses X12`,
      });
    if (functional === 'CONTRL' && !uses('edifact'))
      ctx.addIssue({
        code: 'custom',
        path: ['acknowledgments', 'functional'],
        message: 'CONTRL is an EDIFACT acknowledgment, but no document uses EDIFACT',
      });

    // A delimiter is written like data: in Latin-1 it needs a byte of its own (no U+2026 terminator).
    if (profile.x12.encoding === 'latin1')
      profile.documents.outbound.forEach((d, i) => {
        if (d.standard !== 'x12') return;
        for (const [name, value] of Object.entries(d.format ?? {}))
          if (aboveLatin1(value) !== undefined)
            ctx.addIssue({
              code: 'custom',
              path: ['documents', 'outbound', i, 'format', name],
              message: `"${value}" (${codePointName(aboveLatin1(value)!)}) has no byte in ISO 8859-1, and x12.encoding is latin1`,
            });
      });

    for (const direction of ['inbound', 'outbound'] as const) {
      const seen = new Map<string, number>();
      profile.documents[direction].forEach((d, i) => {
        const key = `${d.standard} ${d.version} ${d.type}`;
        const first = seen.get(key);
        if (first !== undefined)
          ctx.addIssue({
            code: 'custom',
            path: ['documents', direction, i],
            message: `${key} is listed twice (also documents.${direction}[${first}])`,
          });
        else seen.set(key, i);
      });
    }

    // Cross-references must translate both ways without ambiguity.
    for (const list of ['parts', 'locations'] as const) {
      for (const side of ['ours', 'theirs'] as const) {
        const seen = new Map<string, number>();
        profile.crossReferences[list].forEach((entry, i) => {
          const first = seen.get(entry[side]);
          if (first !== undefined)
            ctx.addIssue({
              code: 'custom',
              path: ['crossReferences', list, i, side],
              message: `"${entry[side]}" is mapped twice (also crossReferences.${list}[${first}])`,
            });
          else seen.set(entry[side], i);
        });
      }
    }
  });

/** A validated, normalised partner profile. */
export type PartnerProfile = z.output<typeof partnerProfileSchema>;
export type PartnerStatus = PartnerProfile['status'];
export type PartnerDocument = PartnerProfile['documents']['inbound'][number];
export type X12InterchangeId = PartnerProfile['identities']['x12'][number];
export type EdifactInterchangeId = PartnerProfile['identities']['edifact'][number];
