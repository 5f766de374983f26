// @nestjs/swagger writes OpenAPI 3.0 schemas (`nullable: true`). Kefu serves OpenAPI 3.1, whose
// schemas are JSON Schema 2020-12: that is what lets the document carry `webhooks` and lets any
// JSON Schema validator check payloads against it. This rewrites the 3.0-only keywords, once, when
// the document is built (ADR 0011).

export type JsonObject = Record<string, unknown>;

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A 3.0 schema object with `nullable` → its 3.1 equivalent (a `null` type, or anyOf with null). */
function nullableTo31(schema: JsonObject): JsonObject {
  const { nullable, ...rest } = schema;
  if (nullable !== true) return rest;
  const { allOf, $ref, type, ...outer } = rest;
  // `{nullable, allOf: [{$ref}]}` (how Nest writes a nullable nested DTO) or a bare $ref.
  if (Array.isArray(allOf) || typeof $ref === 'string') {
    const inner: JsonObject =
      typeof $ref === 'string'
        ? { $ref }
        : Array.isArray(allOf) && allOf.length === 1 && isObject(allOf[0])
          ? allOf[0]
          : { allOf };
    return { ...outer, anyOf: [inner, { type: 'null' }] };
  }
  const types: unknown[] = Array.isArray(type) ? (type as unknown[]) : typeof type === 'string' ? [type] : [];
  const out: JsonObject = { ...outer, type: [...types, 'null'] };
  if (Array.isArray(rest.enum) && !rest.enum.includes(null)) out.enum = [...(rest.enum as unknown[]), null];
  return out;
}

/** Deep copy of `node` with every schema's `nullable` rewritten. */
function rewrite(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(rewrite);
  if (!isObject(node)) return node;
  // A boolean `nullable` marks a schema (a property *named* nullable would hold an object).
  const base = typeof node.nullable === 'boolean' ? nullableTo31(node) : node;
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(base)) out[k] = rewrite(v);
  return out;
}

/** The 3.0 document Nest builds → an OpenAPI 3.1.0 document (a new object). */
export function toOpenApi31(doc: JsonObject): JsonObject {
  const out = rewrite(doc) as JsonObject;
  out.openapi = '3.1.0';
  return out;
}
