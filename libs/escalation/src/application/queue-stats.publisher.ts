import { Injectable } from '@nestjs/common';
import { GraphqlPubSub } from '@kefu/platform';
import { Tier } from '@kefu/kernel';
import { QueueStatsQueries, QueueStatsView } from './queue-stats.queries';

/** `queueUpdated(tier)` topics: one per tier, and one for subscribers of every tier. */
export function queueTopic(tier: Tier | 'any'): string {
  return `queue-updated.${tier}`;
}

/**
 * Publishes fresh figures of the tiers a batch touched, once per batch (not per event), computed
 * once here rather than by every subscriber. Best effort: a lost message waits for the next change.
 */
@Injectable()
export class QueueStatsPublisher {
  constructor(
    private readonly pubsub: GraphqlPubSub,
    private readonly queries: QueueStatsQueries,
  ) {}

  async tiersChanged(tiers: Tier[]): Promise<void> {
    const stats = await this.queries.all();
    for (const s of stats.filter((x) => tiers.includes(x.tier))) {
      await this.pubsub.publish<QueueStatsView>(queueTopic(s.tier), s);
      await this.pubsub.publish<QueueStatsView>(queueTopic('any'), s);
    }
  }
}
