import { Module, OnModuleInit } from '@nestjs/common';
import { ProjectionRegistry, PublicEventSources } from '@kefu/platform';
import { RefundsCoreModule } from '@kefu/refunds';
import { TicketsCoreModule } from '@kefu/tickets';
import { disputeEventSource } from './application/dispute-events.source';
import { DisputeQueries } from './application/dispute-queries';
import { DisputesService } from './application/disputes.service';
import { DisputeViewProjection } from './projections/dispute-view.projection';

/** Disputes: commands, read model, queries, public events. Awards become refunds via RefundsService. */
@Module({
  imports: [TicketsCoreModule, RefundsCoreModule],
  providers: [DisputeViewProjection, DisputeQueries, DisputesService],
  exports: [DisputeViewProjection, DisputeQueries, DisputesService, TicketsCoreModule, RefundsCoreModule],
})
export class DisputesCoreModule implements OnModuleInit {
  constructor(
    private readonly projections: ProjectionRegistry,
    private readonly projection: DisputeViewProjection,
    private readonly sources: PublicEventSources,
  ) {}

  onModuleInit(): void {
    this.projections.register(this.projection);
    this.sources.register(disputeEventSource);
  }
}
