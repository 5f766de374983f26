import { Args, ID, Mutation, Resolver } from '@nestjs/graphql';
import { Module } from '@nestjs/common';
import { CurrentPrincipal, Roles } from '../auth/auth.decorators';
import { Principal, actorOf } from '../auth/principal';
import { DomainError } from '../errors/domain-error';
import { PiiVault } from './pii-vault';

/**
 * The right to erasure: destroys the customer's data keys. Events stay; their personal fields read
 * as `[erased]` everywhere (timelines, asOf, webhooks, rebuilt read models). Admins only.
 */
@Resolver()
export class ForgetCustomerResolver {
  constructor(private readonly vault: PiiVault) {}

  @Roles('admin')
  @Mutation(() => Boolean, {
    description:
      "Erases the customer's personal data: their data keys are destroyed, so every sealed field reads as [erased]. Recorded as an event. Irreversible.",
  })
  async forgetCustomer(
    @CurrentPrincipal() principal: Principal,
    @Args('customerId', { type: () => ID }) customerId: string,
  ): Promise<boolean> {
    const id = customerId.trim();
    if (!id || id.length > 200)
      throw DomainError.validation([{ field: 'customerId', message: 'must be 1-200 characters' }]);
    await this.vault.forgetNow(id, actorOf(principal));
    return true;
  }
}

/** The erasure mutation for the API (the vault itself is global: PiiModule). */
@Module({ providers: [ForgetCustomerResolver] })
export class PiiApiModule {}
