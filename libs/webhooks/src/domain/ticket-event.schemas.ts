// JSON Schemas of the ticket.* payloads that event-mapper.ts builds: published in /openapi.json
// (`webhooks`) and checked against real deliveries (test/contract/webhooks-tools.e2e-spec.ts).
// Keep them in step with dataOf() there: the schemas are closed, so a new field fails that test.
import {
  JsonSchema,
  arrayOf,
  int,
  nullable,
  object,
  oneOfValues,
  str,
  PublicEventType,
} from '@kefu/platform/domain';
import { SLA_TARGETS, AUTHOR_KINDS, ESCALATION_TRIGGERS, TICKET_STATUSES } from '@kefu/tickets/domain';
import { CATEGORIES, CHANNELS, PRIORITIES, TIERS } from '@kefu/kernel';

const STATUS_CHANGE_REASONS = ['agent', 'agent_replied', 'customer_replied', 'system', 'auto_close'];

/** The ticket an event is about, as every ticket.* payload names it. */
export const ticketRefSchema = object(
  {
    id: str('uuid'),
    number: str(undefined, 'KF-000123'),
    channel: oneOfValues(CHANNELS),
    externalRef: nullable(str(undefined, "The partner's own reference, given at creation")),
  },
  { description: 'The ticket' },
);

const masked = (what: string) => str(undefined, `${what}, masked (personal data)`);

const customer = object(
  {
    id: str(undefined, 'The wallet account id'),
    name: masked('L***'),
    email: masked('l***@example.com'),
    phone: masked('*******1234'),
  },
  { optional: ['name', 'email', 'phone'] },
);

const transaction = object(
  {
    id: str(),
    amount: int('Minor units (1050 = 10.50)', 0),
    currency: str(undefined, 'ISO 4217'),
    occurredAt: str('date-time'),
    merchantId: str(),
  },
  { optional: ['occurredAt', 'merchantId'] },
);

const author = object(
  { kind: oneOfValues(AUTHOR_KINDS), id: str(), name: str(undefined, "A customer's name is masked") },
  { optional: ['id', 'name'] },
);

const attachment = object(
  { name: str(), contentType: str(), size: int(undefined, 0), url: str(), sha256: str() },
  { optional: ['sha256'] },
);

const slaChange = object({
  ticket: ticketRefSchema,
  target: oneOfValues(SLA_TARGETS),
  dueAt: str('date-time'),
});

export const TICKET_EVENT_SCHEMAS = {
  'ticket.created': object({
    ticket: object({
      ...ticketRefSchema.properties,
      subject: str(),
      description: str(),
      category: oneOfValues(CATEGORIES),
      priority: oneOfValues(PRIORITIES),
      status: oneOfValues(['new']),
      language: str(undefined, 'BCP 47'),
      tier: oneOfValues(TIERS),
      tags: arrayOf(str()),
      customer,
      transaction: nullable(transaction),
    }),
  }),
  'ticket.message_added': object({
    ticket: ticketRefSchema,
    message: object({
      id: str(),
      body: str(),
      author,
      attachments: arrayOf(attachment),
      createdAt: str('date-time'),
    }),
  }),
  'ticket.status_changed': object({
    ticket: ticketRefSchema,
    from: oneOfValues(TICKET_STATUSES),
    to: oneOfValues(TICKET_STATUSES),
    reason: oneOfValues(STATUS_CHANGE_REASONS),
  }),
  'ticket.assigned': object({
    ticket: ticketRefSchema,
    agentId: str(),
    previousAgentId: nullable(str()),
  }),
  'ticket.escalated': object({
    ticket: ticketRefSchema,
    fromTier: oneOfValues(TIERS),
    toTier: oneOfValues(TIERS),
    level: int('0 at L1, 1 at L2, 2 at L3', 0),
    trigger: oneOfValues(ESCALATION_TRIGGERS),
  }),
  'ticket.sla_warning': slaChange,
  'ticket.sla_breached': slaChange,
} as const satisfies Partial<Record<PublicEventType, JsonSchema>>;
