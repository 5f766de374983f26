import { Module, OnModuleInit } from '@nestjs/common';
import { ConsumerRegistry, ProjectionRegistry } from '@kefu/platform';
import { TicketsCoreModule } from '@kefu/tickets';
import { AnswerEngine } from './application/answer-engine';
import { AnswerQueries } from './application/answer-queries';
import { AnswerTokens } from './application/answer-tokens';
import { AnswersService } from './application/answers.service';
import { DeflectionQueries } from './application/deflection.queries';
import { WaitEstimates } from './application/wait-estimates';
import { AnswerSessionViewProjection } from './projections/answer-session-view.projection';
import { DeflectionProjector } from './projections/deflection.projector';
import { WaitTimesProjector } from './projections/wait-times.projector';

/** Self-service answers and waiting times: commands, read models (for the apps and the CLI's rebuild). */
@Module({
  imports: [TicketsCoreModule],
  providers: [
    AnswerEngine,
    AnswerTokens,
    AnswerQueries,
    AnswerSessionViewProjection,
    DeflectionProjector,
    WaitTimesProjector,
    AnswersService,
    DeflectionQueries,
    WaitEstimates,
  ],
  exports: [
    AnswerEngine,
    AnswerTokens,
    AnswerQueries,
    AnswersService,
    DeflectionQueries,
    WaitEstimates,
    DeflectionProjector,
    WaitTimesProjector,
  ],
})
export class SelfServiceCoreModule implements OnModuleInit {
  constructor(
    private readonly projections: ProjectionRegistry,
    private readonly view: AnswerSessionViewProjection,
    private readonly deflection: DeflectionProjector,
    private readonly waits: WaitTimesProjector,
  ) {}

  onModuleInit(): void {
    for (const p of [this.view, this.deflection, this.waits]) this.projections.register(p);
  }
}

/** The worker side: the deflection and wait-time projectors over the log. */
@Module({ imports: [SelfServiceCoreModule] })
export class SelfServiceWorkerModule implements OnModuleInit {
  constructor(
    private readonly consumers: ConsumerRegistry,
    private readonly deflection: DeflectionProjector,
    private readonly waits: WaitTimesProjector,
  ) {}

  onModuleInit(): void {
    this.consumers.register(this.deflection);
    this.consumers.register(this.waits);
  }
}
