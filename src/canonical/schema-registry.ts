import { z } from 'zod';

/**
 * Names and descriptions of the canonical schemas for JSON Schema generation, in a registry of our own
 * rather than zod's global one: other modules may name their own schemas `Quantity` without clashing.
 * Named schemas become `$defs` entries of the generated files; the rest is inlined.
 */
export const canonicalSchemaRegistry = z.registry<z.GlobalMeta>();

/** Registers `schema` under `id` (a `$defs` name) and returns the same schema. */
export function named<S extends z.ZodType>(schema: S, id: string, description?: string): S {
  canonicalSchemaRegistry.add(schema, description === undefined ? { id } : { id, description });
  return schema;
}

/** Registers a title and description without an id (event schemas: the document root). */
export function described<S extends z.ZodType>(schema: S, title: string, description: string): S {
  canonicalSchemaRegistry.add(schema, { title, description });
  return schema;
}
