import { Injectable } from '@nestjs/common';
import {
  CommandBody,
  CommandResult,
  CommandRunner,
  DomainError,
  Principal,
  withDomainErrors,
} from '@kefu/platform';
import { Decider } from '@kefu/kernel';
import { AgentCommand, RegisterAgentData } from '../domain/agent.commands';
import { AGENT_STREAM_TYPE, AgentState, agentDecider } from '../domain/agent.decider';
import { AgentEvent } from '../domain/agent.events';
import { AgentViewProjection } from '../projections/agent-view.projection';
import { AgentQueries } from './agent-queries';
import { AgentView, agentStreamId } from './agent-view';

/** Rule errors from the pure decider become platform DomainErrors, so REST and GraphQL map them. */
const decider: Decider<AgentState, AgentCommand, AgentEvent> = withDomainErrors(agentDecider);

/** The agent commands: each one transaction, answering with the agent's read model. */
@Injectable()
export class AgentsService {
  constructor(
    private readonly commands: CommandRunner,
    private readonly projection: AgentViewProjection,
    private readonly queries: AgentQueries,
  ) {}

  /** Registers an agent, or updates the profile of one already registered (omitted fields kept). */
  register(principal: Principal, data: RegisterAgentData): Promise<CommandResult<AgentView>> {
    // The decider trims the id; the stream and the answer must use the same one.
    const agentId = typeof data.agentId === 'string' ? data.agentId.trim() : data.agentId;
    return this.run(principal, agentId, { type: 'RegisterAgent', data: { ...data, agentId } });
  }

  setAvailability(
    principal: Principal,
    agentId: string,
    available: boolean,
  ): Promise<CommandResult<AgentView>> {
    return this.run(principal, agentId, { type: 'SetAgentAvailability', data: { available } });
  }

  private run(
    principal: Principal,
    agentId: string,
    command: Pick<AgentCommand, 'type' | 'data'>,
  ): Promise<CommandResult<AgentView>> {
    return this.commands.handle({
      streamType: AGENT_STREAM_TYPE,
      streamId: agentStreamId(agentId),
      decider,
      command: this.commands.stamp<AgentCommand>(principal, command as CommandBody<AgentCommand>),
      project: (tx, events) => this.projection.apply(tx, events),
      respond: async (tx) => {
        const view = await this.queries.byIdIn(tx, agentId);
        if (!view) throw DomainError.notFound('Agent', agentId);
        return view;
      },
    });
  }
}
