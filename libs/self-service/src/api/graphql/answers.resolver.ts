import { Args, Context, ID, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import {
  CurrentPrincipal,
  DomainError,
  GraphqlContext,
  IdempotencyKey,
  IdempotencyRequest,
  Principal,
  Public,
  UsersOnly,
  isDomainError,
  GraphqlChannel,
  orUndefined,
} from '@kefu/platform';
import { Channel } from '@kefu/kernel';
import { TicketQueries, TicketModel, toTicketModel } from '@kefu/tickets';
import { AnswerQueries } from '../../application/answer-queries';
import { AnswersService } from '../../application/answers.service';
import { AnswersRateLimiter } from '../answers-rate-limit';
import {
  AcceptAnswerInput,
  AnswerSessionModel,
  HandOverToHumanInput,
  toAnswerSessionModel,
} from './self-service.models';

/** GraphQL is the frontends' API: partners ask over REST (POST /v1/answers). */
function frontendOnly(p: Principal | undefined): void {
  if (p?.kind === 'partner') throw DomainError.forbidden('Partner channels use POST /v1/answers.');
}

/**
 * Self-service answers for frontends: anyone may ask (the help centre is public; anonymous visitors
 * get a token for their session), customers and token holders record the outcome, staff read.
 */
@Resolver(() => AnswerSessionModel)
export class AnswersResolver {
  constructor(
    private readonly answers: AnswersService,
    private readonly queries: AnswerQueries,
    private readonly tickets: TicketQueries,
    private readonly limiter: AnswersRateLimiter,
  ) {}

  @Public()
  @Mutation(() => AnswerSessionModel, {
    description:
      'Answers a question from the help centre: detected language, suggested category and priority, the best articles (relevance and snippet). Records a session; rate-limited per caller.',
  })
  async suggestAnswers(
    @CurrentPrincipal() principal: Principal | undefined,
    @Context() ctx: GraphqlContext,
    @Args('question', { type: () => String }) question: string,
    @Args('language', { type: () => String, nullable: true, description: 'BCP 47; detected when absent.' })
    language: string | null,
    @Args('channel', { type: () => GraphqlChannel, nullable: true, description: 'Default WEB.' })
    channel: Channel | null,
    @IdempotencyKey() idempotency: IdempotencyRequest | undefined,
  ): Promise<AnswerSessionModel> {
    frontendOnly(principal);
    await this.limiter.check(principal, ctx.req);
    const r = await this.answers.suggest(
      principal,
      { question, language: orUndefined(language), channel: orUndefined(channel) },
      { idempotency },
    );
    return toAnswerSessionModel(r.result);
  }

  @Public()
  @Mutation(() => AnswerSessionModel, {
    description: 'The customer says an article answered the question (a deflection: no ticket).',
  })
  async acceptAnswer(
    @CurrentPrincipal() principal: Principal | undefined,
    @Args('input') input: AcceptAnswerInput,
    @IdempotencyKey() idempotency: IdempotencyRequest | undefined,
  ): Promise<AnswerSessionModel> {
    frontendOnly(principal);
    const r = await this.answers.accept(
      principal,
      input.sessionId,
      { articleId: input.articleId, token: input.token },
      { idempotency, expectedVersion: orUndefined(input.expectedVersion) },
    );
    return toAnswerSessionModel(r.result);
  }

  @UsersOnly()
  @Mutation(() => AnswerSessionModel, {
    description:
      'A person takes over: a ticket opens with the question, the suggested (or corrected) category and priority, and a note of the articles already shown (customers; an anonymous session is claimed with its token).',
  })
  async handOverToHuman(
    @CurrentPrincipal() principal: Principal,
    @Args('input') input: HandOverToHumanInput,
    @IdempotencyKey() idempotency: IdempotencyRequest | undefined,
  ): Promise<AnswerSessionModel> {
    const r = await this.answers.handOver(
      principal,
      input.sessionId,
      { token: input.token, category: input.category, comment: input.comment },
      { idempotency, expectedVersion: orUndefined(input.expectedVersion) },
    );
    return toAnswerSessionModel(r.result);
  }

  @Public()
  @Query(() => AnswerSessionModel, {
    nullable: true,
    description:
      'An answer session, or null if it does not exist or is not yours (anonymous: pass its token).',
  })
  async answerSession(
    @CurrentPrincipal() principal: Principal | undefined,
    @Args('id', { type: () => ID }) id: string,
    @Args('token', { type: () => String, nullable: true }) token: string | null,
  ): Promise<AnswerSessionModel | null> {
    frontendOnly(principal);
    try {
      return toAnswerSessionModel({ ...(await this.queries.get(principal, id, token)), token: null });
    } catch (e) {
      if (isDomainError(e) && e.code === 'not_found') return null;
      throw e;
    }
  }

  @ResolveField(() => TicketModel, {
    nullable: true,
    description: 'The ticket it was handed over to, if you may see it.',
  })
  async ticket(
    @Parent() s: AnswerSessionModel,
    @CurrentPrincipal() principal: Principal | undefined,
  ): Promise<TicketModel | null> {
    if (!s.ticketId || !principal) return null;
    try {
      return toTicketModel(await this.tickets.get(principal, s.ticketId));
    } catch (e) {
      if (isDomainError(e) && e.code === 'not_found') return null;
      throw e;
    }
  }
}

/** Ticket.selfService: the answer session a ticket was handed over from (the ticket's access rules apply). */
@Resolver(() => TicketModel)
export class TicketSelfServiceResolver {
  constructor(private readonly queries: AnswerQueries) {}

  @ResolveField(() => AnswerSessionModel, {
    nullable: true,
    description:
      'The self-service session this ticket came from: the question, the suggestion and the articles already shown.',
  })
  async selfService(@Parent() ticket: TicketModel): Promise<AnswerSessionModel | null> {
    const s = (await this.queries.byTickets([ticket.id])).get(ticket.id);
    return s ? toAnswerSessionModel({ ...s, token: null }) : null;
  }
}
