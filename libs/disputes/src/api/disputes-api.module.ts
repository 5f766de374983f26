import { Module } from '@nestjs/common';
import { TicketDisputesLoader } from './graphql/ticket-disputes.loader';
import { DisputesCoreModule } from '../disputes.module';
import { DisputesResolver, TicketDisputeResolver } from './graphql/disputes.resolver';
import { DisputesController } from './rest/disputes.controller';

/** Disputes over REST (partners) and GraphQL (frontends), plus Ticket.dispute. */
@Module({
  imports: [DisputesCoreModule],
  controllers: [DisputesController],
  providers: [TicketDisputesLoader, DisputesResolver, TicketDisputeResolver],
  exports: [DisputesCoreModule],
})
export class DisputesApiModule {}
