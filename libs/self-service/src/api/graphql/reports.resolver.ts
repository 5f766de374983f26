import { Args, Context, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { DomainError, GraphqlContext, Roles, orUndefined } from '@kefu/platform';
import { QueueStatsModel } from '@kefu/escalation';
import { SupportChannelModel } from '@kefu/help-centre';
import { DeflectionQueries } from '../../application/deflection.queries';
import { WaitDimension, WaitEstimateView, WaitEstimates } from '../../application/wait-estimates';
import {
  DeflectionStatModel,
  GqlDeflectionDimension,
  WaitEstimateModel,
  toWaitEstimateModel,
} from './self-service.models';

/** The deflection report (supervisors and admins). */
@Resolver()
export class DeflectionResolver {
  constructor(private readonly queries: DeflectionQueries) {}

  @Roles('supervisor', 'admin')
  @Query(() => [DeflectionStatModel], {
    description:
      'Self-service outcomes of the questions asked in [from, to), grouped by category, language and/or channel (default: category and language).',
  })
  async deflectionStats(
    @Args('groupBy', {
      type: () => [GqlDeflectionDimension],
      nullable: true,
      defaultValue: [GqlDeflectionDimension.CATEGORY, GqlDeflectionDimension.LANGUAGE],
    })
    groupBy: GqlDeflectionDimension[] | null,
    @Args('from', { type: () => Date, nullable: true }) from: Date | null,
    @Args('to', { type: () => Date, nullable: true }) to: Date | null,
  ): Promise<DeflectionStatModel[]> {
    if (from && to && from >= to)
      throw DomainError.validation([{ field: 'to', message: 'must be after from' }]);
    return (await this.queries.stats(groupBy ?? [], orUndefined(from), orUndefined(to))).map((s) => ({
      ...s,
      category: s.category as DeflectionStatModel['category'],
      channel: s.channel as DeflectionStatModel['channel'],
    }));
  }
}

/** One computation per request and dimension, however many channels or tiers ask for it. */
const MEMO = Symbol('wait-estimates');
type Memo = Partial<Record<WaitDimension, Promise<Map<string, WaitEstimateView>>>>;

function memoised(
  ctx: GraphqlContext | undefined,
  dimension: WaitDimension,
  compute: () => Promise<Map<string, WaitEstimateView>>,
): Promise<Map<string, WaitEstimateView>> {
  if (!ctx) return compute();
  const holder = ctx as GraphqlContext & { [MEMO]?: Memo };
  const memo = (holder[MEMO] ??= {});
  return (memo[dimension] ??= compute());
}

const CHANNEL_KEYS = ['app', 'web', 'chat', 'phone', 'email', 'social', 'partner'];
const TIER_KEYS = ['L1', 'L2', 'L3'];

/** SupportChannel.estimatedWait (public, like the channels): what a frontend tells a customer. */
@Resolver(() => SupportChannelModel)
export class ChannelWaitResolver {
  constructor(private readonly waits: WaitEstimates) {}

  @ResolveField(() => WaitEstimateModel, {
    description:
      "The expected wait for a person's first answer on this channel, from measured first responses.",
  })
  async estimatedWait(
    @Parent() c: SupportChannelModel,
    @Context() ctx: GraphqlContext,
  ): Promise<WaitEstimateModel> {
    const all = await memoised(ctx, 'channel', () => this.waits.all('channel', CHANNEL_KEYS));
    return toWaitEstimateModel(all.get(c.channel)!);
  }
}

/** QueueStats.estimatedWait (staff): the expected wait of a ticket entering this tier now. */
@Resolver(() => QueueStatsModel)
export class TierWaitResolver {
  constructor(private readonly waits: WaitEstimates) {}

  @ResolveField(() => WaitEstimateModel, {
    description: 'The expected wait for a first agent reply at this tier, from measured first responses.',
  })
  async estimatedWait(
    @Parent() q: QueueStatsModel,
    @Context() ctx: GraphqlContext | undefined,
  ): Promise<WaitEstimateModel> {
    const all = await memoised(ctx, 'tier', () => this.waits.all('tier', TIER_KEYS));
    return toWaitEstimateModel(all.get(q.tier)!);
  }
}
