import { Module } from '@nestjs/common';
import { DisputesCoreModule } from '../disputes.module';
import { DisputesResolver, TicketDisputeResolver } from './graphql/disputes.resolver';
import { DisputesController } from './rest/disputes.controller';

/** Disputes over REST (partners) and GraphQL (frontends), plus Ticket.dispute. */
@Module({
  imports: [DisputesCoreModule],
  controllers: [DisputesController],
  providers: [DisputesResolver, TicketDisputeResolver],
  exports: [DisputesCoreModule],
})
export class DisputesApiModule {}
