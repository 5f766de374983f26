import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { GqlContextType, GqlExecutionContext } from '@nestjs/graphql';
import { RequestContext } from '../context/request-context';
import { DomainError } from '../errors/domain-error';
import { IS_PUBLIC_KEY, PRINCIPAL_KIND_KEY, ROLES_KEY, requestOf } from './auth.decorators';
import { HttpResponse } from '../http/http-types';
import { AuthFailureLimiter } from './auth-failure-limiter';
import { AuthService } from './auth.service';
import { Principal, UserRole, actorOf } from './principal';

/**
 * The global guard (APP_GUARD): every REST handler and GraphQL root field needs a valid bearer token
 * or API key unless it is @Public(); @Roles/@PartnerOnly/@UsersOnly narrow it further (403).
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
    private readonly limiter: AuthFailureLimiter,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const targets = [ctx.getHandler(), ctx.getClass()];
    const isPublic = this.reflector.getAllAndOverride<boolean | undefined>(IS_PUBLIC_KEY, targets) === true;
    const req = requestOf(ctx);
    if (!req) return isPublic; // not HTTP or GraphQL: nothing to authenticate against

    // Subscriptions authenticate once in onConnect; GraphQL fields of one request share the result.
    let principal: Principal | undefined = req.principal;
    if (!principal) {
      const ip = req.ip ?? req.socket?.remoteAddress ?? 'unknown';
      // An IP that keeps failing is refused before its credentials are even looked at.
      if (!isPublic) await this.limited(ip, resOf(ctx));
      try {
        principal = await this.auth.authenticate(req.headers);
      } catch (e) {
        if (!isPublic) await this.failed(ip, resOf(ctx), e);
        principal = undefined; // bad credentials on a public route: treat as anonymous
      }
      if (!principal && !isPublic) {
        await this.failed(ip, resOf(ctx), new DomainError('unauthenticated', 'Authentication is required.'));
      }
      if (principal) req.principal = principal;
    }
    if (principal) RequestContext.setActor(actorOf(principal));
    if (isPublic) return true;
    if (!principal) throw new DomainError('unauthenticated', 'Authentication is required.');

    const kind = this.reflector.getAllAndOverride<'user' | 'partner' | undefined>(
      PRINCIPAL_KIND_KEY,
      targets,
    );
    if (kind && principal.kind !== kind) {
      throw DomainError.forbidden(
        kind === 'partner' ? 'Only partner API keys may do this.' : 'Only users may do this.',
      );
    }
    const roles = this.reflector.getAllAndOverride<UserRole[] | undefined>(ROLES_KEY, targets);
    if (roles && roles.length > 0 && (principal.kind !== 'user' || !roles.includes(principal.role))) {
      throw DomainError.forbidden();
    }
    return true;
  }

  /** Counts a 401 against the IP (with RateLimit headers) and throws it. */
  private async failed(ip: string, res: HttpResponse | undefined, e: unknown): Promise<never> {
    // Only the caller's own bad credentials count (an unreachable identity provider is not one).
    const state = isUnauthenticated(e) ? await this.limiter.recordFailure(ip) : undefined;
    if (state && res && !res.headersSent) {
      for (const [k, v] of Object.entries(this.limiter.headersOf(state))) res.setHeader(k, v);
    }
    throw e;
  }

  private async limited(ip: string, res: HttpResponse | undefined): Promise<void> {
    if (!this.limiter.enabled) return;
    try {
      await this.limiter.assertAllowed(ip);
    } catch (e) {
      const state = await this.limiter.state(ip);
      if (state && res && !res.headersSent) {
        for (const [k, v] of Object.entries(this.limiter.headersOf(state))) res.setHeader(k, v);
        // GraphQL answers 200 with errors: the header still tells clients when to come back.
        res.setHeader('Retry-After', String(state.resetSeconds));
      }
      throw e;
    }
  }
}

function isUnauthenticated(e: unknown): boolean {
  return e instanceof DomainError && e.code === 'unauthenticated';
}

/** The HTTP response (REST, or GraphQL over HTTP); none for WebSocket subscriptions. */
function resOf(ctx: ExecutionContext): HttpResponse | undefined {
  if (ctx.getType<GqlContextType>() === 'graphql') {
    return GqlExecutionContext.create(ctx).getContext<{ res?: HttpResponse }>().res;
  }
  if (ctx.getType() === 'http') return ctx.switchToHttp().getResponse<HttpResponse>();
  return undefined;
}
