import { Module } from '@nestjs/common';
import { GraphqlPubSubModule } from '@kefu/platform';
import { TicketUpdatesPublisher } from './api/graphql/ticket-updates.publisher';
import { AutoCloseJob } from './jobs/auto-close.job';
import { TicketUpdatesNotifier } from './jobs/ticket-updates.consumer';
import { TicketsCoreModule } from './tickets.module';

/** The tickets' background work: auto-close after the quiet period; change notices for subscribers. */
@Module({
  imports: [TicketsCoreModule, GraphqlPubSubModule],
  providers: [AutoCloseJob, TicketUpdatesPublisher, TicketUpdatesNotifier],
})
export class TicketsWorkerModule {}
