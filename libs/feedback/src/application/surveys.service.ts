import { Injectable } from '@nestjs/common';
import {
  CommandResult,
  CommandRunner,
  DomainError,
  EventStore,
  IdempotencyRequest,
  Tx,
  linkStreamToTicket,
  Inbox,
  withDomainErrors,
  fromRuleError,
} from '@kefu/platform';
import { TicketEvent, TicketStatusChangedData, ticketDecider } from '@kefu/tickets';
import {
  DEFAULT_SURVEY_SETTINGS,
  SURVEY_STREAM_TYPE,
  SurveyCommand,
  SurveyEvent,
  SurveySettings,
  SurveyState,
  isLowScore,
  surveyDecider,
  surveyTimes,
  validateSurveySettings,
} from '../domain/survey';
import {
  SURVEY_SETTINGS_STREAM_ID,
  SURVEY_SETTINGS_STREAM_TYPE,
  SURVEY_SETTINGS_UPDATED,
  SurveySettingsProjection,
  SurveySettingsUpdatedData,
  SurveyViewProjection,
} from '../projections/survey.projections';
import { SupervisorEscalation } from './supervisor-escalation';
import { SurveyTokens, hashSurveyToken, looksLikeSurveyToken, surveyIdFor } from './survey-token';
import { ScheduledSurvey, SURVEY_COLUMNS, SurveyRow, SurveyView, toSurveyView } from './survey-view';

const decider = withDomainErrors(surveyDecider);

/** Surveys: sent by the worker after a solve, reminded, expired, answered by token. */
@Injectable()
export class SurveysService {
  constructor(
    private readonly commands: CommandRunner,
    private readonly store: EventStore,
    private readonly view: SurveyViewProjection,
    private readonly settingsProjection: SurveySettingsProjection,
    private readonly tokens: SurveyTokens,
    private readonly escalation: SupervisorEscalation,
  ) {}

  async settings(tx?: Tx): Promise<SurveySettings> {
    const sql = `SELECT delay_seconds, reminder_after_seconds, expires_after_seconds FROM survey_settings WHERE id = 1`;
    type Row = { delay_seconds: number; reminder_after_seconds: number; expires_after_seconds: number };
    const row = tx
      ? await tx.one<Row>(sql)
      : ((await this.commands.transaction({}, (t) => t.one<Row>(sql))).result ?? undefined);
    return row
      ? {
          delaySeconds: row.delay_seconds,
          reminderAfterSeconds: row.reminder_after_seconds,
          expiresAfterSeconds: row.expires_after_seconds,
        }
      : { ...DEFAULT_SURVEY_SETTINGS };
  }

  /** An event, so the dispatcher applies new timings from exactly this point of the log on. */
  async updateSettings(
    input: Record<keyof SurveySettings, unknown>,
    opts: { idempotency?: IdempotencyRequest } = {},
  ): Promise<CommandResult<SurveySettings>> {
    let settings: SurveySettings;
    try {
      settings = validateSurveySettings(input);
    } catch (e) {
      throw fromRuleError(e);
    }
    return this.commands.transaction({ idempotency: opts.idempotency }, async (tx) => {
      const at = this.commands.now();
      const data: SurveySettingsUpdatedData = { ...settings, at };
      const appended = await this.store.append(tx, {
        streamId: SURVEY_SETTINGS_STREAM_ID,
        streamType: SURVEY_SETTINGS_STREAM_TYPE,
        expectedVersion: 'any',
        events: [{ type: SURVEY_SETTINGS_UPDATED, data }],
      });
      await this.settingsProjection.apply(tx, appended.events);
      return settings;
    });
  }

  /**
   * The send job of one solve. Sends nothing if the ticket left `solved` since (other than by
   * closing: a reopen cancels, a second solve has its own job) or if the survey already went out.
   */
  async sendForSolve(ticketId: string, solveEventId: string, inbox: Inbox): Promise<string | undefined> {
    const once = { ...inbox, redelivered: () => Promise.resolve(undefined) };
    const r = await this.commands.transaction<string | undefined>({ inbox: once }, async (tx) => {
      const events = await this.store.readStream(tx, ticketId);
      const at = events.findIndex((e) => e.eventId === solveEventId);
      if (at < 0) return undefined;
      const movedOn = events
        .slice(at + 1)
        .some((e) => e.type === 'TicketStatusChanged' && (e.data as TicketStatusChangedData).to !== 'closed');
      if (movedOn) return undefined;
      let ticket = ticketDecider.initialState();
      for (const e of events.slice(0, at + 1))
        ticket = ticketDecider.evolve(ticket, { type: e.type, data: e.data } as TicketEvent);
      if (!ticket.exists) return undefined;
      const settings = await this.settings(tx);
      const surveyId = surveyIdFor(solveEventId);
      const now = this.commands.now();
      const appended = await this.run(tx, surveyId, {
        type: 'SendSurvey',
        now,
        data: {
          surveyId,
          ticketId,
          solveEventId,
          tokenHash: hashSurveyToken(this.tokens.tokenFor(surveyId)),
          ...(ticket.assigneeId ? { agentId: ticket.assigneeId } : {}),
          tier: ticket.tier,
          category: ticket.category,
          channel: ticket.channel,
          solvedAt: (events[at].data as TicketStatusChangedData).at,
          ...surveyTimes(now, settings),
        },
      });
      if (!appended) return undefined;
      await linkStreamToTicket(tx, surveyId, ticketId);
      return surveyId;
    });
    return r.result;
  }

  /** The reminder job: once, only while unanswered and unexpired. */
  async remind(surveyId: string, inbox: Inbox): Promise<boolean> {
    return this.job(surveyId, inbox, 'RemindSurvey');
  }

  /** The expiry job: a survey still unanswered at its expiry becomes `expired`. */
  async expire(surveyId: string, inbox: Inbox): Promise<boolean> {
    const current = (await this.commands.transaction({}, (tx) => this.byIdIn(tx, surveyId))).result;
    // Early (another host's clock): fail so BullMQ retries later, rather than consume the job.
    if (current?.status === 'sent' && this.commands.clock.now().getTime() < Date.parse(current.expiresAt))
      throw new Error(`survey ${surveyId} is not due to expire before ${current.expiresAt}`);
    return this.job(surveyId, inbox, 'ExpireSurvey');
  }

  async byToken(token: string): Promise<SurveyView> {
    const r = await this.commands.transaction({}, (tx) => this.rowByToken(tx, token));
    return r.result;
  }

  /**
   * The ticket's survey: the one of its latest solve — `scheduled` while the ticket waits in
   * `solved` for it to go out (its id is already known: derived from the solve) — or else the
   * latest one sent.
   */
  async forTicket(ticketId: string): Promise<SurveyView | ScheduledSurvey | undefined> {
    return (
      await this.commands.transaction({}, async (tx) => {
        const solve = await tx.one<{ id: string; status: string }>(
          `SELECT e.event_id::text AS id, t.status FROM ticket_view t
             JOIN es_events e ON e.stream_id = t.id AND e.event_type = 'TicketStatusChanged' AND e.data->>'to' = 'solved'
            WHERE t.id = $1 ORDER BY e.stream_position DESC LIMIT 1`,
          [ticketId],
        );
        const row = await tx.one<SurveyRow & { current: boolean }>(
          `SELECT ${SURVEY_COLUMNS}, solve_event_id = $2 AS current FROM survey_view
            WHERE ticket_id = $1 ORDER BY (solve_event_id = $2) DESC, sent_at DESC LIMIT 1`,
          [ticketId, solve?.id ?? ''],
        );
        if (solve?.status === 'solved' && !row?.current)
          return { id: surveyIdFor(solve.id), ticketId, status: 'scheduled' as const };
        return row ? toSurveyView(row) : undefined;
      })
    ).result;
  }

  /**
   * The answer, by token (the token is the credential). Exactly one answer: a concurrent second one
   * conflicts on the stream version, is retried, and then finds the survey answered (409). A low
   * score hands the ticket to a supervisor in the same transaction.
   */
  async respond(
    token: string,
    input: { score: unknown; comment?: unknown },
    opts: { idempotency?: IdempotencyRequest } = {},
  ): Promise<CommandResult<SurveyView>> {
    return this.commands.transaction({ idempotency: opts.idempotency, successStatus: 201 }, async (tx) => {
      const current = await this.rowByToken(tx, token);
      const now = this.commands.now();
      await this.run(tx, current.id, { type: 'RespondToSurvey', now, data: input });
      const answered = (await this.byIdIn(tx, current.id))!;
      if (answered.score !== null && isLowScore(answered.score)) {
        const comment = answered.comment ? `: "${answered.comment.slice(0, 1000)}"` : '';
        await this.escalation.escalate(
          tx,
          answered.ticketId,
          'low_survey_score',
          `Satisfaction survey answered with ${answered.score}/5${comment}`,
        );
      }
      return answered;
    });
  }

  async byIdIn(tx: Tx, id: string): Promise<SurveyView | undefined> {
    const row = await tx.one<SurveyRow>(`SELECT ${SURVEY_COLUMNS} FROM survey_view WHERE id = $1`, [id]);
    return row ? toSurveyView(row) : undefined;
  }

  /** Unknown, malformed or foreign tokens all look the same: not_found, nothing revealed. */
  private async rowByToken(tx: Tx, token: string): Promise<SurveyView> {
    const notFound = new DomainError('not_found', 'No survey was found for this link.');
    if (!looksLikeSurveyToken(token)) throw notFound;
    const row = await tx.one<SurveyRow>(`SELECT ${SURVEY_COLUMNS} FROM survey_view WHERE token_hash = $1`, [
      hashSurveyToken(token),
    ]);
    if (!row) throw notFound;
    return toSurveyView(row);
  }

  private async job(surveyId: string, inbox: Inbox, type: 'RemindSurvey' | 'ExpireSurvey'): Promise<boolean> {
    const r = await this.commands.transaction(
      { inbox: { ...inbox, redelivered: () => Promise.resolve(false) } },
      (tx) => this.run(tx, surveyId, { type, now: this.commands.now() }),
    );
    return r.result;
  }

  /** Appends what the decider decides; true when it decided something. */
  private async run(tx: Tx, surveyId: string, command: SurveyCommand): Promise<boolean> {
    return this.commands.handleIn<SurveyState, SurveyCommand, SurveyEvent, boolean>(tx, {
      streamType: SURVEY_STREAM_TYPE,
      streamId: surveyId,
      decider,
      command,
      project: (t, events) => this.view.apply(t, events),
      respond: (_t, { events }) => Promise.resolve(events.length > 0),
    });
  }
}
