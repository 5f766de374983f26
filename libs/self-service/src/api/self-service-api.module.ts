import { Module } from '@nestjs/common';
import { TicketsApiModule } from '@kefu/tickets';
import { SelfServiceCoreModule } from '../self-service.module';
import { AnswersRateLimiter } from './answers-rate-limit';
import { AnswersResolver, TicketSelfServiceResolver } from './graphql/answers.resolver';
import { ChannelWaitResolver, DeflectionResolver, TierWaitResolver } from './graphql/reports.resolver';
import { AnswersController } from './rest/answers.controller';

/** REST /v1/answers, GraphQL answers, the deflection report, Ticket.selfService and estimated waits. */
@Module({
  imports: [SelfServiceCoreModule, TicketsApiModule],
  controllers: [AnswersController],
  providers: [
    AnswersRateLimiter,
    AnswersResolver,
    TicketSelfServiceResolver,
    DeflectionResolver,
    ChannelWaitResolver,
    TierWaitResolver,
  ],
})
export class SelfServiceApiModule {}
