import { z } from 'zod';

/**
 * The ERP connections, from `ERP_CONFIG_FILE` (erp/erp.yaml). The gateway posts a document to the
 * instance whose `plants` include the document's plant, else to the default instance.
 */
const instanceId = z
  .string()
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, { error: 'expected kebab-case, e.g. s4-main' });

const restAuth = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('none') }),
  z.strictObject({
    type: z.literal('bearer'),
    /** File holding the token (a mounted secret); read at boot and on every 401. */
    tokenFile: z.string().min(1),
  }),
  z.strictObject({
    type: z.literal('basic'),
    username: z.string().min(1),
    passwordFile: z.string().min(1),
  }),
]);

export const erpInstanceSchema = z
  .strictObject({
    id: instanceId,
    description: z.string().max(256).optional(),
    adapter: z.enum(['simulator', 'rest']),
    default: z.boolean().default(false),
    /** Plants whose documents go to this ERP. */
    plants: z.array(z.string().min(1)).default([]),
    /**
     * `honoured`: the ERP answers a repeated Idempotency-Key with the first result. `ignored`: it
     * does not, so the gateway reads an effect back by its external reference before retrying a
     * call whose outcome is unknown.
     */
    idempotencyKeys: z.enum(['honoured', 'ignored']).default('honoured'),
    /**
     * Who sends a PO change the gateway requested once the ERP accepts it: `gateway` (the posting's
     * acceptance starts the outbound change) or `erp-output` (the ERP's own output comes back
     * through the PO lifecycle's ERP endpoint). Never both.
     */
    poChangeDelivery: z.enum(['gateway', 'erp-output']).default('gateway'),
    /** A call without an answer after this long has an unknown outcome. */
    timeoutMs: z.int().min(100).max(600_000).default(15_000),
    /**
     * After an unknown outcome, the next try waits at least this long: the longest an ERP may
     * still commit a call it already gave up answering. Needed where keys are ignored.
     */
    unknownOutcomeSettleMs: z.int().min(0).max(3_600_000).default(0),
    limits: z
      .strictObject({
        /** Calls per second to this ERP, across every worker process. */
        ratePerSecond: z.number().positive().max(10_000).default(20),
        /** Calls in flight to this ERP at once, across every worker process. */
        concurrency: z.int().min(1).max(256).default(4),
      })
      .prefault({}),
    retry: z
      .strictObject({
        maxAttempts: z.int().min(1).max(100).default(12),
        baseMs: z.int().min(10).max(3_600_000).default(2_000),
        maxMs: z
          .int()
          .min(10)
          .max(86_400_000)
          .default(15 * 60_000),
      })
      .prefault({}),
    rest: z
      .strictObject({
        /** Base URL of the generic REST contract (docs/erp-contract.yaml), e.g. https://erp.example.com/gateway/v1 */
        baseUrl: z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' }),
        auth: restAuth.default({ type: 'none' }),
      })
      .optional(),
  })
  .superRefine((instance, ctx) => {
    if (instance.adapter === 'rest' && !instance.rest) {
      ctx.addIssue({ code: 'custom', path: ['rest'], message: 'a rest adapter needs rest.baseUrl' });
    }
    if (instance.adapter === 'simulator' && instance.rest) {
      ctx.addIssue({ code: 'custom', path: ['rest'], message: 'only a rest adapter takes rest settings' });
    }
  });

export const erpConfigSchema = z
  .strictObject({
    instances: z.array(erpInstanceSchema).min(1, { error: 'expected at least one ERP instance' }),
  })
  .superRefine((config, ctx) => {
    const ids = new Set<string>();
    const plants = new Map<string, string>();
    config.instances.forEach((instance, i) => {
      if (ids.has(instance.id))
        ctx.addIssue({
          code: 'custom',
          path: ['instances', i, 'id'],
          message: `duplicate id ${instance.id}`,
        });
      ids.add(instance.id);
      for (const plant of instance.plants) {
        const other = plants.get(plant);
        if (other) {
          ctx.addIssue({
            code: 'custom',
            path: ['instances', i, 'plants'],
            message: `plant ${plant} is already served by ${other}`,
          });
        }
        plants.set(plant, instance.id);
      }
    });
    const defaults = config.instances.filter((i) => i.default);
    if (defaults.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        path: ['instances'],
        message: `expected exactly one instance with default: true, found ${defaults.length}`,
      });
    }
  });

export type ErpInstanceConfig = z.output<typeof erpInstanceSchema>;
export type ErpConfig = z.output<typeof erpConfigSchema>;
