import { Injectable, OnModuleInit } from '@nestjs/common';
import { ConsumerRegistry, EventConsumer, StoredEvent, Tx } from '@kefu/platform';
import { QueueStatsPublisher } from '../application/queue-stats.publisher';
import { QueueStatsProjection } from '../projections/queue-stats.projection';

/**
 * Runs the queue-stats projection over the global log in the worker (checkpoint in the same
 * transaction), then tells `queueUpdated` subscribers about the tiers that changed.
 */
@Injectable()
export class QueueStatsConsumer implements EventConsumer, OnModuleInit {
  readonly name = 'queue-stats';
  readonly batchSize = 500;

  constructor(
    private readonly registry: ConsumerRegistry,
    private readonly projection: QueueStatsProjection,
    private readonly publisher: QueueStatsPublisher,
  ) {}

  onModuleInit(): void {
    this.registry.register(this);
  }

  async handle(events: StoredEvent[], tx: Tx): Promise<void> {
    const touched = await this.projection.applyAll(tx, events);
    // After the commit, so what subscribers receive is what was written.
    if (touched.size) tx.afterCommit(() => this.publisher.tiersChanged([...touched]));
  }
}
