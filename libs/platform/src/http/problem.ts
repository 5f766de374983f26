import { HttpException } from '@nestjs/common';
import { STATUS_CODES } from 'node:http';
import { DomainError, ErrorCode, FieldError } from '../errors/domain-error';
import { CATEGORY_HTTP, errorCodeOfStatus, problemTypeOf } from '../errors/error-table';

/** RFC 9457 problem details, plus Kefu's stable `code` and the request's correlation id. */
export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  errors?: FieldError[];
  correlationId: string;
}

export interface ProblemOutcome {
  status: number;
  body: ProblemDocument;
  headers: Record<string, string>;
  /** A bug or an outage, not the caller's fault: log it with its cause. */
  unexpected: boolean;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8';

// body-parser's error `type`s → what the caller did wrong.
const BODY_PARSER_ERRORS: Record<string, { code: ErrorCode; detail: string }> = {
  'entity.too.large': { code: 'payload_too_large', detail: 'The request body is larger than 1 MiB.' },
  'parameters.too.many': { code: 'payload_too_large', detail: 'The request has too many parameters.' },
  'entity.parse.failed': { code: 'validation_failed', detail: 'The request body is not valid JSON.' },
  'entity.verify.failed': { code: 'validation_failed', detail: 'The request body could not be verified.' },
  'request.aborted': { code: 'validation_failed', detail: 'The request was aborted.' },
  'request.size.invalid': {
    code: 'validation_failed',
    detail: 'The request body does not match its Content-Length.',
  },
  'encoding.unsupported': {
    code: 'unsupported_media_type',
    detail: 'The Content-Encoding is not supported.',
  },
  'charset.unsupported': { code: 'unsupported_media_type', detail: 'The charset is not supported.' },
};

function statusText(status: number): string {
  return STATUS_CODES[status] ?? 'Error';
}

function snake(s: string): string {
  return s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_|_$/g, '');
}

/** body-parser (and raw-body) errors carry a `type` and a 4xx status. */
export function bodyParserErrorOf(e: unknown): DomainError | undefined {
  if (typeof e !== 'object' || e === null) return undefined;
  const type = (e as { type?: unknown }).type;
  if (typeof type !== 'string') return undefined;
  const known = BODY_PARSER_ERRORS[type];
  return known ? new DomainError(known.code, known.detail) : undefined;
}

function fromDomainError(e: DomainError, correlationId: string): ProblemOutcome {
  const { status, title } = CATEGORY_HTTP[e.category];
  const unexpected = e.category === 'internal';
  const headers: Record<string, string> = {};
  const retryAfter = e.details.retryAfterSeconds;
  if (typeof retryAfter === 'number') headers['Retry-After'] = String(Math.max(0, Math.ceil(retryAfter)));
  return {
    status,
    headers,
    unexpected,
    body: {
      type: problemTypeOf(e.code),
      title,
      status,
      detail: unexpected ? internalDetail() : e.message,
      code: e.code,
      ...(e.details.errors?.length ? { errors: e.details.errors } : {}),
      correlationId,
    },
  };
}

function internalDetail(): string {
  return 'An unexpected error occurred. Quote the correlation id when reporting it.';
}

function httpExceptionDetail(e: HttpException): { detail: string; errors?: FieldError[] } {
  const r = e.getResponse();
  if (typeof r === 'string') return { detail: r };
  const message = (r as { message?: unknown }).message;
  if (Array.isArray(message)) {
    const errors = message.map((m) => ({ field: '', message: String(m) }));
    return { detail: 'The request is not valid.', errors };
  }
  return { detail: typeof message === 'string' ? message : e.message };
}

/** Maps anything thrown while serving a REST request to its problem document. Pure. */
export function problemOf(err: unknown, correlationId: string): ProblemOutcome {
  if (err instanceof DomainError) return fromDomainError(err, correlationId);
  const parsed = bodyParserErrorOf(err);
  if (parsed) return fromDomainError(parsed, correlationId);
  if (err instanceof HttpException) {
    const status = err.getStatus();
    const known = errorCodeOfStatus(status);
    const { detail, errors } = httpExceptionDetail(err);
    if (known) {
      const outcome = fromDomainError(
        new DomainError(known, detail, errors ? { errors } : {}),
        correlationId,
      );
      if (known === 'rate_limited') outcome.headers['Retry-After'] ??= '60';
      return outcome;
    }
    const unexpected = status >= 500;
    return {
      status,
      headers: {},
      unexpected,
      body: {
        type: 'about:blank',
        title: statusText(status),
        status,
        detail: unexpected ? internalDetail() : detail,
        code: snake(statusText(status)),
        ...(errors ? { errors } : {}),
        correlationId,
      },
    };
  }
  return fromDomainError(new DomainError('internal_error', 'internal'), correlationId);
}
