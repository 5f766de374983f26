import { ParseUUIDPipe } from '@nestjs/common';
import { ApiExtension, ApiHeader } from '@nestjs/swagger';
import { DomainError } from '../errors/domain-error';
import { RATE_LIMITED_EXTENSION } from './openapi-document';

/** The bits of Express's response controllers touch (@types/express is not a dependency). */
export interface ResponseLike {
  status(code: number): unknown;
  setHeader(name: string, value: string): unknown;
}

/** OpenAPI for the Idempotency-Key header every POST honours. */
export const ApiIdempotencyKey = (): MethodDecorator =>
  ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description:
      'Same key + same body replays the first response (with Idempotent-Replayed: true); ' +
      'a different body → 422 idempotency_key_reused; while the first is in flight → 409.',
  });

/**
 * OpenAPI: the route's responses carry `RateLimit-Policy` and `RateLimit` (a per-client limit such as
 * the survey links'); a 429 carries `Retry-After` on every route anyway.
 */
export const ApiClientRateLimit = (): MethodDecorator & ClassDecorator =>
  ApiExtension(RATE_LIMITED_EXTENSION, true);

/**
 * Sets the status of a command's response (the recorded one on a replay, unless the route has a
 * fixed one) and marks replays with `Idempotent-Replayed: true`.
 */
export function sendCommandResult(
  res: ResponseLike,
  r: { status: number; replayed: boolean },
  status = r.status,
): void {
  res.status(status);
  if (r.replayed) res.setHeader('Idempotent-Replayed', 'true');
}

/** A path id that must be a UUID: anything else is 400 validation_failed naming the parameter. */
export function uuidParam(field: string, what: string): ParseUUIDPipe {
  return new ParseUUIDPipe({
    exceptionFactory: () => DomainError.validation([{ field, message: `must be ${what} (UUID)` }]),
  });
}
