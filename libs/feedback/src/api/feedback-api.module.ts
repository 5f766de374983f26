import { Module } from '@nestjs/common';
import { GraphqlPubSubModule } from '@kefu/platform';
import { TicketsApiModule } from '@kefu/tickets';
import { FeedbackCoreModule } from '../feedback.module';
import { FeedbackResolver } from './graphql/feedback.resolver';
import { PendingSurveysResolver, SurveysResolver, TicketSurveyResolver } from './graphql/surveys.resolver';
import { FeedbackController } from './rest/feedback.controller';
import { SurveyRateLimiter } from './rest/rate-limit';
import { SurveysController } from './rest/surveys.controller';

/** REST (survey links, partner feedback) and GraphQL (surveys, feedback, satisfaction, Ticket.survey). */
@Module({
  imports: [FeedbackCoreModule, TicketsApiModule, GraphqlPubSubModule],
  controllers: [SurveysController, FeedbackController],
  providers: [
    SurveyRateLimiter,
    SurveysResolver,
    PendingSurveysResolver,
    TicketSurveyResolver,
    FeedbackResolver,
  ],
})
export class FeedbackApiModule {}
