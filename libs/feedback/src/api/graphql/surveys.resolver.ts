import { Args, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import {
  CurrentPrincipal,
  IdempotencyKey,
  IdempotencyRequest,
  Principal,
  Roles,
  STAFF_ROLES,
  UsersOnly,
  isDomainError,
} from '@kefu/platform';
import { TicketQueries } from '@kefu/tickets';
import { TicketModel, toTicketModel } from '@kefu/tickets/api/graphql';
import { SurveysService } from '../../application/surveys.service';
import { RespondToSurveyInput, UpdateSurveySettingsInput } from './feedback.inputs';
import { SurveyModel, SurveySettingsModel, toSurveyModel } from './feedback.models';

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
