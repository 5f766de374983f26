import { Injectable, Module, OnModuleInit } from '@nestjs/common';
import {
  ConsumerRegistry,
  Projection,
  ProjectionRegistry,
  StoredEvent,
  Tx,
  GraphqlPubSubModule,
} from '@kefu/platform';
import { TicketsCoreModule } from '@kefu/tickets';
import { FeedbackService, projectFeedback } from './application/feedback.service';
import { SatisfactionQueries } from './application/satisfaction.queries';
import { SupervisorEscalation } from './application/supervisor-escalation';
import { SurveyPublicEvents } from './application/survey-public-events';
import { PendingSurveys, SurveyOpenedNotifier } from './application/in-app-surveys';
import { SurveyTokens } from './application/survey-token';
import { SurveysService } from './application/surveys.service';
import { SurveyJobs } from './jobs/survey.jobs';
import { SatisfactionProjector } from './projections/satisfaction.projector';
import { SurveySettingsProjection, SurveyViewProjection } from './projections/survey.projections';

@Injectable()
export class FeedbackViewProjection implements Projection {
  readonly name = 'feedback-view';
  readonly tables = ['feedback_view'] as const;

  apply(tx: Tx, events: StoredEvent[]): Promise<void> {
    return projectFeedback(tx, events);
  }
}

/** Surveys, feedback and satisfaction: commands, read models, public events. */
@Module({
  imports: [TicketsCoreModule],
  providers: [
    SurveyTokens,
    SurveyViewProjection,
    SurveySettingsProjection,
    FeedbackViewProjection,
    SatisfactionProjector,
    SatisfactionQueries,
    SupervisorEscalation,
    SurveysService,
    FeedbackService,
    SurveyPublicEvents,
    PendingSurveys,
  ],
  exports: [
    SurveysService,
    FeedbackService,
    SatisfactionQueries,
    SatisfactionProjector,
    SurveyTokens,
    PendingSurveys,
  ],
})
export class FeedbackCoreModule implements OnModuleInit {
  constructor(
    private readonly projections: ProjectionRegistry,
    private readonly surveyView: SurveyViewProjection,
    private readonly settings: SurveySettingsProjection,
    private readonly feedbackView: FeedbackViewProjection,
    private readonly satisfaction: SatisfactionProjector,
  ) {}

  onModuleInit(): void {
    for (const p of [this.surveyView, this.settings, this.feedbackView, this.satisfaction])
      this.projections.register(p);
  }
}

/** The worker side: survey timers (routes, reconciler, processor) and the satisfaction projector. */
@Module({
  imports: [FeedbackCoreModule, GraphqlPubSubModule],
  providers: [SurveyJobs, SurveyOpenedNotifier],
})
export class FeedbackWorkerModule implements OnModuleInit {
  constructor(
    private readonly consumers: ConsumerRegistry,
    private readonly satisfaction: SatisfactionProjector,
    private readonly surveyOpened: SurveyOpenedNotifier,
  ) {}

  onModuleInit(): void {
    this.consumers.register(this.satisfaction);
    this.consumers.register(this.surveyOpened);
  }
}
