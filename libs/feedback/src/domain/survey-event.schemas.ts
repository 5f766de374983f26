// JSON Schemas of the survey.* payloads that survey-public-events.ts builds (published in
// /openapi.json `webhooks`). Closed objects: keep them in step with toPublic there.
import { JsonSchema, int, nullable, object, str, PublicEventType } from '@kefu/platform/domain';

const base = {
  surveyId: str('uuid'),
  ticketId: str('uuid'),
  ticketNumber: str(undefined, 'KF-000123'),
  externalRef: nullable(str()),
};

export const SURVEY_EVENT_SCHEMAS = {
  'survey.sent': object(
    {
      ...base,
      token: str(undefined, 'Single use: GET/POST /v1/surveys/{token}'),
      link: str(undefined, 'SURVEY_LINK_TEMPLATE with the token'),
      sentAt: str('date-time'),
      expiresAt: str('date-time'),
    },
    { description: 'Send the link to the customer' },
  ),
  'survey.reminder': object(base, { description: 'Remind the customer (the link of survey.sent)' }),
  'survey.responded': object({ ...base, score: int('1–5', 1), respondedAt: str('date-time') }),
} as const satisfies Partial<Record<PublicEventType, JsonSchema>>;
