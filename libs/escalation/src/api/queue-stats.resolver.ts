import { Args, Query, Resolver, Subscription } from '@nestjs/graphql';
import { GraphQLError } from 'graphql';
import {
  CurrentPrincipal,
  DomainError,
  Principal,
  Roles,
  graphqlCodeOf,
  GraphqlPubSub,
  GqlTier,
} from '@kefu/platform';
import { STAFF_ROLES, Tier } from '@kefu/kernel';
import { mapIterator } from '@kefu/tickets';
import { queueTopic } from '../application/queue-stats.publisher';
import { QueueStatsQueries, QueueStatsView } from '../application/queue-stats.queries';
import { QueueStatsModel, toQueueStatsModel } from './queue-stats.model';

const STAFF: readonly string[] = STAFF_ROLES;

/** `queueStats` and `queueUpdated(tier)`: the tiers' queues for the agent console (staff only). */
@Resolver(() => QueueStatsModel)
export class QueueStatsResolver {
  constructor(
    private readonly queries: QueueStatsQueries,
    private readonly pubsub: GraphqlPubSub,
  ) {}

  @Roles(...STAFF_ROLES)
  @Query(() => [QueueStatsModel], {
    description: 'Per tier (L1, L2, L3): open, unassigned, oldest waiting, median first response.',
  })
  async queueStats(): Promise<QueueStatsModel[]> {
    return (await this.queries.all()).map(toQueueStatsModel);
  }

  @Subscription(() => QueueStatsModel, {
    description: "A tier's figures each time they change (every tier when none is given; no initial value).",
    resolve: (v: QueueStatsModel) => v,
  })
  queueUpdated(
    @CurrentPrincipal() principal: Principal,
    @Args('tier', { type: () => GqlTier, nullable: true }) tier: Tier | null,
  ): AsyncIterableIterator<QueueStatsModel> {
    // graphql-ws does not run Apollo's formatError: the contract's code goes into the error itself.
    if (principal?.kind !== 'user' || !STAFF.includes(principal.role)) {
      const e = DomainError.forbidden('Only staff may follow the queues.');
      throw new GraphQLError(e.message, { originalError: e, extensions: { code: graphqlCodeOf(e.code) } });
    }
    const messages = this.pubsub.subscribe<QueueStatsView>(queueTopic(tier ?? 'any'));
    return mapIterator(messages, (v) => Promise.resolve(toQueueStatsModel(v)));
  }
}
