import { SurveyStatus } from '../domain/survey';

/** A survey as the read model holds it (no token: only its hash is kept). */
export interface SurveyView {
  id: string;
  ticketId: string;
  status: SurveyStatus;
  sentAt: string;
  remindAt: string;
  remindedAt: string | null;
  expiresAt: string;
  respondedAt: string | null;
  score: number | null;
  comment: string | null;
  version: number;
}

/** A survey not sent yet: the ticket is solved and the delay runs. */
export interface ScheduledSurvey {
  id: string;
  ticketId: string;
  status: 'scheduled';
}

export interface SurveyRow {
  id: string;
  ticket_id: string;
  status: SurveyStatus;
  sent_at: Date;
  remind_at: Date;
  reminded_at: Date | null;
  expires_at: Date;
  responded_at: Date | null;
  score: number | null;
  comment: string | null;
  version: number;
}

export const SURVEY_COLUMNS = `id, ticket_id, status, sent_at, remind_at, reminded_at, expires_at, responded_at, score, comment, version`;

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

export function toSurveyView(r: SurveyRow): SurveyView {
  return {
    id: r.id,
    ticketId: r.ticket_id,
    status: r.status,
    sentAt: iso(r.sent_at)!,
    remindAt: iso(r.remind_at)!,
    remindedAt: iso(r.reminded_at),
    expiresAt: iso(r.expires_at)!,
    respondedAt: iso(r.responded_at),
    score: r.score,
    comment: r.comment,
    version: r.version,
  };
}
