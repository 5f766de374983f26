import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { RequestContext } from '../context/request-context';
import { DomainError } from '../errors/domain-error';
import { IS_PUBLIC_KEY, PRINCIPAL_KIND_KEY, ROLES_KEY, requestOf } from './auth.decorators';
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
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const targets = [ctx.getHandler(), ctx.getClass()];
    const isPublic = this.reflector.getAllAndOverride<boolean | undefined>(IS_PUBLIC_KEY, targets) === true;
    const req = requestOf(ctx);
    if (!req) return isPublic; // not HTTP or GraphQL: nothing to authenticate against

    // Subscriptions authenticate once in onConnect; GraphQL fields of one request share the result.
    let principal: Principal | undefined = req.principal;
    if (!principal) {
      try {
        principal = await this.auth.authenticate(req.headers);
      } catch (e) {
        if (!isPublic) throw e;
        principal = undefined; // bad credentials on a public route: treat as anonymous
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
}
