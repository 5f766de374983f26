import { Injectable } from '@nestjs/common';
import DataLoader from 'dataloader';
import { GraphqlContext } from '@kefu/platform';
import { AgentQueries } from '../application/agent-queries';
import { AgentView } from '../application/agent-view';

export interface AgentLoaders {
  /** Agents by id (null for ids nobody registered). */
  agent: DataLoader<string, AgentView | null>;
  /** Open tickets assigned to each agent. */
  openTickets: DataLoader<string, number>;
  /**
   * Agents a page prefetched (TicketPagePrefetch), for Ticket.assignee to answer synchronously.
   * Never filled for a subscription's context (it would outlive the event, see `cache`).
   */
  prefetched?: Map<string, AgentView | null>;
}

/**
 * Per-request DataLoaders, kept beside the GraphQL context object (a WeakMap: they go when the
 * request does), so resolvers stay singletons. A page of tickets with their assignees and workloads
 * costs one query per loader, whatever the page size.
 */
@Injectable()
export class AgentLoaderFactory {
  private readonly byContext = new WeakMap<object, AgentLoaders>();

  constructor(private readonly queries: AgentQueries) {}

  for(ctx: GraphqlContext): AgentLoaders {
    let loaders = this.byContext.get(ctx);
    if (!loaders) {
      loaders = this.create(ctx);
      this.byContext.set(ctx, loaders);
    }
    return loaders;
  }

  private create(ctx: GraphqlContext): AgentLoaders {
    // A subscription's context lives as long as the subscription: batch its events, never cache
    // across them (each event must show the agent as it is now).
    const cache = ctx.res !== undefined;
    return {
      prefetched: cache ? new Map() : undefined,
      agent: new DataLoader<string, AgentView | null>(
        async (ids) => {
          const found = await this.queries.byIds(ids);
          return ids.map((id) => found.get(id) ?? null);
        },
        { cache },
      ),
      openTickets: new DataLoader<string, number>(
        async (ids) => {
          const counts = await this.queries.openTicketCounts(ids);
          return ids.map((id) => counts.get(id) ?? 0);
        },
        { cache },
      ),
    };
  }
}
