import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';
import { EventConsumer, StoredEvent, Tx, inTransaction, GraphqlPubSub } from '@kefu/platform';
import { SURVEY_STREAM_TYPE, SurveySentData } from '../domain/survey';
import { SURVEY_COLUMNS, SurveyRow, SurveyView, toSurveyView } from './survey-view';

/**
 * Customers of the channels that have an app of their own (the wallet app, the web help centre,
 * in-app chat) get their survey in the app too: `pendingSurveys` and `surveyOpened` (GraphQL), beside
 * the partner webhook every channel gets. Phone, email, social and partner cases are asked through
 * their channel only.
 */
export const IN_APP_SURVEY_CHANNELS: readonly string[] = ['app', 'web', 'chat'];

/** What travels on a customer's topic: the survey to reload (for that customer). */
export interface SurveyOpenedMessage {
  surveyId: string;
}

/** A customer's topic; the customer id is hashed so that Redis channel names carry no account ids. */
export function surveyOpenedTopic(customerId: string): string {
  return `survey-opened.${createHash('sha256').update(customerId, 'utf8').digest('hex').slice(0, 32)}`;
}

/** The surveys of this customer's in-app tickets still open for an answer, newest first. */
export async function pendingSurveysIn(
  tx: Tx,
  customerId: string,
  opts: { surveyId?: string; now?: Date; limit?: number } = {},
): Promise<SurveyView[]> {
  const cols = SURVEY_COLUMNS.split(',')
    .map((c) => `s.${c.trim()}`)
    .join(', ');
  const rows = await tx.rows<SurveyRow>(
    `SELECT ${cols} FROM survey_view s JOIN ticket_view t ON t.id = s.ticket_id
      WHERE t.customer_id = $1 AND t.channel = ANY($2::text[]) AND s.status = 'sent' AND s.expires_at > $3
        AND ($4::text IS NULL OR s.id = $4)
      ORDER BY s.sent_at DESC, s.id LIMIT $5`,
    [customerId, IN_APP_SURVEY_CHANNELS, opts.now ?? new Date(), opts.surveyId ?? null, opts.limit ?? 50],
  );
  return rows.map(toSurveyView);
}

@Injectable()
export class PendingSurveys {
  constructor(private readonly ds: DataSource) {}

  list(customerId: string, surveyId?: string): Promise<SurveyView[]> {
    return inTransaction(this.ds, (tx) => pendingSurveysIn(tx, customerId, surveyId ? { surveyId } : {}));
  }
}

/**
 * Tells a customer's `surveyOpened` subscribers (on any API replica, through Redis) that a survey of
 * an in-app ticket went out. From the log, so the worker's send job need not know about GraphQL.
 */
@Injectable()
export class SurveyOpenedNotifier implements EventConsumer {
  readonly name = 'survey-opened-notifier';
  readonly batchSize = 200;
  // Notices are for live subscribers: on first deploy, start at the end instead of replaying history.
  readonly startAt = 'end';

  constructor(private readonly pubsub: GraphqlPubSub) {}

  async handle(events: StoredEvent[], tx: Tx): Promise<void> {
    const sent = events
      .filter((e) => e.streamType === SURVEY_STREAM_TYPE && e.type === 'SurveySent')
      .map((e) => e.data as SurveySentData)
      .filter((d) => IN_APP_SURVEY_CHANNELS.includes(d.channel));
    if (!sent.length) return;
    const owners = await tx.rows<{ id: string; customer_id: string }>(
      `SELECT id, customer_id FROM ticket_view WHERE id = ANY($1::text[])`,
      [sent.map((d) => d.ticketId)],
    );
    const customerOf = new Map(owners.map((o) => [o.id, o.customer_id]));
    // Best effort by design (publish never throws): a lost notice leaves the survey in pendingSurveys.
    await Promise.all(
      sent.flatMap((d) => {
        const customerId = customerOf.get(d.ticketId);
        return customerId
          ? [
              this.pubsub.publish<SurveyOpenedMessage>(surveyOpenedTopic(customerId), {
                surveyId: d.surveyId,
              }),
            ]
          : [];
      }),
    );
  }
}
