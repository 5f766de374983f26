import { Injectable } from '@nestjs/common';
import { GraphqlContext } from '@kefu/platform';
import { TicketModel } from './ticket.model';

/**
 * Loads what other modules' Ticket fields need for a whole page, before graphql-js walks it.
 * `nodeFields` are the Ticket fields the page selects.
 */
export type TicketPagePrefetcher = (
  tickets: readonly TicketModel[],
  nodeFields: ReadonlySet<string>,
  ctx: GraphqlContext,
) => Promise<void>;

/**
 * Per-page prefetching for field resolvers of other modules (agents: Ticket.assignee). A field whose
 * value is at hand when graphql-js reaches it is answered synchronously; with a DataLoader alone each
 * of the page's tickets returned a promise, and graphql-js then built the page (node, edge, list) out
 * of promises: several per ticket, each with the async-context bookkeeping (ADR 0009). A prefetcher
 * that fails leaves its fields to their resolvers, which load (and fail) as before.
 */
@Injectable()
export class TicketPagePrefetch {
  private readonly prefetchers: TicketPagePrefetcher[] = [];

  register(prefetcher: TicketPagePrefetcher): void {
    this.prefetchers.push(prefetcher);
  }

  async run(
    tickets: readonly TicketModel[],
    nodeFields: ReadonlySet<string>,
    ctx: GraphqlContext,
  ): Promise<void> {
    if (tickets.length === 0 || this.prefetchers.length === 0) return;
    await Promise.all(this.prefetchers.map((p) => p(tickets, nodeFields, ctx).catch(() => undefined)));
  }
}
