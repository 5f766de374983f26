import { Injectable } from '@nestjs/common';
import DataLoader from 'dataloader';
import { GraphqlContext } from '@kefu/platform';
import { DisputeQueries } from '../../application/dispute-queries';
import { DisputeView } from '../../application/dispute-view';

/** Per-request loader of Ticket.dispute: a page of tickets costs one query, not one per ticket. */
@Injectable()
export class TicketDisputesLoader {
  private readonly byContext = new WeakMap<object, DataLoader<string, DisputeView[]>>();

  constructor(private readonly queries: DisputeQueries) {}

  for(ctx: GraphqlContext): DataLoader<string, DisputeView[]> {
    let loader = this.byContext.get(ctx);
    if (!loader) {
      loader = new DataLoader<string, DisputeView[]>(
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
