import { ErrorCategory, ErrorCode } from './domain-error';

/** Each category's HTTP status and title, once. `satisfies` keeps it exhaustive. */
export const CATEGORY_HTTP = {
  validation: { status: 400, title: 'Bad Request' },
  unauthenticated: { status: 401, title: 'Unauthorized' },
  forbidden: { status: 403, title: 'Forbidden' },
  not_found: { status: 404, title: 'Not Found' },
  conflict: { status: 409, title: 'Conflict' },
  gone: { status: 410, title: 'Gone' },
  payload_too_large: { status: 413, title: 'Payload Too Large' },
  unsupported_media_type: { status: 415, title: 'Unsupported Media Type' },
  unprocessable: { status: 422, title: 'Unprocessable Content' },
  rate_limited: { status: 429, title: 'Too Many Requests' },
  unavailable: { status: 503, title: 'Service Unavailable' },
  internal: { status: 500, title: 'Internal Server Error' },
} as const satisfies Record<ErrorCategory, { status: number; title: string }>;

/** HTTP statuses raised outside the domain (Nest, Express, body-parser) → Kefu's codes. */
const STATUS_CODE: Partial<Record<number, ErrorCode>> = {
  400: 'validation_failed',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not_found',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
  500: 'internal_error',
  503: 'service_unavailable',
};

export function errorCodeOfStatus(status: number): ErrorCode | undefined {
  return STATUS_CODE[status];
}

/** GraphQL extensions.code: the contract's names for the common ones, else the REST code upper-cased. */
const GRAPHQL_CODE_OVERRIDES: Partial<Record<ErrorCode, string>> = {
  validation_failed: 'BAD_USER_INPUT',
  internal_error: 'INTERNAL_SERVER_ERROR',
};

export function graphqlCodeOf(code: ErrorCode): string {
  return GRAPHQL_CODE_OVERRIDES[code] ?? code.toUpperCase();
}

export function problemTypeOf(code: ErrorCode): string {
  return `https://kefu.dev/problems/${code.replace(/_/g, '-')}`;
}
