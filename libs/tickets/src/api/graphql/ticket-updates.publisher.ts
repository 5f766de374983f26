import { Injectable } from '@nestjs/common';
import { GraphqlPubSub } from '@kefu/platform';

/** What travels on a ticket's topic: just enough to reload it from the read model. */
export interface TicketUpdatedMessage {
  id: string;
  version: number;
}

export function ticketTopic(ticketId: string): string {
  return `ticket-updated.${ticketId}`;
}

/**
 * Tells `ticketUpdated` subscribers, on every API replica, that a ticket changed. Called after the
 * command committed, by the GraphQL mutations and the REST controller alike.
 */
@Injectable()
export class TicketUpdatesPublisher {
  constructor(private readonly pubsub: GraphqlPubSub) {}

  async ticketChanged(ticket: { id: string; version: number }): Promise<void> {
    await this.pubsub.publish<TicketUpdatedMessage>(ticketTopic(ticket.id), {
      id: ticket.id,
      version: ticket.version,
    });
  }
}
