import { Context, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { GraphqlContext } from '@kefu/platform';
import { TicketModel } from '@kefu/tickets/api/graphql';
import { AgentLoaderFactory } from './agent.loader';
import { AgentModel, toAgentModel } from './agent.model';

/**
 * Ticket.assignee: added here because agents depend on tickets, not the other way round. Batched:
 * a page of tickets loads its assignees in one query.
 */
@Resolver(() => TicketModel)
export class TicketAssigneeResolver {
  constructor(private readonly loaders: AgentLoaderFactory) {}

  @ResolveField(() => AgentModel, {
    nullable: true,
    description: 'null while unassigned (or assigned to an unregistered id).',
  })
  async assignee(@Parent() ticket: TicketModel, @Context() ctx: GraphqlContext): Promise<AgentModel | null> {
    if (!ticket.assigneeId) return null;
    const agent = await this.loaders.for(ctx).agent.load(ticket.assigneeId);
    return agent ? toAgentModel(agent) : null;
  }
}
