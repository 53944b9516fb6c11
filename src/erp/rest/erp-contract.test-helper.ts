import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';

/** docs/erp-contract.yaml, read for tests: the document and its schemas as validators. */
export const CONTRACT_FILE = join(import.meta.dirname, '..', '..', '..', 'docs', 'erp-contract.yaml');

export interface ContractDocument {
  openapi: string;
  paths: Record<string, Record<string, any>>;
  components: Record<string, Record<string, any>>;
}

export function loadContract(): ContractDocument {
  return parse(readFileSync(CONTRACT_FILE, 'utf8')) as ContractDocument;
}

/** A validator for a JSON Schema of the contract; `$ref`s point into its component schemas. */
export function contractValidator(contract: ContractDocument, schema: unknown): z.ZodType {
  const rewrite = (value: unknown): unknown =>
    JSON.parse(JSON.stringify(value).replaceAll('"#/components/schemas/', '"#/$defs/'));
  return z.fromJSONSchema({
    $defs: rewrite(contract.components.schemas) as Record<string, any>,
    ...(rewrite(schema) as Record<string, any>),
  } as any);
}

/** The validator of one named component schema (`Entry`, `Problem`…). */
export function componentValidator(contract: ContractDocument, name: string): z.ZodType {
  if (!contract.components.schemas?.[name]) throw new Error(`no schema ${name} in the contract`);
  return contractValidator(contract, { $ref: `#/components/schemas/${name}` });
}

/** Follows a local `$ref` ("#/components/responses/BadRequest") to what it names. */
export function resolveRef<T = any>(contract: ContractDocument, value: any): T {
  let current = value;
  for (let depth = 0; current && typeof current.$ref === 'string' && depth < 10; depth++) {
    const path = (current.$ref as string).replace(/^#\//, '').split('/');
    current = path.reduce<any>((node, key) => node?.[key], contract);
    if (current === undefined) throw new Error(`unresolved $ref ${value.$ref}`);
  }
  return current as T;
}
