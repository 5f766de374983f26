import { Args, Context, Mutation, Parent, Query, ResolveField, Resolver, Int } from '@nestjs/graphql';
import {
  CurrentPrincipal,
  DomainError,
  GraphqlContext,
  Principal,
  Roles,
  UsersOnly,
  GqlTier,
  orUndefined,
} from '@kefu/platform';
import { STAFF_ROLES, Tier } from '@kefu/kernel';
import { AgentQueries } from '../application/agent-queries';
import { AgentsService } from '../application/agents.service';
import { RegisterAgentInput, SetAgentAvailabilityInput } from './agent.input';
import { AgentLoaderFactory } from './agent.loader';
import { AgentModel, toAgentModel } from './agent.model';

/**
 * Agents for the console: the directory (staff), registration (admins and supervisors for anyone,
 * agents for themselves at their own tier: the decider's rules) and availability.
 */
@Resolver(() => AgentModel)
export class AgentsResolver {
  constructor(
    private readonly service: AgentsService,
    private readonly queries: AgentQueries,
    private readonly loaders: AgentLoaderFactory,
  ) {}

  @Roles(...STAFF_ROLES)
  @Query(() => [AgentModel], { description: 'Registered agents (staff only), by tier and name.' })
  async agents(
    @Args('tier', { type: () => GqlTier, nullable: true }) tier: Tier | null,
    @Args('available', { type: () => Boolean, nullable: true }) available: boolean | null,
  ): Promise<AgentModel[]> {
    const list = await this.queries.list({ tier: orUndefined(tier), available: orUndefined(available) });
    return list.map(toAgentModel);
  }

  @UsersOnly()
  @Mutation(() => AgentModel, {
    description: 'Registers an agent or updates its profile (omitted fields keep their value).',
  })
  async registerAgent(
    @CurrentPrincipal() p: Principal,
    @Args('input') input: RegisterAgentInput,
  ): Promise<AgentModel> {
    const r = await this.service.register(p, {
      agentId: input.id,
      name: input.name,
      tier: input.tier,
      languages: input.languages,
      categories: orUndefined(input.categories),
      maxOpenTickets: orUndefined(input.maxOpenTickets),
    });
    return toAgentModel(r.result);
  }

  @UsersOnly()
  @Mutation(() => AgentModel, {
    description: "Goes online or offline; agentId defaults to the caller's own.",
  })
  async setAgentAvailability(
    @CurrentPrincipal() p: Principal,
    @Args('input') input: SetAgentAvailabilityInput,
  ): Promise<AgentModel> {
    if (p.kind !== 'user') throw DomainError.forbidden('Only users may do this.');
    const r = await this.service.setAvailability(p, input.agentId ?? p.sub, input.available);
    return toAgentModel(r.result);
  }

  @ResolveField(() => Int, { description: 'Assigned tickets not yet solved or closed.' })
  openTickets(@Parent() agent: AgentModel, @Context() ctx: GraphqlContext): Promise<number> {
    return this.loaders.for(ctx).openTickets.load(agent.id);
  }
}
