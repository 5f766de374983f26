import { ExecutionContext, SetMetadata, createParamDecorator } from '@nestjs/common';
import { GqlContextType, GqlExecutionContext } from '@nestjs/graphql';
import { HttpRequest } from '../http/http-types';
import { Principal, UserRole } from './principal';

export const IS_PUBLIC_KEY = 'kefu:public';
export const ROLES_KEY = 'kefu:roles';
export const PRINCIPAL_KIND_KEY = 'kefu:principal-kind';

/** No credentials needed (health, metrics, survey links). Credentials sent anyway are still read. */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC_KEY, true);

/** Only users with one of these roles; partners are refused (403). */
export const Roles = (...roles: UserRole[]): MethodDecorator & ClassDecorator =>
  SetMetadata(ROLES_KEY, roles);

/** Only partner channels (API keys). */
export const PartnerOnly = (): MethodDecorator & ClassDecorator => SetMetadata(PRINCIPAL_KIND_KEY, 'partner');

/** Only frontend users (bearer tokens). */
export const UsersOnly = (): MethodDecorator & ClassDecorator => SetMetadata(PRINCIPAL_KIND_KEY, 'user');

/** The request behind an HTTP handler or a GraphQL resolver (for subscriptions, the upgrade request). */
export function requestOf(ctx: ExecutionContext): HttpRequest | undefined {
  if (ctx.getType<GqlContextType>() === 'graphql') {
    return GqlExecutionContext.create(ctx).getContext<{ req?: HttpRequest }>().req;
  }
  if (ctx.getType() === 'http') return ctx.switchToHttp().getRequest<HttpRequest>();
  return undefined;
}

/**
 * The caller, in controllers and resolvers alike. Always set on non-public handlers (the AuthGuard
 * refuses requests without one); undefined on a @Public() handler called without credentials.
 */
export const CurrentPrincipal = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): Principal | undefined => requestOf(ctx)?.principal,
);
