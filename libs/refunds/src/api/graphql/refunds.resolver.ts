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
import { TicketQueries, TicketModel, toTicketModel } from '@kefu/tickets';
import { RefundQueries } from '../../application/refund-queries';
import { RefundsService } from '../../application/refunds.service';
import { TicketRefundsLoader } from './ticket-refunds.loader';
import {
  ApproveRefundInput,
  CancelRefundInput,
  RejectRefundInput,
  RequestRefundInput,
  StartRefundReviewInput,
} from './refund.input';
import { RefundConnectionModel, RefundFilterInput, RefundModel, toRefundModel } from './refund.model';

function transactionOf(t: RequestRefundInput['transaction']) {
  return {
    id: t.id,
    amount: t.amount,
    currency: t.currency,
    ...(t.occurredAt ? { occurredAt: t.occurredAt.toISOString() } : {}),
    ...(t.merchantId ? { merchantId: t.merchantId } : {}),
  };
}

/** Refund queries and mutations. Access: customers their own, partners their channel's, staff all. */
@Resolver(() => RefundModel)
export class RefundsResolver {
  constructor(
    private readonly service: RefundsService,
    private readonly queries: RefundQueries,
    private readonly tickets: TicketQueries,
  ) {}

  @Query(() => RefundModel, {
    nullable: true,
    description: 'A refund, or null if it does not exist or is not yours.',
  })
  async refund(
    @CurrentPrincipal() p: Principal,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<RefundModel | null> {
    try {
      assertUuid(id, 'id', 'a refund id'); // an id of another shape names nothing: null too
      return toRefundModel(await this.queries.get(p, id));
    } catch (e) {
      if (isDomainError(e) && e.code === 'not_found') return null;
      throw e;
    }
  }

  @Query(() => RefundConnectionModel, { description: 'Refunds you may see, newest first.' })
  async refunds(
    @CurrentPrincipal() p: Principal,
    @Args('filter', { type: () => RefundFilterInput, nullable: true }) filter: RefundFilterInput | null,
    @Args('first', { type: () => Int, nullable: true, defaultValue: 20 }) first: number | null,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
  ): Promise<RefundConnectionModel> {
    const n = pageSize(first);
    const page = await this.queries.list(
      p,
      {
        status: orUndefined(filter?.status),
        customerId: orUndefined(filter?.customerId),
        transactionId: orUndefined(filter?.transactionId),
      },
      n,
      orUndefined(after),
    );
    return {
      edges: page.items.map((i) => ({ cursor: i.cursor, node: toRefundModel(i.node) })),
      pageInfo: pageInfoOf(page, after),
      totalCount: await page.totalCount(),
    };
  }

  @ResolveField(() => TicketModel, { nullable: true })
  async ticket(@Parent() r: RefundModel, @CurrentPrincipal() p: Principal): Promise<TicketModel | null> {
    try {
      return toTicketModel(await this.tickets.get(p, r.ticketId));
    } catch (e) {
      if (isDomainError(e) && e.code === 'not_found') return null;
      throw e;
    }
  }

  @Mutation(() => RefundModel, {
    description: 'Requests a refund; REFUND_EXCEEDS_TRANSACTION above the remaining amount.',
  })
  async requestRefund(
    @CurrentPrincipal() p: Principal,
    @Args('input') input: RequestRefundInput,
    @IdempotencyKey() idempotency: IdempotencyRequest | undefined,
  ): Promise<RefundModel> {
    if (input.ticketId) assertUuid(input.ticketId, 'ticketId', 'a ticket id');
    const r = await this.service.request(
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
        transaction: transactionOf(input.transaction),
        amount: input.amount,
        reason: input.reason,
      },
      { idempotency },
    );
    return toRefundModel(r.result);
  }

  @Mutation(() => RefundModel, { description: 'Staff take a requested refund into review.' })
  async startRefundReview(@CurrentPrincipal() p: Principal, @Args('input') input: StartRefundReviewInput) {
    assertUuid(input.refundId, 'refundId', 'a refund id');
    const r = await this.service.startReview(p, input.refundId, {
      expectedVersion: orUndefined(input.expectedVersion),
    });
    return toRefundModel(r.result);
  }

  @Mutation(() => RefundModel, {
    description:
      'Approves and hands the payout to the payments core (refund.approved). Four eyes above the threshold.',
  })
  async approveRefund(@CurrentPrincipal() p: Principal, @Args('input') input: ApproveRefundInput) {
    assertUuid(input.refundId, 'refundId', 'a refund id');
    const r = await this.service.approve(p, input.refundId, {
      expectedVersion: orUndefined(input.expectedVersion),
    });
    return toRefundModel(r.result);
  }

  @Mutation(() => RefundModel)
  async rejectRefund(@CurrentPrincipal() p: Principal, @Args('input') input: RejectRefundInput) {
    assertUuid(input.refundId, 'refundId', 'a refund id');
    const r = await this.service.reject(p, input.refundId, input.reason, {
      expectedVersion: orUndefined(input.expectedVersion),
    });
    return toRefundModel(r.result);
  }

  @Mutation(() => RefundModel)
  async cancelRefund(@CurrentPrincipal() p: Principal, @Args('input') input: CancelRefundInput) {
    assertUuid(input.refundId, 'refundId', 'a refund id');
    const r = await this.service.cancel(p, input.refundId, orUndefined(input.reason));
    return toRefundModel(r.result);
  }
}

/** Ticket.refunds: the refunds hanging off a ticket (the ticket itself was access-checked). */
@Resolver(() => TicketModel)
export class TicketRefundsResolver {
  constructor(private readonly loader: TicketRefundsLoader) {}

  @ResolveField(() => [RefundModel], { description: 'Oldest first.' })
  async refunds(@Parent() t: TicketModel, @Context() ctx: GraphqlContext): Promise<RefundModel[]> {
    return (await this.loader.for(ctx).load(t.id)).map(toRefundModel);
  }
}
