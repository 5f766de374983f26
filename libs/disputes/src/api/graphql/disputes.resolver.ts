import { Args, Context, ID, Int, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import {
  CurrentPrincipal,
  assertUuid,
  GraphqlContext,
  IdempotencyKey,
  IdempotencyRequest,
  Principal,
  isDomainError,
  orUndefined,
  pageInfoOf,
  pageSize,
} from '@kefu/platform';
import { RefundModel, RefundQueries, toRefundModel } from '@kefu/refunds';
import { TicketQueries, TicketModel, toTicketModel } from '@kefu/tickets';
import { DisputeQueries } from '../../application/dispute-queries';
import { DisputesService } from '../../application/disputes.service';
import { TicketDisputesLoader } from './ticket-disputes.loader';
import {
  DecideDisputeInput,
  DisputeConnectionModel,
  DisputeFilterInput,
  DisputeModel,
  OpenDisputeInput,
  SubmitDisputeEvidenceInput,
  WithdrawDisputeInput,
  toDisputeModel,
} from './dispute.model';

function orNullOnNotFound<T>(p: Promise<T>): Promise<T | null> {
  return p.catch((e: unknown) => {
    if (isDomainError(e) && e.code === 'not_found') return null;
    throw e;
  });
}

/** Dispute queries and mutations. Only senior agents and supervisors decide (the decider's rule). */
@Resolver(() => DisputeModel)
export class DisputesResolver {
  constructor(
    private readonly service: DisputesService,
    private readonly queries: DisputeQueries,
    private readonly tickets: TicketQueries,
    private readonly refunds: RefundQueries,
  ) {}

  @Query(() => DisputeModel, {
    nullable: true,
    description: 'A dispute, or null if it does not exist or is not yours.',
  })
  async dispute(@CurrentPrincipal() p: Principal, @Args('id', { type: () => ID }) id: string) {
    // An id of another shape names nothing either: null, not NOT_FOUND (the field is nullable).
    const d = await orNullOnNotFound(
      Promise.resolve().then(() => {
        assertUuid(id, 'id', 'a dispute id');
        return this.queries.get(p, id);
      }),
    );
    return d && toDisputeModel(d);
  }

  @Query(() => DisputeConnectionModel, { description: 'Disputes you may see, newest first.' })
  async disputes(
    @CurrentPrincipal() p: Principal,
    @Args('filter', { type: () => DisputeFilterInput, nullable: true }) filter: DisputeFilterInput | null,
    @Args('first', { type: () => Int, nullable: true, defaultValue: 20 }) first: number | null,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
  ): Promise<DisputeConnectionModel> {
    const page = await this.queries.list(
      p,
      {
        status: orUndefined(filter?.status),
        customerId: orUndefined(filter?.customerId),
        transactionId: orUndefined(filter?.transactionId),
      },
      pageSize(first),
      orUndefined(after),
    );
    return {
      edges: page.items.map((i) => ({ cursor: i.cursor, node: toDisputeModel(i.node) })),
      pageInfo: pageInfoOf(page, after),
      totalCount: await page.totalCount(),
    };
  }

  @ResolveField(() => TicketModel)
  async ticket(@Parent() d: DisputeModel, @CurrentPrincipal() p: Principal): Promise<TicketModel | null> {
    const t = await orNullOnNotFound(this.tickets.get(p, d.ticketId));
    return t && toTicketModel(t);
  }

  @ResolveField(() => RefundModel, { nullable: true, description: 'The refund the award created.' })
  async refund(@Parent() d: DisputeModel, @CurrentPrincipal() p: Principal): Promise<RefundModel | null> {
    if (!d.refundId) return null;
    const r = await orNullOnNotFound(this.refunds.get(p, d.refundId));
    return r && toRefundModel(r);
  }

  @Mutation(() => DisputeModel, {
    description: 'DISPUTE_ALREADY_OPEN when the transaction has an open dispute.',
  })
  async openDispute(
    @CurrentPrincipal() p: Principal,
    @Args('input') input: OpenDisputeInput,
    @IdempotencyKey() idempotency: IdempotencyRequest | undefined,
  ) {
    if (input.ticketId) assertUuid(input.ticketId, 'ticketId', 'a ticket id');
    const t = input.transaction;
    const r = await this.service.open(
      p,
      {
        ticketId: orUndefined(input.ticketId),
        customer: input.customer
          ? {
              id: input.customer.id,
              ...(input.customer.name ? { name: input.customer.name } : {}),
              ...(input.customer.email ? { email: input.customer.email } : {}),
              ...(input.customer.phone ? { phone: input.customer.phone } : {}),
            }
          : undefined,
        transaction: {
          id: t.id,
          amount: t.amount,
          currency: t.currency,
          ...(t.occurredAt ? { occurredAt: t.occurredAt.toISOString() } : {}),
          ...(t.merchantId ? { merchantId: t.merchantId } : {}),
        },
        reason: input.reason,
        claimedAmount: input.claimedAmount,
      },
      { idempotency },
    );
    return toDisputeModel(r.result);
  }

  @Mutation(() => DisputeModel, { description: "EVIDENCE_WINDOW_CLOSED after the party's deadline." })
  async submitDisputeEvidence(
    @CurrentPrincipal() p: Principal,
    @Args('input') input: SubmitDisputeEvidenceInput,
  ) {
    assertUuid(input.disputeId, 'disputeId', 'a dispute id');
    const r = await this.service.submitEvidence(p, input.disputeId, {
      party: input.party,
      kind: input.kind,
      description: input.description,
      attachments: input.attachments?.map((a) => ({
        name: a.name,
        contentType: a.contentType,
        size: a.size,
        url: a.url,
        ...(a.sha256 ? { sha256: a.sha256 } : {}),
      })),
    });
    return toDisputeModel(r.result);
  }

  @Mutation(() => DisputeModel, {
    description: 'Final. WON (or SETTLED with an amount) creates and approves the refund of the award.',
  })
  async decideDispute(
    @CurrentPrincipal() p: Principal,
    @Args('input') input: DecideDisputeInput,
    @IdempotencyKey() idempotency: IdempotencyRequest | undefined,
  ) {
    assertUuid(input.disputeId, 'disputeId', 'a dispute id');
    const r = await this.service.decide(
      p,
      input.disputeId,
      { outcome: input.outcome, awardedAmount: orUndefined(input.awardedAmount), rationale: input.rationale },
      { expectedVersion: orUndefined(input.expectedVersion), idempotency },
    );
    return toDisputeModel(r.result);
  }

  @Mutation(() => DisputeModel)
  async withdrawDispute(@CurrentPrincipal() p: Principal, @Args('input') input: WithdrawDisputeInput) {
    assertUuid(input.disputeId, 'disputeId', 'a dispute id');
    const r = await this.service.withdraw(p, input.disputeId, orUndefined(input.reason));
    return toDisputeModel(r.result);
  }
}

/** Ticket.dispute: the ticket's latest dispute (the ticket itself was access-checked). */
@Resolver(() => TicketModel)
export class TicketDisputeResolver {
  constructor(private readonly loader: TicketDisputesLoader) {}

  @ResolveField(() => DisputeModel, { nullable: true, description: "The ticket's latest dispute." })
  async dispute(@Parent() t: TicketModel, @Context() ctx: GraphqlContext): Promise<DisputeModel | null> {
    const list = await this.loader.for(ctx).load(t.id);
    const latest = list[list.length - 1];
    return latest ? toDisputeModel(latest) : null;
  }
}
