import { Query, Resolver } from '@nestjs/graphql';
import { CurrentPrincipal, UsersOnly } from '../auth/auth.decorators';
import { Principal } from '../auth/principal';
import { DomainError } from '../errors/domain-error';
import { GraphqlRole, ViewerModel } from './viewer.model';

@Resolver(() => ViewerModel)
export class MeResolver {
  /** Partners have no Role, so `me` is for token holders only (FORBIDDEN for API keys). */
  @UsersOnly()
  @Query(() => ViewerModel, { description: 'Who is calling.' })
  me(@CurrentPrincipal() principal: Principal | undefined): ViewerModel {
    if (principal?.kind !== 'user') throw DomainError.forbidden('Only users have a viewer.');
    return {
      id: principal.sub,
      role: principal.role as GraphqlRole,
      name: principal.name ?? null,
      customerId: principal.customerId ?? null,
    };
  }
}
