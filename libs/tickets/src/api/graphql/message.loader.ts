import { Injectable } from '@nestjs/common';
import DataLoader from 'dataloader';
import { GraphqlContext } from '@kefu/platform';
import { Page, TicketQueries } from '../../application/ticket-queries';
import { MessageView } from '../../application/ticket-view';

interface FirstPageKey {
  ticketId: string;
  includeInternal: boolean;
  first: number;
}

/**
 * Per-request loader of the first page of `Ticket.messages` (no `after`): a page of 50 tickets with
 * their messages costs one query per distinct (includeInternal, first), not one per ticket. Later
 * pages (with a cursor) are asked for one ticket at a time and go straight to the query.
 */
@Injectable()
export class MessageLoaderFactory {
  private readonly byContext = new WeakMap<object, DataLoader<FirstPageKey, Page<MessageView>, string>>();

  constructor(private readonly queries: TicketQueries) {}

  for(ctx: GraphqlContext): DataLoader<FirstPageKey, Page<MessageView>, string> {
    let loader = this.byContext.get(ctx);
    if (!loader) {
      loader = new DataLoader<FirstPageKey, Page<MessageView>, string>(
        async (keys) => {
          const groups = new Map<string, FirstPageKey[]>();
          for (const k of keys) {
            const g = `${k.includeInternal}:${k.first}`;
            groups.set(g, [...(groups.get(g) ?? []), k]);
          }
          const pages = new Map<string, Page<MessageView>>();
          for (const group of groups.values()) {
            const { includeInternal, first } = group[0];
            const found = await this.queries.firstMessagesOf(
              [...new Set(group.map((k) => k.ticketId))],
              includeInternal,
              first,
            );
            for (const k of group) pages.set(keyOf(k), found.get(k.ticketId)!);
          }
          return keys.map((k) => pages.get(keyOf(k))!);
        },
        // A subscription's context outlives many events: batch, never cache across them.
        { cacheKeyFn: keyOf, cache: ctx.res !== undefined },
      );
      this.byContext.set(ctx, loader);
    }
    return loader;
  }
}

function keyOf(k: FirstPageKey): string {
  return `${k.includeInternal}:${k.first}:${k.ticketId}`;
}
