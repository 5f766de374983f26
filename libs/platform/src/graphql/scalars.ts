import { GraphQLError, GraphQLScalarType, Kind, ValueNode } from 'graphql';

// ISO 8601 with a date, a time and an explicit offset (Z or ±hh:mm); fractions of a second allowed.
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/i;

export function parseDateTime(value: unknown): Date {
  if (typeof value !== 'string' || !ISO_DATE_TIME.test(value)) {
    throw new GraphQLError(
      'DateTime must be an ISO 8601 string with a time zone, e.g. 2025-01-31T12:00:00Z.',
    );
  }
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) throw new GraphQLError(`DateTime ${value} is not a valid instant.`);
  return d;
}

export function serializeDateTime(value: unknown): string {
  const d =
    value instanceof Date
      ? value
      : typeof value === 'string' || typeof value === 'number'
        ? new Date(value)
        : undefined;
  if (!d || Number.isNaN(d.getTime())) throw new GraphQLError('DateTime cannot represent this value.');
  return d.toISOString();
}

/** `DateTime`: an instant, ISO 8601 in UTC on the way out; `Date` fields in code-first models map to it. */
export const DateTimeScalar = new GraphQLScalarType<Date, string>({
  name: 'DateTime',
  description: 'An instant as an ISO 8601 string, always in UTC on output (2025-01-31T12:00:00.000Z).',
  serialize: serializeDateTime,
  parseValue: parseDateTime,
  parseLiteral: (ast) => {
    if (ast.kind !== Kind.STRING) throw new GraphQLError('DateTime must be a string.', { nodes: ast });
    return parseDateTime(ast.value);
  },
});

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

function literalToJson(ast: ValueNode, variables: Record<string, unknown> | null | undefined): unknown {
  switch (ast.kind) {
    case Kind.STRING:
    case Kind.BOOLEAN:
    case Kind.ENUM:
      return ast.value;
    case Kind.INT:
    case Kind.FLOAT:
      return Number(ast.value);
    case Kind.NULL:
      return null;
    case Kind.LIST:
      return ast.values.map((v) => literalToJson(v, variables));
    case Kind.OBJECT:
      return Object.fromEntries(ast.fields.map((f) => [f.name.value, literalToJson(f.value, variables)]));
    case Kind.VARIABLE:
      return variables?.[ast.name.value];
  }
}

/** `JSON`: any JSON value (event payloads in timelines). */
export const JSONScalar = new GraphQLScalarType<unknown, unknown>({
  name: 'JSON',
  description: 'Any JSON value.',
  serialize: (v) => v,
  parseValue: (v) => v,
  parseLiteral: (ast, variables) => literalToJson(ast, variables),
});
