// The satisfaction survey of one solved ticket: sent once, reminded once, answered once, or expired.
import { FeedbackRuleError, Violations, text } from './rules';

export const SURVEY_STREAM_TYPE = 'survey';
export const SURVEY_STATUSES = ['scheduled', 'sent', 'responded', 'expired'] as const;
export type SurveyStatus = (typeof SURVEY_STATUSES)[number];

export const MIN_SCORE = 1;
export const MAX_SCORE = 5;
/** DOMAIN.md: a score of 1–2 opens a follow-up for a supervisor. */
export const LOW_SCORE_MAX = 2;
export const COMMENT_MAX_CHARS = 2000;

export interface SurveySentData {
  surveyId: string;
  ticketId: string;
  /** The TicketStatusChanged(→solved) event this survey is about: one survey per solve. */
  solveEventId: string;
  /** sha256 (hex) of the token; the token itself is derived when the survey.sent payload is built. */
  tokenHash: string;
  /** Attribution as the ticket stood when it was solved (satisfaction figures). */
  agentId?: string;
  tier: string;
  category: string;
  channel: string;
  solvedAt: string;
  remindAt: string;
  expiresAt: string;
  at: string;
}
export interface SurveyReminderSentData {
  at: string;
}
export interface SurveyRespondedData {
  score: number;
  comment?: string;
  at: string;
}
export interface SurveyExpiredData {
  at: string;
}

export type SurveyEvent =
  | { type: 'SurveySent'; data: SurveySentData }
  | { type: 'SurveyReminderSent'; data: SurveyReminderSentData }
  | { type: 'SurveyResponded'; data: SurveyRespondedData }
  | { type: 'SurveyExpired'; data: SurveyExpiredData };

export type SurveyState =
  | { exists: false }
  | {
      exists: true;
      id: string;
      ticketId: string;
      status: 'sent' | 'responded' | 'expired';
      reminded: boolean;
      expiresAt: string;
    };

export type SurveyCommand =
  | { type: 'SendSurvey'; now: string; data: Omit<SurveySentData, 'at'> }
  | { type: 'RemindSurvey'; now: string }
  | { type: 'RespondToSurvey'; now: string; data: { score: unknown; comment?: unknown } }
  | { type: 'ExpireSurvey'; now: string };

export function initialSurveyState(): SurveyState {
  return { exists: false };
}

export function evolveSurvey(state: SurveyState, event: SurveyEvent): SurveyState {
  switch (event.type) {
    case 'SurveySent':
      return {
        exists: true,
        id: event.data.surveyId,
        ticketId: event.data.ticketId,
        status: 'sent',
        reminded: false,
        expiresAt: event.data.expiresAt,
      };
    case 'SurveyReminderSent':
      return state.exists ? { ...state, reminded: true } : state;
    case 'SurveyResponded':
      return state.exists ? { ...state, status: 'responded' } : state;
    case 'SurveyExpired':
      return state.exists ? { ...state, status: 'expired' } : state;
  }
}

/**
 * Jobs (send, remind, expire) are delivered at least once: a repeated or late job decides nothing.
 * Answers are refused with the API's codes: answered → survey_already_answered, expired → survey_expired.
 */
export function decideSurvey(command: SurveyCommand, state: SurveyState): SurveyEvent[] {
  const now = command.now;
  if (command.type === 'SendSurvey') {
    if (state.exists) return [];
    return [{ type: 'SurveySent', data: { ...command.data, at: now } }];
  }
  if (!state.exists) throw new FeedbackRuleError('not_found', 'Survey was not found.');
  const expired = state.status === 'expired' || Date.parse(now) >= Date.parse(state.expiresAt);
  switch (command.type) {
    case 'RemindSurvey':
      if (state.status !== 'sent' || state.reminded || expired) return [];
      return [{ type: 'SurveyReminderSent', data: { at: now } }];
    case 'ExpireSurvey':
      if (state.status !== 'sent' || !expired) return [];
      return [{ type: 'SurveyExpired', data: { at: now } }];
    case 'RespondToSurvey': {
      const v = new Violations();
      const score = command.data.score;
      if (typeof score !== 'number' || !Number.isInteger(score) || score < MIN_SCORE || score > MAX_SCORE)
        v.add('score', `must be an integer from ${MIN_SCORE} to ${MAX_SCORE}`);
      const comment = text(v, 'comment', command.data.comment, COMMENT_MAX_CHARS, false);
      v.throwIfAny();
      if (state.status === 'responded')
        throw new FeedbackRuleError('survey_already_answered', 'This survey has already been answered.');
      if (expired) throw new FeedbackRuleError('survey_expired', 'This survey has expired.');
      return [
        {
          type: 'SurveyResponded',
          data: { score: score as number, ...(comment ? { comment } : {}), at: now },
        },
      ];
    }
  }
}

export const surveyDecider = {
  initialState: initialSurveyState,
  evolve: evolveSurvey,
  decide: decideSurvey,
};

export function isLowScore(score: number): boolean {
  return score <= LOW_SCORE_MAX;
}

// ---- settings ----

export interface SurveySettings {
  delaySeconds: number;
  reminderAfterSeconds: number;
  expiresAfterSeconds: number;
}

/** Issue 8: 1 h delay, reminder 24 h after sending, expiry 7 days after sending. */
export const DEFAULT_SURVEY_SETTINGS: SurveySettings = {
  delaySeconds: 3600,
  reminderAfterSeconds: 24 * 3600,
  expiresAfterSeconds: 7 * 24 * 3600,
};

const MAX_SECONDS = 90 * 24 * 3600;

/** Whole seconds; the reminder must come before the expiry or it would never be sent. */
export function validateSurveySettings(input: Record<keyof SurveySettings, unknown>): SurveySettings {
  const v = new Violations();
  const out: Partial<SurveySettings> = {};
  for (const key of ['delaySeconds', 'reminderAfterSeconds', 'expiresAfterSeconds'] as const) {
    const n = input[key];
    const min = key === 'delaySeconds' ? 0 : 1;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > MAX_SECONDS)
      v.add(key, `must be whole seconds from ${min} to ${MAX_SECONDS}`);
    else out[key] = n;
  }
  if (
    out.reminderAfterSeconds !== undefined &&
    out.expiresAfterSeconds !== undefined &&
    out.reminderAfterSeconds >= out.expiresAfterSeconds
  )
    v.add('reminderAfterSeconds', 'must be less than expiresAfterSeconds');
  v.throwIfAny();
  return out as SurveySettings;
}

/** When the sent survey is reminded and when it expires. */
export function surveyTimes(sentAt: string, s: SurveySettings): { remindAt: string; expiresAt: string } {
  const t = Date.parse(sentAt);
  return {
    remindAt: new Date(t + s.reminderAfterSeconds * 1000).toISOString(),
    expiresAt: new Date(t + s.expiresAfterSeconds * 1000).toISOString(),
  };
}

// ---- satisfaction figures ----

export interface SatisfactionFigures {
  responses: number;
  averageScore: number | null;
  /** Share of responses scoring 4 or 5, 0..1. */
  csat: number | null;
}

export function satisfactionOf(scores: readonly number[]): SatisfactionFigures {
  if (scores.length === 0) return { responses: 0, averageScore: null, csat: null };
  const sum = scores.reduce((a, b) => a + b, 0);
  return {
    responses: scores.length,
    averageScore: sum / scores.length,
    csat: scores.filter((s) => s >= 4).length / scores.length,
  };
}
