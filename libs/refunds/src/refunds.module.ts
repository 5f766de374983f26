import { Module, OnModuleInit } from '@nestjs/common';
import { ProjectionRegistry, PublicEventSources } from '@kefu/platform';
import { TicketsCoreModule } from '@kefu/tickets';
import { refundEventSource } from './application/refund-events.source';
import { RefundQueries } from './application/refund-queries';
import { RefundsService } from './application/refunds.service';
import { RefundViewProjection } from './projections/refund-view.projection';

/** Refunds: commands (with the per-transaction cap), read model, queries, public events. */
@Module({
  imports: [TicketsCoreModule],
  providers: [RefundViewProjection, RefundQueries, RefundsService],
  exports: [RefundViewProjection, RefundQueries, RefundsService, TicketsCoreModule],
})
export class RefundsCoreModule implements OnModuleInit {
  constructor(
    private readonly projections: ProjectionRegistry,
    private readonly projection: RefundViewProjection,
    private readonly sources: PublicEventSources,
  ) {}

  onModuleInit(): void {
    this.projections.register(this.projection);
    this.sources.register(refundEventSource);
  }
}
