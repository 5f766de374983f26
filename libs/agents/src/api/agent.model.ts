import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { NodeModel, GqlCategory, GqlTier } from '@kefu/platform';
import { Category, Tier } from '@kefu/kernel';
import { AgentView } from '../application/agent-view';

/** An agent as GraphQL shows it; openTickets is a field resolver (batched per request). */
@ObjectType('Agent', { implements: () => [NodeModel] })
export class AgentModel implements NodeModel {
  @Field(() => ID, { description: "The `sub` of the agent's tokens." })
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => GqlTier)
  tier!: Tier;

  @Field(() => [String], { description: 'BCP 47 tags.' })
  languages!: string[];

  @Field(() => [GqlCategory], { description: 'Categories served; empty means all.' })
  categories!: Category[];

  @Field(() => Boolean)
  available!: boolean;

  @Field(() => Int)
  maxOpenTickets!: number;
}

export function toAgentModel(v: AgentView): AgentModel {
  return Object.assign(new AgentModel(), {
    id: v.id,
    name: v.name,
    tier: v.tier,
    languages: v.languages,
    categories: v.categories,
    available: v.available,
    maxOpenTickets: v.maxOpenTickets,
  });
}
