import { Args, Context, ID, Info, Int, Query, Resolver } from '@nestjs/graphql';
import { GraphQLResolveInfo } from 'graphql';
import {
  CurrentPrincipal,
  GraphqlContext,
  Principal,
  isDomainError,
  piiKeyCacheOf,
  orUndefined,
  pageSize,
} from '@kefu/platform';
import { TicketFilter, TicketQueries } from '../../application/ticket-queries';
import { isTicketIdShape } from './graphql-args';
import { ticketViewFromEvents } from './ticket-as-of';
import { TicketFilterInput, TicketOrderInput } from './ticket.input';
import { toTicketConnection, toTicketModel, toTicketRowConnection } from './ticket.mapper';
import { TicketPagePrefetch } from './ticket-page-prefetch';
import { ticketSelectionOf } from './ticket-selection';
import { TicketConnectionModel, TicketModel } from './ticket.model';

function toFilter(f: TicketFilterInput | null): TicketFilter {
  if (!f) return {};
  return {
    status: orUndefined(f.status),
    priority: orUndefined(f.priority),
    category: orUndefined(f.category),
    channel: orUndefined(f.channel),
    tier: orUndefined(f.tier),
    assigneeId: orUndefined(f.assigneeId),
    unassigned: orUndefined(f.unassigned),
    customerId: orUndefined(f.customerId),
    tag: orUndefined(f.tag),
    slaBreached: orUndefined(f.slaBreached),
    slaDueBefore: orUndefined(f.slaDueBefore),
    text: orUndefined(f.text),
  };
}

/** Reading tickets. The access rules are TicketQueries' (in SQL): customers and partners see their own. */
@Resolver(() => TicketModel)
export class TicketsResolver {
  constructor(
    private readonly queries: TicketQueries,
    private readonly prefetch: TicketPagePrefetch,
  ) {}

  @Query(() => TicketModel, {
    nullable: true,
    description:
      'A ticket, or null if it does not exist or is not yours. With asOf: as it stood then, rebuilt from its events.',
  })
  async ticket(
    @CurrentPrincipal() principal: Principal,
    @Context() ctx: GraphqlContext,
    @Args('id', { type: () => ID }) id: string,
    @Args('asOf', { type: () => Date, nullable: true }) asOf: Date | null,
  ): Promise<TicketModel | null> {
    if (!isTicketIdShape(id)) return null; // names no ticket: null, as for any unknown id
    if (asOf) {
      const history = await this.queries.asOf(principal, id, asOf);
      const view = history && ticketViewFromEvents(history.events);
      return view && history ? toTicketModel(view, history.events) : null;
    }
    try {
      return toTicketModel(await this.queries.get(principal, id, piiKeyCacheOf(ctx)));
    } catch (e) {
      if (isDomainError(e) && e.code === 'not_found') return null;
      throw e;
    }
  }

  @Query(() => TicketConnectionModel, {
    description: 'Tickets you may see; newest first unless orderBy says otherwise.',
  })
  async tickets(
    @CurrentPrincipal() principal: Principal,
    @Context() ctx: GraphqlContext,
    @Info() info: GraphQLResolveInfo,
    @Args('filter', { type: () => TicketFilterInput, nullable: true }) filter: TicketFilterInput | null,
    @Args('first', { type: () => Int, nullable: true, defaultValue: 20 }) first: number | null,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
    @Args('orderBy', { type: () => TicketOrderInput, nullable: true }) orderBy: TicketOrderInput | null,
  ): Promise<TicketConnectionModel> {
    const n = pageSize(first);
    const order =
      orderBy?.field && orderBy.direction
        ? orderBy
        : { field: 'created_at' as const, direction: 'desc' as const };
    // The page reads only the columns of the fields asked for (and opens only the customer fields
    // asked for); a selection it cannot map is read in full. Both give the same answer (e2e).
    const selection = ticketSelectionOf(info);
    if (selection) {
      const rows = await this.queries.listColumns(
        principal,
        toFilter(filter),
        order,
        n,
        orUndefined(after),
        selection.columns,
        { customerFields: selection.customerFields, keyCache: piiKeyCacheOf(ctx) },
      );
      const connection = toTicketRowConnection(rows, after);
      await this.prefetch.run(
        connection.edges.map((e) => e.node),
        selection.fields,
        ctx,
      );
      return connection;
    }
    const page = await this.queries.list(principal, toFilter(filter), order, n, orUndefined(after));
    return toTicketConnection(page, after);
  }
}
