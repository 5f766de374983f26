// The public event types of API.md ("Webhooks out"). Partners subscribe to these names; the domain
// event names behind them are Kefu's own business and may change.

export const PUBLIC_EVENT_TYPES = [
  'ticket.created',
  'ticket.message_added',
  'ticket.status_changed',
  'ticket.assigned',
  'ticket.escalated',
  'ticket.sla_warning',
  'ticket.sla_breached',
  'dispute.opened',
  'dispute.evidence_added',
  'dispute.status_changed',
  'dispute.decided',
  'refund.requested',
  'refund.approved',
  'refund.rejected',
  'refund.succeeded',
  'refund.failed',
  'recovery.opened',
  'recovery.account_frozen',
  'recovery.verified',
  'recovery.account_restored',
  'survey.sent',
  'survey.reminder',
  'survey.responded',
] as const;

export type PublicEventType = (typeof PUBLIC_EVENT_TYPES)[number];

export function isPublicEventType(v: unknown): v is PublicEventType {
  return typeof v === 'string' && (PUBLIC_EVENT_TYPES as readonly string[]).includes(v);
}

/** What every webhook body and every event-feed item looks like. */
export interface PublicEvent {
  /** The domain event's id: receivers dedupe by it. */
  id: string;
  type: PublicEventType;
  /** ISO 8601 UTC. */
  occurredAt: string;
  data: Record<string, unknown>;
}
