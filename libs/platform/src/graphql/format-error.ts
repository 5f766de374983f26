import { HttpException, Logger } from '@nestjs/common';
import type { GraphQLFormattedError } from 'graphql';
import { GraphQLError } from 'graphql';
import { RequestContext } from '../context/request-context';
import { DomainError, ERROR_CODES, FieldError } from '../errors/domain-error';
import { errorCodeOfStatus, graphqlCodeOf } from '../errors/error-table';

export const QUERY_TOO_COMPLEX = 'QUERY_TOO_COMPLEX';

/** Codes whose messages are written for the client (Apollo's request errors and the limits). */
const CLIENT_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  QUERY_TOO_COMPLEX,
]);

const logger = new Logger('GraphQLErrors');
const VARIABLE_ERROR_LIMIT = /^Too many errors processing variables/;

/** The innermost error: resolvers' errors are wrapped by graphql-js, validation errors by Apollo. */
function rootCause(error: unknown): unknown {
  let e = error;
  for (let i = 0; i < 5 && e instanceof GraphQLError && e.originalError; i++) e = e.originalError;
  return e;
}

function codeOf(e: GraphQLError | GraphQLFormattedError): string | undefined {
  const code = e.extensions?.code;
  return typeof code === 'string' ? code : undefined;
}

function withoutStack(formatted: GraphQLFormattedError): Record<string, unknown> {
  const { stacktrace: _stacktrace, ...rest } = formatted.extensions ?? {};
  return rest;
}

function base(
  formatted: GraphQLFormattedError,
  message: string,
  extensions: Record<string, unknown>,
): GraphQLFormattedError {
  return {
    message,
    ...(formatted.locations ? { locations: formatted.locations } : {}),
    ...(formatted.path ? { path: formatted.path } : {}),
    extensions,
  };
}

const VARIABLE_ERROR = /^Variable "\$(\w+)" got invalid value /;
const FIELD_OF_INPUT = /^Field "(\w+)" (of required type .* was not provided|is not defined by type .*)\.?/;

/**
 * graphql-js reports each bad or missing field of a variable as its own error (all of them, up to
 * 50); this gives each the field list REST and the domain's BAD_USER_INPUT carry
 * (`extensions.errors: [{field, message}]`, paths as `customer.id`, `tags.0`).
 */
export function variableFieldError(message: string): FieldError | undefined {
  const v = VARIABLE_ERROR.exec(message);
  if (!v) return undefined;
  const at = [...message.matchAll(/ at "([^"]+)"; /g)].pop();
  const reason = at ? message.slice(at.index + at[0].length) : message.slice(message.indexOf('; ') + 2);
  const path = at
    ? at[1]
        .slice(v[1].length)
        .replace(/\[(\d+)\]/g, '.$1')
        .replace(/^\./, '')
    : '';
  const field = FIELD_OF_INPUT.exec(reason);
  if (field) {
    return {
      field: path ? `${path}.${field[1]}` : field[1],
      message: field[2].startsWith('of required') ? 'is required' : 'is not a field of this input',
    };
  }
  return { field: path || v[1], message: reason };
}

/**
 * Apollo's formatError: DomainErrors get the contract's extensions.code (plus the field list for
 * validation), Apollo's own request errors keep theirs, everything else is an INTERNAL_SERVER_ERROR
 * that is logged with its cause and answered with the correlation id. Never a stack trace.
 */
export function formatGraphqlError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const cause = rootCause(error);
  if (cause instanceof DomainError && cause.category !== 'internal') {
    const extensions: Record<string, unknown> = { code: graphqlCodeOf(cause.code) };
    if (cause.details.errors?.length) extensions.errors = cause.details.errors;
    if (typeof cause.details.retryAfterSeconds === 'number')
      extensions.retryAfterSeconds = cause.details.retryAfterSeconds;
    return base(formatted, cause.message, extensions);
  }
  // Nest's HttpExceptions (pipes, guards) map like the REST problem documents do.
  if (cause instanceof HttpException) {
    const known = errorCodeOfStatus(cause.getStatus());
    if (known && ERROR_CODES[known] !== 'internal') {
      return base(formatted, cause.message, { code: graphqlCodeOf(known) });
    }
  }
  // The limits' own code survives Apollo's GRAPHQL_VALIDATION_FAILED wrapping of validation rules.
  const limit = cause instanceof GraphQLError && codeOf(cause) === QUERY_TOO_COMPLEX ? cause : undefined;
  if (limit) return base(formatted, limit.message, { ...withoutStack(formatted), code: QUERY_TOO_COMPLEX });
  // graphql-js stops coercing variables after 50 errors with a plain GraphQLError that Apollo does
  // not mark BAD_USER_INPUT (e.g. 5000 bad enum values in a list): still the client's input.
  if (cause instanceof GraphQLError && !cause.originalError && VARIABLE_ERROR_LIMIT.test(cause.message))
    return base(formatted, cause.message, { code: 'BAD_USER_INPUT' });
  const code = codeOf(formatted);
  const fieldError = code === 'BAD_USER_INPUT' ? variableFieldError(formatted.message) : undefined;
  if (fieldError)
    return base(formatted, formatted.message, { ...withoutStack(formatted), errors: [fieldError] });
  if (code && CLIENT_CODES.has(code)) return base(formatted, formatted.message, withoutStack(formatted));
  const correlationId = RequestContext.correlationId();
  logger.error({ err: cause, correlationId, path: formatted.path }, 'GraphQL operation failed unexpectedly');
  return base(formatted, 'Internal server error', { code: 'INTERNAL_SERVER_ERROR', correlationId });
}
