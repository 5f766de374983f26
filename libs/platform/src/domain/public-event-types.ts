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

/**
 * Privileged partners: a key with a scope receives the listed public events of every ticket, not only
 * of the tickets its channel brought in (the payments core pays out every approved refund, the wallet
 * core freezes every stolen account), and the module concerned lets it act on them (payout results).
 */
export const PARTNER_SCOPES = {
  payments_core: [
    'refund.requested',
    'refund.approved',
    'refund.rejected',
    'refund.succeeded',
    'refund.failed',
  ],
  wallet_core: [
    'recovery.opened',
    'recovery.account_frozen',
    'recovery.verified',
    'recovery.account_restored',
  ],
} as const satisfies Record<string, readonly PublicEventType[]>;

export type PartnerScope = keyof typeof PARTNER_SCOPES;

export function isPartnerScope(v: unknown): v is PartnerScope {
  return typeof v === 'string' && Object.prototype.hasOwnProperty.call(PARTNER_SCOPES, v);
}

/** The public types a set of scopes receives for every ticket. */
export function scopedPublicTypes(scopes: readonly string[]): PublicEventType[] {
  const out = new Set<PublicEventType>();
  for (const s of scopes) if (isPartnerScope(s)) for (const t of PARTNER_SCOPES[s]) out.add(t);
  return [...out];
}

/** `ticket.message_added` → `TicketMessageAddedEvent`: the name of its schema in the OpenAPI document. */
export function publicEventSchemaName(type: PublicEventType): string {
  const pascal = type
    .split(/[._]/)
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');
  return `${pascal}Event`;
}
