import { Injectable } from '@nestjs/common';
import DataLoader from 'dataloader';
import { GraphqlContext } from '@kefu/platform';
import { RefundQueries } from '../../application/refund-queries';
import { RefundView } from '../../application/refund-view';

/** Per-request loader of Ticket.refunds: a page of tickets costs one query, not one per ticket. */
@Injectable()
export class TicketRefundsLoader {
  private readonly byContext = new WeakMap<object, DataLoader<string, RefundView[]>>();

  constructor(private readonly queries: RefundQueries) {}

  for(ctx: GraphqlContext): DataLoader<string, RefundView[]> {
    let loader = this.byContext.get(ctx);
    if (!loader) {
      loader = new DataLoader<string, RefundView[]>(
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
