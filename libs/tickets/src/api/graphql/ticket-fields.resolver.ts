import { Args, Context, Int, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import {
  CurrentPrincipal,
  DomainError,
  GraphqlContext,
  Principal,
  StoredEvent,
  orUndefined,
  pageSize,
  isStaff,
} from '@kefu/platform';
import { TicketQueries } from '../../application/ticket-queries';
import { INTERNAL_TICKET_EVENT_TYPES } from '../../domain/ticket.events';
import { MessageLoaderFactory } from './message.loader';
import { messagesFromEvents, pageOf } from './ticket-as-of';
import { MessageConnectionModel } from './message.model';
import { toMessageConnection, toTimelineConnection } from './ticket.mapper';
import { TicketConnectionModel, TicketModel } from './ticket.model';
import { TimelineConnectionModel } from './timeline.model';

const INTERNAL_TYPES: readonly string[] = INTERNAL_TICKET_EVENT_TYPES;

/**
 * Ticket.messages and Ticket.timeline. A ticket rebuilt `asOf` a time answers both from its events
 * up to then; a current ticket from the message table and the event log.
 */
@Resolver(() => TicketModel)
export class TicketFieldsResolver {
  constructor(
    private readonly queries: TicketQueries,
    private readonly messageLoaders: MessageLoaderFactory,
  ) {}

  @ResolveField(() => MessageConnectionModel, {
    description:
      'Oldest first. includeInternal is for staff; customers and partners asking for it get FORBIDDEN.',
  })
  async messages(
    @Parent() ticket: TicketModel,
    @CurrentPrincipal() principal: Principal,
    @Context() ctx: GraphqlContext,
    @Args('first', { type: () => Int, nullable: true }) first: number | null,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
    @Args('includeInternal', { type: () => Boolean, nullable: true, defaultValue: false })
    includeInternal: boolean | null,
  ): Promise<MessageConnectionModel> {
    const n = pageSize(first);
    const internal = includeInternal === true;
    if (internal && !isStaff(principal)) throw DomainError.forbidden('Internal notes are for staff only.');
    if (ticket.history) {
      const all = messagesFromEvents(ticket.history, internal);
      return toMessageConnection(
        pageOf(
          all,
          (m) => m.seq,
          (m) => m.id,
          n,
          after,
        ),
        after,
      );
    }
    if (!after) {
      const page = await this.messageLoaders
        .for(ctx)
        .load({ ticketId: ticket.id, includeInternal: internal, first: n });
      return toMessageConnection(page, after);
    }
    return toMessageConnection(await this.queries.messages(ticket.id, internal, n, after), after);
  }

  @ResolveField(() => TimelineConnectionModel, {
    description: "The ticket's events, oldest first; internal ones for staff only.",
  })
  async timeline(
    @Parent() ticket: TicketModel,
    @CurrentPrincipal() principal: Principal,
    @Args('first', { type: () => Int, nullable: true }) first: number | null,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
  ): Promise<TimelineConnectionModel> {
    const n = pageSize(first);
    if (ticket.history) {
      const visible = ticket.history.filter((e) => isStaff(principal) || !INTERNAL_TYPES.includes(e.type));
      const page = pageOf<StoredEvent>(
        visible,
        (e) => e.streamPosition,
        (e) => e.eventId,
        n,
        after,
      );
      return toTimelineConnection(page, after);
    }
    return toTimelineConnection(
      await this.queries.timeline(principal, ticket.id, n, orUndefined(after)),
      after,
    );
  }
}

@Resolver(() => TicketConnectionModel)
export class TicketConnectionResolver {
  @ResolveField(() => Int, { description: 'All tickets matching the filter (counted only when asked for).' })
  totalCount(@Parent() connection: TicketConnectionModel): Promise<number> {
    return connection.count();
  }
}

@Resolver(() => MessageConnectionModel)
export class MessageConnectionResolver {
  @ResolveField(() => Int)
  totalCount(@Parent() connection: MessageConnectionModel): Promise<number> {
    return connection.count();
  }
}
