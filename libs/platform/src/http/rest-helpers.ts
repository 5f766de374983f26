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

/**
 * A path id. Ids are opaque to clients (API.md): one that is not of the shape Kefu issues (UUIDs)
 * names nothing, so it is 404 not_found like any unknown id, never 400 — and never reaches SQL.
 */
export function uuidParam(field: string, what: string): ParseUUIDPipe {
  return new ParseUUIDPipe({ exceptionFactory: () => unknownId(field, what) });
}

/** The not_found of an id that names nothing; the id itself is not echoed (it may be 5000 bytes of junk). */
export function unknownId(field: string, what: string): DomainError {
  return new DomainError('not_found', `No ${what.replace(/^an? /, '').replace(/ id$/, '')} has this id.`, {
    field,
  });
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids are opaque: one not of the shape Kefu issues (UUID) names nothing — not_found, never SQL. */
export function assertUuid(id: string, field: string, what: string): void {
  if (!UUID.test(id)) throw unknownId(field, what);
}
