import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ACKNOWLEDGMENT_EDIFACT_EXAMPLE,
  ACKNOWLEDGMENT_X12_EXAMPLE,
} from '../../src/transports/api/schemas/partner-document.examples.js';
import { startTestGateway } from '../support/gateway.js';

describe('the OpenAPI document', () => {
  let gateway: Awaited<ReturnType<typeof startTestGateway>>;
  let document: any;

  beforeAll(async () => {
    gateway = await startTestGateway({ LOG_LEVEL: 'error' });
    document = (await request(gateway.url).get('/docs/openapi.json').expect(200)).body;
  });
  afterAll(async () => {
    await gateway?.stop();
  });

  it('publishes the partner API with the v1 document schemas and examples', () => {
    const submit = document.paths['/partner/v1/documents'].post;
    expect(Object.keys(submit.requestBody.content)).toEqual(
      expect.arrayContaining(['application/json', 'application/edi-x12', 'application/edifact']),
    );
    const schemas = submit.requestBody.content['application/json'].schema.oneOf;
    expect(
      schemas.map((s: { properties?: { type?: { enum?: string[] } } }) => s.properties?.type?.enum?.[0]),
    ).toEqual(
      expect.arrayContaining([
        'purchase-order-acknowledgment',
        'purchase-order-change-answer',
        'ship-notice',
      ]),
    );
    // EDI is a string of the interchange, not one of the JSON documents: a whole one, the one
    // partner-document.examples.spec.ts translates.
    for (const [type, example] of [
      ['application/edi-x12', ACKNOWLEDGMENT_X12_EXAMPLE],
      ['application/edifact', ACKNOWLEDGMENT_EDIFACT_EXAMPLE],
    ] as const) {
      expect(submit.requestBody.content[type].schema.type, type).toBe('string');
      expect(submit.requestBody.content[type].example, type).toBe(example);
    }
    // Every partner route can be rate limited; every POST can be too large.
    for (const [path, item] of Object.entries(document.paths as Record<string, Record<string, any>>)) {
      if (!path.startsWith('/partner/v1/')) continue;
      for (const [method, op] of Object.entries(item)) {
        expect(
          op.responses['429']?.content['application/problem+json'].example.type,
          `${method} ${path}`,
        ).toBe('urn:supplier-gateway:problem:rate-limited');
        if (method === 'post')
          expect(
            op.responses['413']?.content['application/problem+json'].example.type,
            `${method} ${path}`,
          ).toBe('urn:supplier-gateway:problem:payload-too-large');
      }
    }
    // The acknowledgment is bytes in the answered interchange's encoding, named by the Content-Type charset.
    const ack = document.paths['/partner/v1/documents/{id}/acknowledgment'].get;
    for (const type of ['application/edi-x12', 'application/edifact'])
      expect(ack.responses['200'].content[type].schema, type).toEqual({ type: 'string', format: 'binary' });
    expect(ack.description).toMatch(/Content-Type names their charset/);
    // So is an outbound document's content, for the partner and for operators.
    for (const path of [
      '/partner/v1/outbound-documents/{id}/content',
      '/admin/outbound-documents/{id}/content',
    ]) {
      const content = document.paths[path].get;
      for (const type of ['application/edi-x12', 'application/edifact'])
        expect(content.responses['200'].content[type].schema, `${path} ${type}`).toEqual({
          type: 'string',
          format: 'binary',
        });
      expect(content.description, path).toMatch(/the Content-Type names the charset they were written in/);
    }
    for (const path of [
      '/partner/v1/orders',
      '/partner/v1/orders/{poNumber}',
      '/partner/v1/documents/{id}/acknowledgment',
    ])
      expect(document.paths[path]?.get, path).toBeDefined();
  });

  // The whole document is linted by `npm run lint:openapi`; this test holds the partner API's
  // documents and orders to the same rules (.spectral.yaml), so a change to it cannot slip past the linter.
  it('passes Spectral’s recommended rules (spectral:oas) without a warning on the partner API', () => {
    // The operations of src/transports/api (tagged 'partner documents' and 'partner orders').
    const ours = (ops: Record<string, { tags?: string[] }>) =>
      Object.values(ops).every((op) =>
        op.tags?.some((t) => t === 'partner documents' || t === 'partner orders'),
      );
    const partnerPaths = Object.fromEntries(
      Object.entries(document.paths as Record<string, Record<string, { tags?: string[] }>>).filter(
        ([path, ops]) => path.startsWith('/partner/v1/') && ours(ops),
      ),
    );
    expect(Object.keys(partnerPaths).length).toBeGreaterThanOrEqual(8);
    const file = join(mkdtempSync(join(tmpdir(), 'sg-openapi-')), 'openapi.json');
    // Components only other routes use would be reported unused in the cut-out document.
    const used = JSON.stringify(partnerPaths);
    const schemas = Object.fromEntries(
      Object.entries((document.components?.schemas ?? {}) as Record<string, unknown>).filter(([name]) =>
        used.includes(`#/components/schemas/${name}`),
      ),
    );
    writeFileSync(
      file,
      JSON.stringify({ ...document, paths: partnerPaths, components: { ...document.components, schemas } }),
    );
    const lint = spawnSync(
      'node_modules/.bin/spectral',
      ['lint', '--fail-severity', 'warn', '--ruleset', '.spectral.yaml', file],
      { encoding: 'utf8' },
    );
    expect(lint.status, `spectral found problems:\n${lint.stdout}${lint.stderr}`).toBe(0);
    expect(lint.stdout).toMatch(/No results with a severity of 'warn' or higher found/);
  });
});
