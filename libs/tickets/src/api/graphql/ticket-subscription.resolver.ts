import { Logger } from '@nestjs/common';
import { Args, ID, Resolver, Subscription } from '@nestjs/graphql';
import { GraphQLError } from 'graphql';
import { CurrentPrincipal, Principal, graphqlCodeOf, isDomainError, GraphqlPubSub } from '@kefu/platform';
import { TicketQueries } from '../../application/ticket-queries';
import { assertTicketId } from './graphql-args';
import { toTicketModel } from './ticket.mapper';
import { TicketModel } from './ticket.model';
import { TicketUpdatedMessage, ticketTopic } from './ticket-updates.publisher';

/**
 * An async iterator that maps (and may drop) the source's values. Not an async generator: a
 * generator waiting for the next message cannot be ended, so an unsubscribing client would keep
 * its Redis subscription until the ticket changed again; return() here ends the source at once.
 */
export function mapIterator<T, R>(
  source: AsyncIterator<T>,
  fn: (value: T) => Promise<R | undefined>,
): AsyncIterableIterator<R> {
  const done = (): IteratorReturnResult<undefined> => ({ done: true, value: undefined });
  const iterator: AsyncIterableIterator<R> = {
    async next(): Promise<IteratorResult<R>> {
      for (;;) {
        const r = await source.next();
        if (r.done) return done();
        const mapped = await fn(r.value);
        if (mapped !== undefined) return { done: false, value: mapped };
      }
    },
    async return(): Promise<IteratorResult<R>> {
      await source.return?.();
      return done();
    },
    async throw(e: unknown): Promise<IteratorResult<R>> {
      await source.return?.();
      throw e;
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}

/** graphql-ws does not run Apollo's formatError: the contract's code goes into the error itself. */
function asGraphqlError(e: unknown): unknown {
  if (!isDomainError(e) || e.category === 'internal') return e;
  return new GraphQLError(e.message, { originalError: e, extensions: { code: graphqlCodeOf(e.code) } });
}

/**
 * `ticketUpdated(id)`: the ticket, reloaded from the read model, each time a command on it commits
 * (on any API replica: the messages go through Redis). Only for callers who may see the ticket;
 * others get NOT_FOUND, as for every other read.
 */
@Resolver(() => TicketModel)
export class TicketSubscriptionResolver {
  private readonly logger = new Logger(TicketSubscriptionResolver.name);

  constructor(
    private readonly queries: TicketQueries,
    private readonly pubsub: GraphqlPubSub,
  ) {}

  @Subscription(() => TicketModel, {
    description: 'The ticket after each change (no initial value: query it first).',
    resolve: (ticket: TicketModel) => ticket,
  })
  async ticketUpdated(
    @CurrentPrincipal() principal: Principal,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<AsyncIterableIterator<TicketModel>> {
    try {
      assertTicketId(id);
      await this.queries.get(principal, id);
    } catch (e) {
      throw asGraphqlError(e);
    }
    const messages = this.pubsub.subscribe<TicketUpdatedMessage>(ticketTopic(id));
    let lastVersion = 0;
    return mapIterator(messages, async () => {
      const view = await this.queries.get(principal, id).catch((e: unknown) => {
        // A failed reload skips this update; the next one reloads again.
        if (!isDomainError(e))
          this.logger.warn({ err: (e as Error).message, ticketId: id }, 'ticket reload failed');
        return undefined;
      });
      // Several commits can arrive while one reload runs; each version is sent once.
      if (!view || view.version <= lastVersion) return undefined;
      lastVersion = view.version;
      return toTicketModel(view);
    });
  }
}
