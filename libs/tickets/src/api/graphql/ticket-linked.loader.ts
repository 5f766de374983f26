import DataLoader from 'dataloader';
import { GraphqlContext } from '@kefu/platform';
import { TicketLinkedQueries } from '../../application/ticket-linked-queries';

/**
 * Per-request loader of the records linked to tickets (Ticket.dispute, Ticket.refunds): a page of
 * tickets costs one query, not one per ticket. A module's loader is this class over its queries.
 */
export abstract class TicketLinkedLoader<View extends { ticketId: string }> {
  private readonly byContext = new WeakMap<object, DataLoader<string, View[]>>();

  protected constructor(
    private readonly queries: Pick<TicketLinkedQueries<never, View, unknown>, 'byTickets'>,
  ) {}

  for(ctx: GraphqlContext): DataLoader<string, View[]> {
    let loader = this.byContext.get(ctx);
    if (!loader) {
      loader = new DataLoader<string, View[]>(
        async (ticketIds) => {
          const found = await this.queries.byTickets(ticketIds);
          return ticketIds.map((id) => found.get(id) ?? []);
        },
        // A subscription's context outlives many events: batch, never cache across them.
        { cache: ctx.res !== undefined },
      );
      this.byContext.set(ctx, loader);
    }
    return loader;
  }
}
