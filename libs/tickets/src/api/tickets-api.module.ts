import { MessageLoaderFactory } from './graphql/message.loader';
import { Module } from '@nestjs/common';
import { GraphqlPubSubModule } from '@kefu/platform';
import { TicketsCoreModule } from '../tickets.module';
import {
  TicketFieldsResolver,
  MessageConnectionResolver,
  TicketConnectionResolver,
} from './graphql/ticket-fields.resolver';
import { CustomerSegmentsResolver } from './graphql/customer-segments.resolver';
import { TicketMutationsResolver } from './graphql/ticket-mutations.resolver';
import { TicketSubscriptionResolver } from './graphql/ticket-subscription.resolver';
import { TicketUpdatesPublisher } from './graphql/ticket-updates.publisher';
import { TicketPagePrefetch } from './graphql/ticket-page-prefetch';
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
    TicketPagePrefetch,
    TicketMutationsResolver,
    TicketFieldsResolver,
    MessageLoaderFactory,
    TicketConnectionResolver,
    MessageConnectionResolver,
    TicketSubscriptionResolver,
    CustomerSegmentsResolver,
  ],
  exports: [TicketsCoreModule, TicketUpdatesPublisher, TicketPagePrefetch],
})
export class TicketsApiModule {}
