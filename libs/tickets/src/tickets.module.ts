import { Module, OnModuleInit } from '@nestjs/common';
import { ProjectionRegistry } from '@kefu/platform';
import { CustomerSegmentsProjection, CustomerSegmentsService } from './application/customer-segments.service';
import { TicketQueries } from './application/ticket-queries';
import { TicketEscalationLadder } from './application/ticket-escalation-ladder';
import { TicketSlaRules } from './application/ticket-sla-rules';
import { TicketsService } from './application/tickets.service';
import { TicketViewProjection } from './projections/ticket-view.projection';

/** The ticket spine: commands, read model, queries. The API adds controllers and resolvers. */
@Module({
  providers: [
    TicketViewProjection,
    TicketQueries,
    TicketsService,
    TicketSlaRules,
    TicketEscalationLadder,
    CustomerSegmentsProjection,
    CustomerSegmentsService,
  ],
  exports: [
    TicketViewProjection,
    TicketQueries,
    TicketsService,
    TicketSlaRules,
    TicketEscalationLadder,
    CustomerSegmentsService,
  ],
})
export class TicketsCoreModule implements OnModuleInit {
  constructor(
    private readonly projections: ProjectionRegistry,
    private readonly projection: TicketViewProjection,
    private readonly segments: CustomerSegmentsProjection,
  ) {}

  onModuleInit(): void {
    this.projections.register(this.projection);
    this.projections.register(this.segments);
  }
}
