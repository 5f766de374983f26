import { MessageLoaderFactory } from './graphql/message.loader';
import { Module } from '@nestjs/common';
import { GraphqlPubSubModule } from '@kefu/platform/graphql/pubsub';
import { TicketsCoreModule } from '../tickets.module';
import {
  TicketFieldsResolver,
  MessageConnectionResolver,
  TicketConnectionResolver,
} from './graphql/ticket-fields.resolver';
import { TicketMutationsResolver } from './graphql/ticket-mutations.resolver';
import { TicketSubscriptionResolver } from './graphql/ticket-subscription.resolver';
import { TicketUpdatesPublisher } from './graphql/ticket-updates.publisher';
import { TicketsResolver } from './graphql/tickets.resolver';
import { TicketsController } from './rest/tickets.controller';

/**
 * The tickets' HTTP surface: REST for partners and GraphQL for frontends. Ticket.assignee and the
 * AgentDirectory that assignTicket checks come from the agents module (AgentsApiModule).
 */
@Module({
  imports: [TicketsCoreModule, GraphqlPubSubModule],
  controllers: [TicketsController],
  providers: [
    TicketUpdatesPublisher,
    TicketsResolver,
    TicketMutationsResolver,
    TicketFieldsResolver,
    MessageLoaderFactory,
    TicketConnectionResolver,
    MessageConnectionResolver,
    TicketSubscriptionResolver,
  ],
  exports: [TicketsCoreModule, TicketUpdatesPublisher],
})
export class TicketsApiModule {}
