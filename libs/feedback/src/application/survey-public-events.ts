import { Injectable, OnModuleInit } from '@nestjs/common';
import { PublicEventSource, PublicEventSources, PublicTicketRef, SourceEvent } from '@kefu/platform';
import { SURVEY_STREAM_TYPE, SurveyRespondedData, SurveySentData } from '../domain/survey';
import { SURVEY_EVENT_SCHEMAS } from '../domain/survey-event.schemas';
import { SurveyTokens } from './survey-token';

/**
 * survey.sent / survey.reminder / survey.responded for the ticket's partner. Payloads are built
 * field by field. The token is derived here and appears in survey.sent only; the comment stays
 * private (free text may hold personal data), the score is public.
 */
@Injectable()
export class SurveyPublicEvents implements PublicEventSource, OnModuleInit {
  readonly streamType = SURVEY_STREAM_TYPE;
  readonly publicTypes = {
    SurveySent: 'survey.sent',
    SurveyReminderSent: 'survey.reminder',
    SurveyResponded: 'survey.responded',
  } as const;
  readonly payloadSchemas = SURVEY_EVENT_SCHEMAS;

  constructor(
    private readonly sources: PublicEventSources,
    private readonly tokens: SurveyTokens,
  ) {}

  onModuleInit(): void {
    this.sources.register(this);
  }

  toPublic(event: SourceEvent, ticket: PublicTicketRef): Record<string, unknown> | undefined {
    const base = {
      surveyId: event.streamId,
      ticketId: ticket.id,
      ticketNumber: ticket.number,
      externalRef: ticket.externalRef ?? null,
    };
    switch (event.type) {
      case 'SurveySent': {
        const d = event.data as SurveySentData;
        const token = this.tokens.tokenFor(event.streamId);
        return { ...base, token, link: this.tokens.linkFor(token), sentAt: d.at, expiresAt: d.expiresAt };
      }
      case 'SurveyReminderSent':
        return base;
      case 'SurveyResponded': {
        const d = event.data as SurveyRespondedData;
        return { ...base, score: d.score, respondedAt: d.at };
      }
      default:
        return undefined;
    }
  }
}
