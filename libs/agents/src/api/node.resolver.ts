import { Args, ID, Query, Resolver } from '@nestjs/graphql';
import {
  ApiKeyService,
  CurrentPrincipal,
  Principal,
  isDomainError,
  NodeModel,
  toApiKeyModel,
  isStaff,
} from '@kefu/platform';
import { TicketQueries, toTicketModel } from '@kefu/tickets';
import { AgentQueries } from '../application/agent-queries';
import { toAgentModel } from './agent.model';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** null for not_found: node() answers "nothing you can see here", never why. */
async function orNull<T>(p: Promise<T>): Promise<T | null> {
  try {
    return await p;
  } catch (e) {
    if (isDomainError(e) && e.code === 'not_found') return null;
    throw e;
  }
}

/**
 * Relay's node(id) over the Node types that exist so far: tickets (for whoever may see them),
 * agents (staff) and API keys (admins). Ids are the objects' own ids, not type-prefixed global ids,
 * so the types are tried in turn; it lives here because agents is the module that sees all three.
 */
@Resolver(() => NodeModel)
export class NodeResolver {
  constructor(
    private readonly tickets: TicketQueries,
    private readonly agents: AgentQueries,
    private readonly apiKeys: ApiKeyService,
  ) {}

  @Query(() => NodeModel, {
    nullable: true,
    description: 'A Ticket, Agent or ApiKey by id, if you may see it.',
  })
  async node(
    @CurrentPrincipal() principal: Principal,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<NodeModel | null> {
    if (UUID.test(id)) {
      const ticket = await orNull(this.tickets.get(principal, id));
      if (ticket) return toTicketModel(ticket);
      if (principal.kind === 'user' && principal.role === 'admin') {
        const key = await orNull(this.apiKeys.get(id));
        if (key) return toApiKeyModel(key);
      }
    }
    if (!isStaff(principal)) return null;
    const agent = (await this.agents.byIds([id])).get(id);
    return agent ? toAgentModel(agent) : null;
  }
}
