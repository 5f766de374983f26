import { Field, Float, Int, ObjectType } from '@nestjs/graphql';
import { GqlTier } from '@kefu/platform';
import { Tier } from '@kefu/kernel';
import { QueueStatsView } from '../application/queue-stats.queries';

@ObjectType('QueueStats', {
  description: "One tier's queue: what is open, waiting, and how fast it is answered.",
})
export class QueueStatsModel {
  @Field(() => GqlTier)
  tier!: Tier;

  @Field(() => Int, { description: 'Tickets at this tier not yet solved or closed.' })
  open!: number;

  @Field(() => Int, { description: 'Open tickets at this tier nobody is assigned to.' })
  unassigned!: number;

  @Field(() => Date, {
    nullable: true,
    description: 'Since when the longest-waiting unassigned ticket has waited; null when none waits.',
  })
  oldestWaitingSince!: Date | null;

  @Field(() => Float, {
    nullable: true,
    description:
      'Median seconds from a ticket entering this tier to the first agent reply there (tickets now at the tier); null before any.',
  })
  medianFirstResponseSeconds!: number | null;
}

export function toQueueStatsModel(v: QueueStatsView): QueueStatsModel {
  return {
    tier: v.tier,
    open: v.open,
    unassigned: v.unassigned,
    oldestWaitingSince: v.oldestWaitingSince ? new Date(v.oldestWaitingSince) : null,
    medianFirstResponseSeconds: v.medianFirstResponseSeconds,
  };
}
