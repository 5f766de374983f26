import { ResolveField, Resolver } from '@nestjs/graphql';
import { GraphqlContext } from '@kefu/platform';
import { TicketModel, TicketPagePrefetch } from '@kefu/tickets';
import { AgentLoaderFactory } from './agent.loader';
import { AgentModel, toAgentModel } from './agent.model';

/**
 * Ticket.assignee: added here because agents depend on tickets, not the other way round. Batched:
 * a page of tickets loads its assignees in one query.
 */
@Resolver(() => TicketModel)
export class TicketAssigneeResolver {
  constructor(
    private readonly loaders: AgentLoaderFactory,
    prefetch: TicketPagePrefetch,
  ) {
    // A page's assignees in one query before graphql-js walks it: every assignee is then a value,
    // not a promise per ticket (TicketPagePrefetch).
    prefetch.register(async (tickets, fields, ctx) => {
      const loaders = this.loaders.for(ctx);
      const prefetched = loaders.prefetched;
      if (!prefetched || !fields.has('assignee')) return;
      const ids = [...new Set(tickets.map((t) => t.assigneeId).filter((id): id is string => !!id))];
      if (ids.length === 0) return;
      const agents = await loaders.agent.loadMany(ids);
      ids.forEach((id, i) => {
        const a = agents[i];
        if (!(a instanceof Error)) prefetched.set(id, a);
      });
    });
  }

  @ResolveField(() => AgentModel, {
    nullable: true,
    description: 'null while unassigned (or assigned to an unregistered id).',
  })
  // No parameter decorators on purpose: @nestjs/graphql then calls the method as a plain GraphQL
  // resolver (parent, args, context), without the per-call param pipeline (guards, interceptors
  // and filters do not run on field resolvers here anyway): once per ticket of a page.
  assignee(
    ticket: TicketModel,
    _args: unknown,
    ctx: GraphqlContext,
  ): AgentModel | null | Promise<AgentModel | null> {
    const id = ticket.assigneeId;
    if (!id) return null;
    const loaders = this.loaders.for(ctx);
    const known = loaders.prefetched?.get(id);
    if (known !== undefined) return known ? toAgentModel(known) : null;
    return loaders.agent.load(id).then((agent) => (agent ? toAgentModel(agent) : null));
  }
}
