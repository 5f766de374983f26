import { RuleError } from '@kefu/kernel';

/**
 * The one error type the domain and the application layer throw. Its code decides its category;
 * the category decides the HTTP status and the GraphQL extensions.code (error-table.ts).
 */
export const ERROR_CODES = {
  validation_failed: 'validation',
  unauthenticated: 'unauthenticated',
  forbidden: 'forbidden',
  not_found: 'not_found',
  version_conflict: 'conflict',
  invalid_transition: 'conflict',
  dispute_already_open: 'conflict',
  survey_already_answered: 'conflict',
  idempotency_request_in_progress: 'conflict',
  survey_expired: 'gone',
  payload_too_large: 'payload_too_large',
  unsupported_media_type: 'unsupported_media_type',
  idempotency_key_reused: 'unprocessable',
  refund_window_expired: 'unprocessable',
  refund_exceeds_transaction: 'unprocessable',
  evidence_window_closed: 'unprocessable',
  rate_limited: 'rate_limited',
  service_unavailable: 'unavailable',
  internal_error: 'internal',
} as const satisfies Record<string, ErrorCategory>;

export type ErrorCategory =
  | 'validation'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'gone'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'unprocessable'
  | 'rate_limited'
  | 'unavailable'
  | 'internal';

export type ErrorCode = keyof typeof ERROR_CODES;

export interface FieldError {
  field: string;
  message: string;
}

export class DomainError extends Error {
  readonly category: ErrorCategory;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: { errors?: FieldError[]; retryAfterSeconds?: number; [k: string]: unknown } = {},
  ) {
    super(message);
    this.name = 'DomainError';
    this.category = ERROR_CODES[code];
  }

  static validation(errors: FieldError[], message = 'The request is not valid.'): DomainError {
    return new DomainError('validation_failed', message, { errors });
  }

  static notFound(what: string, id: string): DomainError {
    return new DomainError('not_found', `${what} ${id} was not found.`);
  }

  static forbidden(message = 'You are not allowed to do this.'): DomainError {
    return new DomainError('forbidden', message);
  }

  static invalidTransition(message: string): DomainError {
    return new DomainError('invalid_transition', message);
  }
}

export function isDomainError(e: unknown): e is DomainError {
  return e instanceof DomainError;
}

/**
 * A refusal thrown by a pure domain folder (the kernel's RuleError or a subclass of it) becomes a
 * DomainError when its code is in the error table: field errors and Retry-After carry over.
 * Anything else (a programming error) is returned unchanged and ends as a 500.
 */
export function fromRuleError(e: unknown): unknown {
  if (!(e instanceof RuleError)) return e;
  const r = e as RuleError<string>;
  if (!Object.prototype.hasOwnProperty.call(ERROR_CODES, r.code)) return e;
  return new DomainError(r.code as ErrorCode, r.message, {
    ...(r.errors.length ? { errors: r.errors } : {}),
    ...(r.retryAfterSeconds !== undefined ? { retryAfterSeconds: r.retryAfterSeconds } : {}),
  });
}

/** Runs a pure validation or decision, turning its rule errors into DomainErrors. */
export function translatingRules<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R {
  return (...args) => {
    try {
      return fn(...args);
    } catch (e) {
      throw fromRuleError(e);
    }
  };
}
