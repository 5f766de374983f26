import { Global, Module, OnModuleInit } from '@nestjs/common';
import { ProjectionRegistry } from '@kefu/platform';
import { AgentDirectory } from '@kefu/tickets';
import { AgentQueries } from './application/agent-queries';
import { AgentsService } from './application/agents.service';
import { AgentViewProjection } from './projections/agent-view.projection';

/**
 * Agents: commands, read model, queries. Global because the tickets' API (which agents depends on,
 * not the reverse) needs an AgentDirectory to check assignees against.
 */
@Global()
@Module({
  providers: [
    AgentViewProjection,
    AgentQueries,
    AgentsService,
    { provide: AgentDirectory, useExisting: AgentQueries },
  ],
  exports: [AgentViewProjection, AgentQueries, AgentsService, AgentDirectory],
})
export class AgentsModule implements OnModuleInit {
  constructor(
    private readonly projections: ProjectionRegistry,
    private readonly projection: AgentViewProjection,
  ) {}

  onModuleInit(): void {
    this.projections.register(this.projection);
  }
}
