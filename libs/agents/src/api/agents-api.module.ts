import { Module } from '@nestjs/common';
import { TicketsApiModule } from '@kefu/tickets';
import { AgentsModule } from '../agents.module';
import { AgentLoaderFactory } from './agent.loader';
import { AgentsResolver } from './agents.resolver';
import { NodeResolver } from './node.resolver';
import { TicketAssigneeResolver } from './ticket-assignee.resolver';

/** The agents' GraphQL surface, plus Ticket.assignee and node(id). */
@Module({
  imports: [AgentsModule, TicketsApiModule],
  providers: [AgentLoaderFactory, AgentsResolver, TicketAssigneeResolver, NodeResolver],
})
export class AgentsApiModule {}
