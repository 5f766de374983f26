import { Logger } from '@nestjs/common';
import { Args, Mutation, Parent, Query, ResolveField, Resolver, Subscription } from '@nestjs/graphql';
import { GraphQLError } from 'graphql';
import {
  CurrentPrincipal,
  DomainError,
  graphqlCodeOf,
  IdempotencyKey,
  IdempotencyRequest,
  Principal,
  Roles,
  UsersOnly,
  isDomainError,
  GraphqlPubSub,
} from '@kefu/platform';
import { STAFF_ROLES } from '@kefu/kernel';
import { TicketQueries, TicketModel, toTicketModel, mapIterator } from '@kefu/tickets';
import { PendingSurveys, SurveyOpenedMessage, surveyOpenedTopic } from '../../application/in-app-surveys';
import { SurveyTokens } from '../../application/survey-token';
import { SurveyView } from '../../application/survey-view';
import { SurveysService } from '../../application/surveys.service';
import { RespondToSurveyInput, UpdateSurveySettingsInput } from './feedback.inputs';
import { PendingSurveyModel, SurveyModel, SurveySettingsModel, toSurveyModel } from './feedback.models';

/** Surveys for frontends: answer by token, read and change the timings (admins). */
@Resolver(() => SurveyModel)
export class SurveysResolver {
  constructor(
    private readonly surveys: SurveysService,
    private readonly tickets: TicketQueries,
  ) {}

  @Roles(...STAFF_ROLES)
  @Query(() => SurveySettingsModel, { description: 'Survey timings, in seconds.' })
  async surveySettings(): Promise<SurveySettingsModel> {
    return Object.assign(new SurveySettingsModel(), await this.surveys.settings());
  }

  @Roles('admin')
  @Mutation(() => SurveySettingsModel, {
    description: 'New timings apply to tickets solved from now on (reminder before expiry).',
  })
  async updateSurveySettings(
    @Args('input') input: UpdateSurveySettingsInput,
    @IdempotencyKey() idempotency: IdempotencyRequest | undefined,
  ): Promise<SurveySettingsModel> {
    const r = await this.surveys.updateSettings(
      {
        delaySeconds: input.delaySeconds,
        reminderAfterSeconds: input.reminderAfterSeconds,
        expiresAfterSeconds: input.expiresAfterSeconds,
      },
      { idempotency },
    );
    return Object.assign(new SurveySettingsModel(), r.result);
  }

  @UsersOnly()
  @Mutation(() => SurveyModel, {
    description:
      'Answers a survey by its token (score 1–5, optional comment), once: SURVEY_ALREADY_ANSWERED, SURVEY_EXPIRED.',
  })
  async respondToSurvey(
    @Args('input') input: RespondToSurveyInput,
    @IdempotencyKey() idempotency: IdempotencyRequest | undefined,
  ): Promise<SurveyModel> {
    const r = await this.surveys.respond(
      input.token,
      { score: input.score, comment: input.comment ?? undefined },
      { idempotency },
    );
    return toSurveyModel(r.result);
  }

  @ResolveField(() => TicketModel)
  async ticket(
    @Parent() survey: SurveyModel,
    @CurrentPrincipal() principal: Principal,
  ): Promise<TicketModel> {
    return toTicketModel(await this.tickets.get(principal, survey.ticketId));
  }
}

/** The signed-in customer's own id; anyone else may not ask for "my surveys". */
function customerIdOf(principal: Principal | undefined): string {
  if (principal?.kind === 'user' && principal.role === 'customer' && principal.customerId)
    return principal.customerId;
  throw DomainError.forbidden('Only a signed-in customer has surveys of their own.');
}

/** Surveys in the customer's app: the pending ones, and each new one as it opens. */
@Resolver(() => PendingSurveyModel)
export class PendingSurveysResolver {
  private readonly logger = new Logger(PendingSurveysResolver.name);

  constructor(
    private readonly pending: PendingSurveys,
    private readonly tokens: SurveyTokens,
    private readonly pubsub: GraphqlPubSub,
  ) {}

  @Roles('customer')
  @Query(() => [PendingSurveyModel], {
    description:
      "The signed-in customer's satisfaction surveys still open for an answer (tickets from the app, web and chat), newest first.",
  })
  async pendingSurveys(@CurrentPrincipal() principal: Principal): Promise<PendingSurveyModel[]> {
    return (await this.pending.list(customerIdOf(principal))).map((s) => this.toModel(s));
  }

  @Subscription(() => PendingSurveyModel, {
    description:
      "Each satisfaction survey that opens for the signed-in customer's app, web or chat tickets (no initial value: query pendingSurveys first).",
    resolve: (v: PendingSurveyModel) => v,
  })
  surveyOpened(@CurrentPrincipal() principal: Principal): AsyncIterableIterator<PendingSurveyModel> {
    let customerId: string;
    try {
      customerId = customerIdOf(principal);
    } catch (e) {
      // graphql-ws does not run Apollo's formatError: the contract's code goes into the error itself.
      const err = e as DomainError;
      throw new GraphQLError(err.message, {
        originalError: err,
        extensions: { code: graphqlCodeOf(err.code) },
      });
    }
    const messages = this.pubsub.subscribe<SurveyOpenedMessage>(surveyOpenedTopic(customerId));
    return mapIterator(messages, async (m) => {
      // Reloaded for this customer: a message about anything else (or already answered) is dropped.
      const found = await this.pending.list(customerId, m.surveyId).catch((e: unknown) => {
        this.logger.warn({ err: (e as Error).message }, 'pending survey reload failed');
        return [];
      });
      return found[0] ? this.toModel(found[0]) : undefined;
    });
  }

  private toModel(s: SurveyView): PendingSurveyModel {
    return Object.assign(new PendingSurveyModel(), {
      survey: toSurveyModel(s),
      token: this.tokens.tokenFor(s.id),
    });
  }
}

/** Ticket.survey: the latest survey of the ticket (the ticket's own access rules already applied). */
@Resolver(() => TicketModel)
export class TicketSurveyResolver {
  constructor(private readonly surveys: SurveysService) {}

  @ResolveField(() => SurveyModel, {
    nullable: true,
    description: 'The latest satisfaction survey, once sent.',
  })
  async survey(@Parent() ticket: TicketModel): Promise<SurveyModel | null> {
    try {
      const s = await this.surveys.forTicket(ticket.id);
      return s ? toSurveyModel(s) : null;
    } catch (e) {
      if (isDomainError(e) && e.code === 'not_found') return null;
      throw e;
    }
  }
}
