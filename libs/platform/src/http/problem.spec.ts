import { BadRequestException, ForbiddenException, HttpException, NotFoundException } from '@nestjs/common';
import { DomainError, ERROR_CODES, ErrorCode } from '../errors/domain-error';
import { CATEGORY_HTTP, graphqlCodeOf, problemTypeOf } from '../errors/error-table';
import { problemOf } from './problem';

const API_MD_STATUSES: Partial<Record<ErrorCode, number>> = {
  validation_failed: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  version_conflict: 409,
  invalid_transition: 409,
  dispute_already_open: 409,
  survey_already_answered: 409,
  survey_expired: 410,
  payload_too_large: 413,
  idempotency_key_reused: 422,
  refund_window_expired: 422,
  refund_exceeds_transaction: 422,
  rate_limited: 429,
};

describe('error mapping table', () => {
  const codes = Object.keys(ERROR_CODES) as ErrorCode[];

  it('gives every code an HTTP status, a title, a problem type and a GraphQL code', () => {
    for (const code of codes) {
      const http = CATEGORY_HTTP[ERROR_CODES[code]];
      expect(http.status).toBeGreaterThanOrEqual(400);
      expect(http.title).toBeTruthy();
      expect(problemTypeOf(code)).toMatch(/^https:\/\/kefu\.dev\/problems\/[a-z-]+$/);
      expect(graphqlCodeOf(code)).toMatch(/^[A-Z_]+$/);
    }
  });

  it('matches the statuses API.md promises', () => {
    for (const [code, status] of Object.entries(API_MD_STATUSES)) {
      expect([code, problemOf(new DomainError(code as ErrorCode, 'x'), 'c').status]).toEqual([code, status]);
    }
  });

  it('uses the contract GraphQL names for the common codes', () => {
    expect(graphqlCodeOf('validation_failed')).toBe('BAD_USER_INPUT');
    expect(graphqlCodeOf('unauthenticated')).toBe('UNAUTHENTICATED');
    expect(graphqlCodeOf('version_conflict')).toBe('VERSION_CONFLICT');
    expect(graphqlCodeOf('internal_error')).toBe('INTERNAL_SERVER_ERROR');
  });
});

describe('problemOf', () => {
  it('renders a DomainError with its field errors and Retry-After', () => {
    const p = problemOf(
      DomainError.validation([{ field: 'customer.id', message: 'must be a string' }]),
      'corr-1',
    );
    expect(p).toEqual({
      status: 400,
      headers: {},
      unexpected: false,
      body: {
        type: 'https://kefu.dev/problems/validation-failed',
        title: 'Bad Request',
        status: 400,
        detail: 'The request is not valid.',
        code: 'validation_failed',
        errors: [{ field: 'customer.id', message: 'must be a string' }],
        correlationId: 'corr-1',
      },
    });
    const busy = problemOf(
      new DomainError('idempotency_request_in_progress', 'busy', { retryAfterSeconds: 1 }),
      'c',
    );
    expect(busy.status).toBe(409);
    expect(busy.headers['Retry-After']).toBe('1');
  });

  it('maps body-parser failures', () => {
    expect(problemOf({ type: 'entity.too.large', status: 413 }, 'c').body.code).toBe('payload_too_large');
    expect(problemOf({ type: 'entity.parse.failed', status: 400 }, 'c').body).toMatchObject({
      status: 400,
      code: 'validation_failed',
      detail: 'The request body is not valid JSON.',
    });
    expect(problemOf({ type: 'charset.unsupported', status: 415 }, 'c').status).toBe(415);
  });

  it("maps Nest's HTTP exceptions", () => {
    expect(problemOf(new NotFoundException('Cannot GET /x'), 'c').body).toMatchObject({
      status: 404,
      code: 'not_found',
    });
    expect(problemOf(new ForbiddenException(), 'c').body).toMatchObject({ status: 403, code: 'forbidden' });
    const tooMany = problemOf(new HttpException('slow down', 429), 'c');
    expect(tooMany.body.code).toBe('rate_limited');
    expect(tooMany.headers['Retry-After']).toBeDefined();
    expect(problemOf(new BadRequestException(['a is bad']), 'c').body.errors).toEqual([
      { field: '', message: 'a is bad' },
    ]);
    expect(problemOf(new HttpException('nope', 405), 'c').body).toMatchObject({
      status: 405,
      code: 'method_not_allowed',
    });
  });

  it('hides unknown errors behind the correlation id', () => {
    const p = problemOf(new Error('password=hunter2 at db.ts:12'), 'corr-9');
    expect(p.unexpected).toBe(true);
    expect(p.status).toBe(500);
    expect(JSON.stringify(p.body)).not.toContain('hunter2');
    expect(p.body).toMatchObject({ code: 'internal_error', correlationId: 'corr-9' });
  });
});
