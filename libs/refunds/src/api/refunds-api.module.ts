import { Module } from '@nestjs/common';
import { TicketRefundsLoader } from './graphql/ticket-refunds.loader';
import { RefundsCoreModule } from '../refunds.module';
import { RefundsResolver, TicketRefundsResolver } from './graphql/refunds.resolver';
import { RefundsController } from './rest/refunds.controller';

/** Refunds over REST (partners, the payments core) and GraphQL (frontends), plus Ticket.refunds. */
@Module({
  imports: [RefundsCoreModule],
  controllers: [RefundsController],
  providers: [TicketRefundsLoader, RefundsResolver, TicketRefundsResolver],
  exports: [RefundsCoreModule],
})
export class RefundsApiModule {}
