import { Args, Int, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import {
  CurrentPrincipal,
  DomainError,
  IdempotencyKey,
  IdempotencyRequest,
  Principal,
  Roles,
  UsersOnly,
  isDomainError,
  orUndefined,
  pageSize,
} from '@kefu/platform';
import { AgentModel, AgentQueries, toAgentModel } from '@kefu/agents';
import { TicketQueries, TicketModel, toTicketModel } from '@kefu/tickets';
import { FeedbackService } from '../../application/feedback.service';
import { SatisfactionQueries } from '../../application/satisfaction.queries';
import { FeedbackFilterInput, SubmitFeedbackInput } from './feedback.inputs';
import {
  FeedbackConnectionModel,
  FeedbackModel,
  GqlSatisfactionGroup,
  SatisfactionStatModel,
  toFeedbackModel,
} from './feedback.models';

/** Feedback about an agent names one that exists (NOT_FOUND otherwise, like any unknown id). */
export async function assertKnownAgent(
  agents: AgentQueries,
  agentId: string | null | undefined,
): Promise<void> {
  if (agentId && !(await agents.byIds([agentId])).has(agentId)) throw DomainError.notFound('Agent', agentId);
}

/** Free feedback (customers, or staff for a ticket's customer) and the supervisors' views of it. */
@Resolver(() => FeedbackModel)
export class FeedbackResolver {
  constructor(
    private readonly feedback: FeedbackService,
    private readonly satisfactionQueries: SatisfactionQueries,
    private readonly tickets: TicketQueries,
    private readonly agents: AgentQueries,
  ) {}

  @UsersOnly()
  @Mutation(() => FeedbackModel, {
    description:
      'A suggestion, praise or complaint. A complaint about an agent goes to a supervisor (its ticket, or a new complaint ticket, is escalated to L3).',
  })
  async submitFeedback(
    @CurrentPrincipal() principal: Principal,
    @Args('input') input: SubmitFeedbackInput,
    @IdempotencyKey() idempotency: IdempotencyRequest | undefined,
  ): Promise<FeedbackModel> {
    await assertKnownAgent(this.agents, input.agentId);
    const r = await this.feedback.submit(
      principal,
      {
        kind: input.kind,
        body: input.body,
        ticketId: orUndefined(input.ticketId),
        agentId: orUndefined(input.agentId),
      },
      { idempotency },
    );
    return toFeedbackModel(r.result);
  }

  @Roles('supervisor', 'admin')
  @Query(() => FeedbackConnectionModel, {
    name: 'feedback',
    description: 'Free feedback, newest first (supervisors).',
  })
  async feedbackList(
    @Args('filter', { type: () => FeedbackFilterInput, nullable: true }) filter: FeedbackFilterInput | null,
    @Args('first', { type: () => Int, nullable: true, defaultValue: 20 }) first: number | null,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
  ): Promise<FeedbackConnectionModel> {
    const n = pageSize(first);
    const page = await this.feedback.list(
      {
        kind: orUndefined(filter?.kind),
        agentId: orUndefined(filter?.agentId),
        ticketId: orUndefined(filter?.ticketId),
      },
      n,
      orUndefined(after),
    );
    const edges = page.items.map((f) => ({ cursor: f.id, node: toFeedbackModel(f) }));
    return {
      edges,
      pageInfo: {
        hasNextPage: page.hasNextPage,
        hasPreviousPage: !!after,
        startCursor: edges[0]?.cursor ?? null,
        endCursor: edges[edges.length - 1]?.cursor ?? null,
      },
      totalCount: page.totalCount,
    };
  }

  @Roles('supervisor', 'admin')
  @Query(() => [SatisfactionStatModel], {
    description:
      'Survey answers per agent (assigned when the ticket was solved), team (tier), category or channel. Free feedback does not count.',
  })
  async satisfaction(
    @Args('groupBy', { type: () => GqlSatisfactionGroup }) groupBy: GqlSatisfactionGroup,
    @Args('from', { type: () => Date, nullable: true }) from: Date | null,
    @Args('to', { type: () => Date, nullable: true }) to: Date | null,
  ): Promise<SatisfactionStatModel[]> {
    if (from && to && from >= to)
      throw DomainError.validation([{ field: 'to', message: 'must be after from' }]);
    return this.satisfactionQueries.stats(groupBy, orUndefined(from), orUndefined(to));
  }

  @ResolveField(() => TicketModel, { nullable: true })
  async ticket(
    @Parent() f: FeedbackModel,
    @CurrentPrincipal() principal: Principal,
  ): Promise<TicketModel | null> {
    if (!f.ticketId) return null;
    try {
      return toTicketModel(await this.tickets.get(principal, f.ticketId));
    } catch (e) {
      if (isDomainError(e) && e.code === 'not_found') return null;
      throw e;
    }
  }

  @ResolveField(() => AgentModel, { nullable: true })
  async agent(@Parent() f: FeedbackModel): Promise<AgentModel | null> {
    if (!f.agentId) return null;
    const found = (await this.agents.byIds([f.agentId])).get(f.agentId);
    return found ? toAgentModel(found) : null;
  }
}
