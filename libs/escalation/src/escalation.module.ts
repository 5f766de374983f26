import { Module, OnModuleInit } from '@nestjs/common';
import { ProjectionRegistry, GraphqlPubSubModule } from '@kefu/platform';
import { TicketEscalationLadder, TicketsCoreModule } from '@kefu/tickets';
import { QueueStatsResolver } from './api/queue-stats.resolver';
import { EscalationRouter } from './application/escalation-router';
import { EscalationSettings } from './application/escalation-settings';
import { EscalationTriggers } from './application/escalation-triggers';
import { QueueStatsPublisher } from './application/queue-stats.publisher';
import { QueueStatsQueries } from './application/queue-stats.queries';
import { EscalationJobs } from './jobs/escalation.jobs';
import { QueueStatsConsumer } from './jobs/queue-stats.consumer';
import { EscalationQueueProjection } from './projections/escalation-queue.projection';
import { QueueStatsProjection } from './projections/queue-stats.projection';

/** Escalation's read models (for the apps and the CLI's rebuild), settings and queries. */
@Module({
  imports: [TicketsCoreModule],
  providers: [
    EscalationSettings,
    EscalationQueueProjection,
    QueueStatsProjection,
    QueueStatsQueries,
    EscalationRouter,
    EscalationTriggers,
  ],
  exports: [
    EscalationSettings,
    EscalationQueueProjection,
    QueueStatsProjection,
    QueueStatsQueries,
    EscalationRouter,
    EscalationTriggers,
  ],
})
export class EscalationCoreModule implements OnModuleInit {
  constructor(
    private readonly projections: ProjectionRegistry,
    private readonly queue: EscalationQueueProjection,
    private readonly stats: QueueStatsProjection,
    private readonly ticketLadder: TicketEscalationLadder,
    private readonly triggers: EscalationTriggers,
  ) {}

  onModuleInit(): void {
    this.projections.register(this.queue);
    this.projections.register(this.stats);
    // An agent's escalateTicket (and any escalation naming no tier) follows the same ladder.
    this.ticketLadder.use((tx, ticketId, trigger) => this.triggers.tierFor(tx, ticketId, trigger));
  }
}

/** `queueStats` and the `queueUpdated` subscription. */
@Module({
  imports: [EscalationCoreModule, GraphqlPubSubModule],
  providers: [QueueStatsResolver],
})
export class EscalationApiModule {}

/**
 * The worker side: trigger, routing and drain jobs from the log, their reconciler, and the
 * queue-stats projector with its subscription notices.
 */
@Module({
  imports: [EscalationCoreModule, GraphqlPubSubModule],
  providers: [EscalationJobs, QueueStatsPublisher, QueueStatsConsumer],
})
export class EscalationWorkerModule {}
