import { ExecutionContext, createParamDecorator } from '@nestjs/common';
import { GqlContextType, GqlExecutionContext } from '@nestjs/graphql';
import { GraphQLResolveInfo } from 'graphql';
import { idempotencyScopeOf } from '../auth/principal';
import { DomainError } from '../errors/domain-error';
import { HttpRequest } from '../http/http-types';
import { IDEMPOTENCY_KEY_PATTERN, IdempotencyRequest, canonicalJson, fingerprintOf } from './idempotency';

export const IDEMPOTENCY_HEADER = 'idempotency-key';

function headerValue(req: HttpRequest): string | undefined {
  const v = req.headers[IDEMPOTENCY_HEADER];
  return Array.isArray(v) ? v[0] : v;
}

function scopeOf(req: HttpRequest): string {
  // Public routes (survey links) have no caller identity: scope by client address instead.
  return req.principal
    ? idempotencyScopeOf(req.principal)
    : `anonymous:${req.ip ?? req.socket.remoteAddress ?? ''}`;
}

/**
 * Builds the IdempotencyRequest of a call from its Idempotency-Key header, for
 * CommandRunner.handle/transaction({ idempotency }). The fingerprint covers the method, the route
 * pattern with its parameters (the same key on another ticket is another request) and the body.
 */
export function idempotencyRequestOf(ctx: ExecutionContext): IdempotencyRequest | undefined {
  let req: HttpRequest | undefined;
  let route: string;
  let body: unknown;
  if (ctx.getType<GqlContextType>() === 'graphql') {
    const gql = GqlExecutionContext.create(ctx);
    req = gql.getContext<{ req?: HttpRequest }>().req;
    const info = gql.getInfo<GraphQLResolveInfo>();
    route = `graphql ${info.parentType.name}.${info.fieldName}`;
    body = gql.getArgs();
  } else {
    req = ctx.switchToHttp().getRequest<HttpRequest>();
    route = `${req.route?.path ?? req.originalUrl ?? req.url ?? ''} ${canonicalJson(req.params ?? {})}`;
    body = req.body ?? null;
  }
  if (!req) return undefined;
  const key = headerValue(req);
  if (key === undefined) return undefined;
  if (!IDEMPOTENCY_KEY_PATTERN.test(key)) {
    throw DomainError.validation([
      {
        field: 'Idempotency-Key',
        message: 'must be 1 to 255 visible ASCII characters (a UUID is a good choice)',
      },
    ]);
  }
  const method = ctx.getType<GqlContextType>() === 'graphql' ? 'POST' : (req.method ?? 'POST');
  return { scope: scopeOf(req), key, fingerprint: fingerprintOf(method, route, body) };
}

/** `@IdempotencyKey() idem: IdempotencyRequest | undefined` — undefined when no header was sent. */
export const IdempotencyKey = createParamDecorator((_: unknown, ctx: ExecutionContext) =>
  idempotencyRequestOf(ctx),
);
