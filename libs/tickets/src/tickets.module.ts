import { Module, OnModuleInit } from '@nestjs/common';
import { ProjectionRegistry } from '@kefu/platform';
import { TicketQueries } from './application/ticket-queries';
import { TicketSlaRules } from './application/ticket-sla-rules';
import { TicketsService } from './application/tickets.service';
import { TicketViewProjection } from './projections/ticket-view.projection';

/** The ticket spine: commands, read model, queries. The API adds controllers and resolvers. */
@Module({
  providers: [TicketViewProjection, TicketQueries, TicketsService, TicketSlaRules],
  exports: [TicketViewProjection, TicketQueries, TicketsService, TicketSlaRules],
})
export class TicketsCoreModule implements OnModuleInit {
  constructor(
    private readonly projections: ProjectionRegistry,
    private readonly projection: TicketViewProjection,
  ) {}

  onModuleInit(): void {
    this.projections.register(this.projection);
  }
}
