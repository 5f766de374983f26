import { Injectable, OnModuleInit } from '@nestjs/common';
import { ConsumerRegistry, EventConsumer, StoredEvent } from '@kefu/platform';
import { TicketUpdatesPublisher } from '../api/graphql/ticket-updates.publisher';
import { TICKET_STREAM_TYPE } from '../domain/ticket.decider';

/**
 * Tells `ticketUpdated` subscribers about every ticket change in the log, including the worker's
 * own (auto-close, escalations). The API also publishes right after its commands for low latency;
 * subscribers drop versions they have already sent, so the two paths never double up.
 */
@Injectable()
export class TicketUpdatesNotifier implements EventConsumer, OnModuleInit {
  readonly name = 'ticket-updates-notifier';
  readonly batchSize = 500;
  // Notices are for live subscribers: on first deploy, start at the end instead of replaying history.
  readonly startAt = 'end';

  constructor(
    private readonly registry: ConsumerRegistry,
    private readonly publisher: TicketUpdatesPublisher,
  ) {}

  onModuleInit(): void {
    this.registry.register(this);
  }

  async handle(events: StoredEvent[]): Promise<void> {
    const latest = new Map<string, number>();
    for (const e of events) {
      if (e.streamType === TICKET_STREAM_TYPE)
        latest.set(e.streamId, Math.max(latest.get(e.streamId) ?? 0, e.streamPosition));
    }
    // Best effort by design (publish never throws): a lost notice only delays a client's view.
    await Promise.all([...latest].map(([id, version]) => this.publisher.ticketChanged({ id, version })));
  }
}
