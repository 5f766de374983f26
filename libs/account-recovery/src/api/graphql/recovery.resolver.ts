import { Args, ID, Int, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import {
  CurrentPrincipal,
  Principal,
  isDomainError,
  orUndefined,
  pageInfoOf,
  pageSize,
} from '@kefu/platform';
import { TicketQueries, TicketModel, toTicketModel } from '@kefu/tickets';
import { PresentedRecoveryCase, RecoveryPresenter } from '../../application/recovery-presenter';
import { RecoveryQueries } from '../../application/recovery-queries';
import { RecoveryService } from '../../application/recovery.service';
import { RecoveryCaseView } from '../../application/recovery-view';
import {
  CloseRecoveryCaseInput,
  GqlRecoveryKind,
  GqlRecoveryStatus,
  OpenRecoveryCaseInput,
  RecoveryCaseConnectionModel,
  RecoveryCaseFilterInput,
  RecoveryCaseModel,
  RejectRecoveryCaseInput,
  RestoreAccountInput,
  ReviewIdentityVerificationInput,
  SubmitIdentityVerificationInput,
} from './recovery.model';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function toRecoveryCaseModel(p: PresentedRecoveryCase): RecoveryCaseModel {
  return {
    id: p.id,
    ticketId: p.ticketId,
    kind: p.kind as GqlRecoveryKind,
    status: p.status as GqlRecoveryStatus,
    customer: {
      id: p.customer.id,
      name: p.customer.name ?? null,
      email: p.customer.email ?? null,
      phone: p.customer.phone ?? null,
    },
    accountFrozen: p.accountFrozen,
    failedVerifications: p.failedVerifications,
    lockedUntil: p.lockedUntil ? new Date(p.lockedUntil) : null,
    verifications: p.verifications.map((v) => ({
      submittedAt: new Date(v.submittedAt),
      fullName: v.fullName,
      documentType: v.documentType,
      documentNumberLast4: v.documentNumberLast4,
      outcome: v.outcome,
      reviewedAt: v.reviewedAt ? new Date(v.reviewedAt) : null,
    })),
    createdAt: new Date(p.createdAt),
    updatedAt: new Date(p.updatedAt),
    version: p.version,
  };
}

const pinned = (i: { expectedVersion?: number | null }) => ({
  expectedVersion: orUndefined(i.expectedVersion),
});

/** Account recovery for frontends: customers their own cases, staff all; reviewers verify and restore. */
@Resolver(() => RecoveryCaseModel)
export class RecoveryResolver {
  constructor(
    private readonly recovery: RecoveryService,
    private readonly queries: RecoveryQueries,
    private readonly presenter: RecoveryPresenter,
    private readonly tickets: TicketQueries,
  ) {}

  private async model(p: Principal, v: RecoveryCaseView): Promise<RecoveryCaseModel> {
    return toRecoveryCaseModel(await this.presenter.present(p, v));
  }

  @Query(() => RecoveryCaseModel, {
    nullable: true,
    description: 'A recovery case, or null if absent or not yours.',
  })
  async recoveryCase(
    @CurrentPrincipal() principal: Principal,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<RecoveryCaseModel | null> {
    if (!UUID.test(id)) return null;
    try {
      return await this.model(principal, await this.queries.get(principal, id));
    } catch (e) {
      if (isDomainError(e) && e.code === 'not_found') return null;
      throw e;
    }
  }

  @Query(() => RecoveryCaseConnectionModel, { description: 'Recovery cases you may see, newest first.' })
  async recoveryCases(
    @CurrentPrincipal() principal: Principal,
    @Args('filter', { type: () => RecoveryCaseFilterInput, nullable: true })
    filter: RecoveryCaseFilterInput | null,
    @Args('first', { type: () => Int, nullable: true, defaultValue: 20 }) first: number | null,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
  ): Promise<RecoveryCaseConnectionModel> {
    const page = await this.queries.list(
      principal,
      {
        status: orUndefined(filter?.status),
        kind: orUndefined(filter?.kind),
        customerId: orUndefined(filter?.customerId),
      },
      pageSize(first),
      orUndefined(after),
    );
    const nodes = await this.presenter.presentAll(
      principal,
      page.items.map((i) => i.node),
    );
    return {
      edges: page.items.map((i, n) => ({ cursor: i.cursor, node: toRecoveryCaseModel(nodes[n]) })),
      pageInfo: pageInfoOf(page, after),
      count: page.totalCount,
    };
  }

  @ResolveField(() => TicketModel)
  async ticket(
    @Parent() c: RecoveryCaseModel,
    @CurrentPrincipal() principal: Principal,
  ): Promise<TicketModel> {
    return toTicketModel(await this.tickets.get(principal, c.ticketId));
  }

  @Mutation(() => RecoveryCaseModel, {
    description: 'Opens a case and its ticket. STOLEN freezes the account in the same transaction.',
  })
  async openRecoveryCase(
    @CurrentPrincipal() principal: Principal,
    @Args('input') input: OpenRecoveryCaseInput,
  ): Promise<RecoveryCaseModel> {
    const c = input.customer;
    const r = await this.recovery.open(principal, {
      kind: input.kind,
      description: input.description,
      language: orUndefined(input.language),
      ticketId: orUndefined(input.ticketId),
      customer: c
        ? {
            id: c.id,
            ...(c.name ? { name: c.name } : {}),
            ...(c.email ? { email: c.email } : {}),
            ...(c.phone ? { phone: c.phone } : {}),
          }
        : undefined,
    });
    return this.model(principal, r.result);
  }

  @Mutation(() => RecoveryCaseModel)
  async submitIdentityVerification(
    @CurrentPrincipal() principal: Principal,
    @Args('input') input: SubmitIdentityVerificationInput,
  ): Promise<RecoveryCaseModel> {
    const r = await this.recovery.submitVerification(principal, input.caseId, {
      fullName: input.fullName,
      documentType: input.documentType,
      documentNumber: input.documentNumber,
      ...(input.phone ? { phone: input.phone } : {}),
      ...(input.email ? { email: input.email } : {}),
    });
    return this.model(principal, r.result);
  }

  @Mutation(() => RecoveryCaseModel, { description: 'Senior agents and supervisors only.' })
  async reviewIdentityVerification(
    @CurrentPrincipal() principal: Principal,
    @Args('input') input: ReviewIdentityVerificationInput,
  ): Promise<RecoveryCaseModel> {
    const r = await this.recovery.review(
      principal,
      input.caseId,
      { approved: input.approved, ...(input.reason ? { reason: input.reason } : {}) },
      pinned(input),
    );
    return this.model(principal, r.result);
  }

  @Mutation(() => RecoveryCaseModel, {
    description:
      'Senior agents and supervisors only. The wallet core unfreezes and requires a credential reset.',
  })
  async restoreAccount(
    @CurrentPrincipal() principal: Principal,
    @Args('input') input: RestoreAccountInput,
  ): Promise<RecoveryCaseModel> {
    return this.model(
      principal,
      (await this.recovery.restore(principal, input.caseId, pinned(input))).result,
    );
  }

  @Mutation(() => RecoveryCaseModel, { description: 'Senior agents and supervisors only; a freeze stays.' })
  async rejectRecoveryCase(
    @CurrentPrincipal() principal: Principal,
    @Args('input') input: RejectRecoveryCaseInput,
  ): Promise<RecoveryCaseModel> {
    const r = await this.recovery.reject(principal, input.caseId, input.reason, pinned(input));
    return this.model(principal, r.result);
  }

  @Mutation(() => RecoveryCaseModel, { description: 'Closes a restored case (staff).' })
  async closeRecoveryCase(
    @CurrentPrincipal() principal: Principal,
    @Args('input') input: CloseRecoveryCaseInput,
  ): Promise<RecoveryCaseModel> {
    return this.model(principal, (await this.recovery.close(principal, input.caseId, pinned(input))).result);
  }
}

@Resolver(() => RecoveryCaseConnectionModel)
export class RecoveryCaseConnectionResolver {
  @ResolveField(() => Int)
  totalCount(@Parent() c: RecoveryCaseConnectionModel): Promise<number> {
    return c.count();
  }
}

/** Ticket.recoveryCase: the case a ticket was opened for, if the caller may see it. */
@Resolver(() => TicketModel)
export class TicketRecoveryCaseResolver {
  constructor(
    private readonly queries: RecoveryQueries,
    private readonly presenter: RecoveryPresenter,
  ) {}

  @ResolveField(() => RecoveryCaseModel, { nullable: true })
  async recoveryCase(
    @Parent() ticket: TicketModel,
    @CurrentPrincipal() principal: Principal,
  ): Promise<RecoveryCaseModel | null> {
    const v = await this.queries.byTicket(principal, ticket.id);
    return v ? toRecoveryCaseModel(await this.presenter.present(principal, v)) : null;
  }
}
