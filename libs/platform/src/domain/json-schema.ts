// JSON Schema (2020-12, the dialect of OpenAPI 3.1) for what Kefu publishes outside the REST DTOs:
// the webhook payloads. Plain data, so domain code can describe its own public shapes, and the
// OpenAPI document, the docs and the tests read the very same objects.

export type JsonType = 'string' | 'integer' | 'number' | 'boolean' | 'object' | 'array' | 'null';
export type JsonScalar = string | number | boolean | null;

export interface JsonSchema {
  type?: JsonType | JsonType[];
  description?: string;
  format?: string;
  enum?: readonly JsonScalar[];
  const?: JsonScalar;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  pattern?: string;
  anyOf?: JsonSchema[];
  $ref?: string;
  examples?: JsonScalar[];
}

/** Strings, optionally with a format (`uuid`, `date-time`, `uri`) and a description. */
export const str = (format?: string, description?: string): JsonSchema => ({
  type: 'string',
  ...(format ? { format } : {}),
  ...(description ? { description } : {}),
});

export const int = (description?: string, minimum?: number): JsonSchema => ({
  type: 'integer',
  ...(minimum !== undefined ? { minimum } : {}),
  ...(description ? { description } : {}),
});

export const bool = (description?: string): JsonSchema => ({
  type: 'boolean',
  ...(description ? { description } : {}),
});

export const oneOfValues = (values: readonly string[], description?: string): JsonSchema => ({
  type: 'string',
  enum: values,
  ...(description ? { description } : {}),
});

export const arrayOf = (items: JsonSchema, description?: string): JsonSchema => ({
  type: 'array',
  items,
  ...(description ? { description } : {}),
});

/** The same schema, or null. */
export function nullable(s: JsonSchema): JsonSchema {
  if (s.$ref) return { anyOf: [s, { type: 'null' }] };
  const types = Array.isArray(s.type) ? s.type : s.type ? [s.type] : [];
  return {
    ...s,
    type: [...types.filter((t) => t !== 'null'), 'null'],
    ...(s.enum ? { enum: [...s.enum.filter((v) => v !== null), null] } : {}),
  };
}

/**
 * A closed object: every property is required unless listed in `optional`, and no other property
 * may appear (so a field added to a payload without its schema fails the payload tests).
 */
export function object(
  properties: Record<string, JsonSchema>,
  opts: { optional?: string[]; description?: string } = {},
): JsonSchema {
  const optional = new Set(opts.optional ?? []);
  for (const o of optional) {
    if (!(o in properties)) throw new Error(`optional property ${o} is not a property`);
  }
  return {
    type: 'object',
    ...(opts.description ? { description: opts.description } : {}),
    properties,
    required: Object.keys(properties).filter((k) => !optional.has(k)),
    additionalProperties: false,
  };
}
