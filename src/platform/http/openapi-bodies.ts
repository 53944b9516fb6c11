import type { INestApplication } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum.js';
import { ModulesContainer } from '@nestjs/core';
import type { OpenAPIObject } from '@nestjs/swagger';

type ContentObject = Record<string, { schema?: Record<string, unknown>; example?: unknown }>;
/** Where @ApiOperation keeps its options (@nestjs/swagger's API_OPERATION). */
const API_OPERATION = 'swagger/apiOperation';
import { z } from 'zod';
import { ZodBody } from './zod-body.pipe.js';

/** A route handler that reads the request body, and the Zod schema that checks it (if a ZodBody does). */
export interface BodyHandler {
  /** The OpenAPI operationId @nestjs/swagger gives the handler (`Controller_method`). */
  readonly operationId: string;
  readonly schema: z.ZodType | undefined;
  /** The body per media type given by `@ApiRequestContent`. */
  readonly content: ContentObject | undefined;
}

const REQUEST_CONTENT = 'supplier-gateway:openapi-request-content';

/**
 * The request body per media type, for a handler whose media types differ in shape (`@ApiBody` gives
 * every `@ApiConsumes` type the same schema): replaces what `@ApiBody` declared.
 */
export const ApiRequestContent =
  (content: ContentObject): MethodDecorator =>
  (_target, _key, descriptor) => {
    Reflect.defineMetadata(REQUEST_CONTENT, content, descriptor.value as object);
  };

type RouteArgs = Record<string, { index: number; pipes?: unknown[] }>;

/** Every controller method with a `@Body(…)` parameter or `@ApiRequestContent`, in the application's modules. */
export function bodyHandlers(app: INestApplication): BodyHandler[] {
  const found = new Map<string, BodyHandler>();
  for (const module of app.get(ModulesContainer).values())
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as (new (...args: never[]) => unknown) | null;
      if (!controller?.prototype) continue;
      for (const method of Object.getOwnPropertyNames(controller.prototype)) {
        const args = Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, method) as RouteArgs | undefined;
        const body = Object.entries(args ?? {}).find(([key]) => key.startsWith(`${RouteParamtypes.BODY}:`));
        const handler = (controller.prototype as Record<string, object>)[method]!;
        const content = Reflect.getMetadata(REQUEST_CONTENT, handler) as ContentObject | undefined;
        // A handler that reads the raw body (@Req) declares it with @ApiRequestContent.
        if (!body && !content) continue;
        const pipe = body?.[1].pipes?.find((p): p is ZodBody<z.ZodType> => p instanceof ZodBody);
        const declared = Reflect.getMetadata(API_OPERATION, handler) as { operationId?: string } | undefined;
        const operationId = declared?.operationId ?? `${controller.name}_${method}`;
        found.set(operationId, { operationId, schema: pipe?.schema, content });
      }
    }
  return [...found.values()];
}

/**
 * Declares the JSON request body of every operation whose handler checks its body with a ZodBody and
 * does not declare one itself (`@ApiBody`): the schema generated from the Zod schema (what the
 * client sends, `io: 'input'`), with one example — the schema's own (`.meta({ examples })`), or one
 * built from it.
 */
export function declareZodBodies(app: INestApplication, document: OpenAPIObject): void {
  const handlers = new Map(bodyHandlers(app).map((h) => [h.operationId, h]));
  for (const item of Object.values(document.paths))
    for (const method of ['post', 'put', 'patch'] as const) {
      const operation = item[method];
      const handler = operation?.operationId ? handlers.get(operation.operationId) : undefined;
      if (!operation || !handler) continue;
      if (handler.content) {
        const declared = operation.requestBody as { description?: string } | undefined;
        operation.requestBody = {
          description: declared?.description,
          required: true,
          content: handler.content,
        };
        continue;
      }
      const schema = handler.schema;
      // Nest's own entry for `@Body()` (the parameter's type, no example) gives way; an `@ApiBody` stays.
      if (!schema || hasExample(operation.requestBody)) continue;
      const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', target: 'openapi-3.0' });
      const { examples, ...rest } = json as Record<string, unknown> & { examples?: unknown[] };
      operation.requestBody = {
        required: !schema.safeParse(undefined).success,
        content: {
          'application/json': { schema: rest, example: examples?.[0] ?? exampleOf(rest) },
        },
      };
    }
}

function hasExample(body: unknown): boolean {
  const content = (body as { content?: ContentObject } | undefined)?.content ?? {};
  return Object.values(content).some(
    (media) => media.example !== undefined || media.schema?.example !== undefined,
  );
}

type JsonSchema = {
  type?: string;
  enum?: unknown[];
  default?: unknown;
  examples?: unknown[];
  format?: string;
  minimum?: number;
  minItems?: number;
  minLength?: number;
  pattern?: string;
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
};

const FORMATS: Record<string, string> = {
  'date-time': '2026-12-01T08:00:00Z',
  date: '2026-12-01',
  uri: 'https://erp.example.com/hooks/gateway',
  email: 'buyer@example.com',
  uuid: '6f1c2a7e-2b1d-4c1e-9a43-0d6f5a3b9e10',
};

/** Values tried against a string's pattern: a decimal quantity, a currency, a code, a number. */
const PATTERNED = ['10', '12.5', 'EUR', 'C62', 'P100', '4500000001', 'text'];

/** A plausible value for a schema (enum and default first), so every body has an example. */
function exampleOf(schema: JsonSchema): unknown {
  if (schema.examples?.length) return schema.examples[0];
  if (schema.default !== undefined) return schema.default;
  if (schema.enum?.length) return schema.enum[0];
  const first = schema.anyOf?.[0] ?? schema.oneOf?.[0] ?? schema.allOf?.[0];
  if (first) return exampleOf(first);
  switch (schema.type) {
    case 'object':
      return Object.fromEntries(
        Object.entries(schema.properties ?? {}).map(([key, value]) => [key, exampleOf(value)]),
      );
    case 'array':
      return schema.items ? [exampleOf(schema.items)] : [];
    case 'integer':
    case 'number':
      return Math.max(schema.minimum ?? 1, 1);
    case 'boolean':
      return true;
    case 'string': {
      const formatted = schema.format && FORMATS[schema.format];
      if (formatted) return formatted;
      if (!schema.pattern) return 'text';
      const pattern = new RegExp(schema.pattern);
      return PATTERNED.find((candidate) => pattern.test(candidate)) ?? 'text';
    }
    default:
      return {};
  }
}
