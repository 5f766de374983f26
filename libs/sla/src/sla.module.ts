import { Module, OnModuleInit } from '@nestjs/common';
import { ProjectionRegistry } from '@kefu/platform';
import { TicketSlaRules, TicketsCoreModule } from '@kefu/tickets';
import { SlaConfigQueries } from './application/sla-config.queries';
import { SlaConfigService } from './application/sla-config.service';
import { SlaConfigProjection } from './projections/sla-config.projection';

/**
 * SLA policies and calendars, and the rules every ticket command carries: plugged into the ticket
 * spine at start-up, so tickets opened by any module run their clocks.
 */
@Module({
  imports: [TicketsCoreModule],
  providers: [SlaConfigProjection, SlaConfigQueries, SlaConfigService],
  exports: [SlaConfigProjection, SlaConfigQueries, SlaConfigService],
})
export class SlaCoreModule implements OnModuleInit {
  constructor(
    private readonly projections: ProjectionRegistry,
    private readonly projection: SlaConfigProjection,
    private readonly ticketSla: TicketSlaRules,
    private readonly queries: SlaConfigQueries,
  ) {}

  onModuleInit(): void {
    this.projections.register(this.projection);
    this.ticketSla.use((tx) => this.queries.rulesIn(tx));
  }
}
