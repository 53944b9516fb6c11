import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { describe, expect, it } from 'vitest';
import { NON_NEGATIVE_DECIMAL_PATTERN } from '../decimal.js';
import { EVENT_NAMES } from './catalogue.js';
import {
  EVENT_SCHEMA_DIRECTORY,
  eventSchemaFileName,
  REGENERATE_HINT,
  renderEventSchema,
  renderEventSchemas,
} from './json-schemas.js';
import { LINE_STATUSES } from './purchase-order-events.js';
import { SAMPLE_EVENTS } from './sample-events.js';

/**
 * The generated JSON Schemas in docs/events/ must be exactly what renderEventSchemas() renders, in
 * the repository's Prettier format (so that `prettier --check .` passes too). With
 * UPDATE_EVENT_SCHEMAS=1 this spec writes them instead (and removes stale ones); review the diff.
 */

const root = fileURLToPath(new URL('../../../', import.meta.url));
const directory = join(root, EVENT_SCHEMA_DIRECTORY);
const update = process.env.UPDATE_EVENT_SCHEMAS === '1';

async function formatted(): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const [file, text] of renderEventSchemas()) {
    const path = join(directory, file);
    const options = (await resolveConfig(path)) ?? {};
    files.set(file, await format(text, { ...options, filepath: path }));
  }
  return files;
}

function existing(): Map<string, string> {
  let names: string[];
  try {
    names = readdirSync(directory).filter((f) => f.endsWith('.schema.json'));
  } catch {
    names = [];
  }
  return new Map(names.map((f) => [f, readFileSync(join(directory, f), 'utf8')]));
}

describe(`${EVENT_SCHEMA_DIRECTORY}/*.schema.json`, () => {
  it(update ? 'are written (UPDATE_EVENT_SCHEMAS=1)' : 'match the catalogue', async () => {
    const rendered = await formatted();
    if (update) {
      mkdirSync(directory, { recursive: true });
      for (const file of existing().keys()) if (!rendered.has(file)) rmSync(join(directory, file));
      for (const [file, text] of rendered) writeFileSync(join(directory, file), text);
    }
    const onDisk = existing();
    const stale = [...onDisk.keys()].filter((f) => !rendered.has(f));
    const missing = [...rendered.keys()].filter((f) => !onDisk.has(f));
    const differing = [...rendered]
      .filter(([f, text]) => onDisk.has(f) && onDisk.get(f) !== text)
      .map(([f]) => f);
    const problems = [
      ...missing.map((f) => `missing: ${f}`),
      ...differing.map((f) => `differs: ${f}`),
      ...stale.map((f) => `not in the catalogue: ${f}`),
    ];
    expect(
      problems,
      `docs/events is out of date with src/canonical/events. Regenerate with\n  ${REGENERATE_HINT}\nand review the diff.`,
    ).toEqual([]);
  });
});

describe('rendered JSON Schemas', () => {
  it('have one file per catalogue entry', () => {
    expect([...renderEventSchemas().keys()].sort()).toEqual(EVENT_NAMES.map(eventSchemaFileName).sort());
  });

  it('require the envelope, describe the type and carry the sample', () => {
    for (const name of EVENT_NAMES) {
      const schema = renderEventSchema(name) as any;
      expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
      expect(schema.title).toBe(name);
      expect(schema.description.length, name).toBeGreaterThan(40);
      expect(schema.additionalProperties).toBe(false);
      expect(schema.required).toEqual(
        expect.arrayContaining([
          'id',
          'type',
          'schemaVersion',
          'occurredAt',
          'receivedAt',
          'correlationId',
          'causationId',
          'document',
          'payload',
        ]),
      );
      expect(schema.properties.type.const).toBe(name.slice(0, name.lastIndexOf('.')));
      expect(schema.properties.schemaVersion.const).toBe('v1');
      expect(schema.examples).toEqual([SAMPLE_EVENTS[name]]);
    }
  });

  it('carry quantities as decimal strings with the canonical pattern and line statuses as an enum', () => {
    const ack = renderEventSchema('purchase-order.acknowledged.v1') as any;
    const resolve = (s: any) => (s.$ref ? ack.$defs[s.$ref.replace('#/$defs/', '')] : s);
    const line = ack.properties.payload.properties.lines.items;
    const quantity = resolve(line.properties.quantity);
    expect(resolve(quantity.properties.value)).toMatchObject({
      type: 'string',
      pattern: NON_NEGATIVE_DECIMAL_PATTERN.source,
    });
    expect(resolve(quantity.properties.unit).enum).toContain('XBX');
    expect(line.properties.status.enum).toEqual([...LINE_STATUSES]);
  });

  it('accept every sample and refuse typical mistakes (checked by a small draft 2020-12 validator)', () => {
    for (const name of EVENT_NAMES)
      expect(validate(renderEventSchema(name), SAMPLE_EVENTS[name]), name).toEqual([]);
    const ack = structuredClone(SAMPLE_EVENTS['purchase-order.acknowledged.v1']) as any;
    ack.payload.lines[0].quantity.value = 9600;
    ack.payload.lines[0].status = 'partial';
    delete ack.correlationId;
    expect(validate(renderEventSchema('purchase-order.acknowledged.v1'), ack)).toEqual([
      '/: required correlationId',
      '/payload/lines/0/status: not one of accepted, changed, rejected, backordered',
      '/payload/lines/0/quantity/value: not a string',
    ]);
  });
});

/**
 * A minimal validator for the JSON Schema keywords zod emits for this catalogue. It throws on any
 * other keyword, so that a schema it cannot judge fails the test instead of passing unchecked.
 */
function validate(schema: any, value: unknown, path = '', root: any = schema): string[] {
  const at = path || '/';
  if (schema.$ref !== undefined) {
    const target = /^#\/\$defs\/(.+)$/.exec(schema.$ref)?.[1];
    if (target === undefined || root.$defs?.[target] === undefined)
      throw new Error(`unresolvable $ref ${schema.$ref}`);
    return validate(root.$defs[target], value, path, root);
  }
  const known = new Set([
    '$schema',
    '$comment',
    '$defs',
    'id',
    'title',
    'description',
    'examples',
    'format',
    'type',
    'properties',
    'required',
    'additionalProperties',
    'items',
    'minItems',
    'enum',
    'const',
    'pattern',
    'minLength',
    'maxLength',
    'minimum',
    'maximum',
    'exclusiveMinimum',
    'anyOf',
    'oneOf',
  ]);
  for (const keyword of Object.keys(schema))
    if (!known.has(keyword)) throw new Error(`unsupported keyword ${keyword} at ${at}`);
  if (schema.anyOf)
    return schema.anyOf.some((s: any) => validate(s, value, path, root).length === 0)
      ? []
      : [`${at}: matches no anyOf branch`];
  if (schema.oneOf) {
    const matching = schema.oneOf.filter((s: any) => validate(s, value, path, root).length === 0).length;
    return matching === 1 ? [] : [`${at}: matches ${matching} oneOf branches`];
  }
  const types: string[] = schema.type === undefined ? [] : [schema.type].flat();
  const kind =
    value === null
      ? 'null'
      : Array.isArray(value)
        ? 'array'
        : Number.isInteger(value)
          ? 'integer'
          : typeof value;
  if (types.length > 0 && !types.includes(kind) && !(kind === 'integer' && types.includes('number')))
    return [
      `${at}: not ${types.length === 1 && types[0] !== 'integer' ? `a ${types[0]}` : types.join(' or ')}`,
    ];
  if (schema.const !== undefined && value !== schema.const) return [`${at}: not ${schema.const}`];
  if (schema.enum && !schema.enum.includes(value)) return [`${at}: not one of ${schema.enum.join(', ')}`];
  const errors: string[] = [];
  if (typeof value === 'string') {
    if (schema.pattern !== undefined && !new RegExp(schema.pattern, 'u').test(value))
      errors.push(`${at}: does not match ${schema.pattern}`);
    if (schema.minLength !== undefined && value.length < schema.minLength) errors.push(`${at}: too short`);
    if (schema.maxLength !== undefined && value.length > schema.maxLength) errors.push(`${at}: too long`);
  }
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && value < schema.minimum) errors.push(`${at}: below minimum`);
    if (schema.exclusiveMinimum !== undefined && value <= schema.exclusiveMinimum)
      errors.push(`${at}: not above minimum`);
    if (schema.maximum !== undefined && value > schema.maximum) errors.push(`${at}: above maximum`);
  }
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems) errors.push(`${at}: too few items`);
    if (schema.items)
      value.forEach((item, i) => errors.push(...validate(schema.items, item, `${path}/${i}`, root)));
  }
  if (kind === 'object') {
    const object = value as Record<string, unknown>;
    for (const key of schema.required ?? []) if (!(key in object)) errors.push(`${at}: required ${key}`);
    for (const [key, item] of Object.entries(object)) {
      const property = schema.properties?.[key];
      if (property) errors.push(...validate(property, item, `${path}/${key}`, root));
      else if (schema.additionalProperties === false) errors.push(`${at}: unknown property ${key}`);
    }
  }
  return errors;
}
