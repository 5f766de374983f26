// Domain ticket events → the public events of API.md. Pure: webhooks and the event feed both use it,
// so what a partner can receive is decided here, once. Payloads are built field by field (never by
// spreading event data), so a field added to a domain event stays private until it is added here.
import type { Attachment, Author, TicketEvent, TicketEventType } from '@kefu/tickets/domain';
import { maskCustomer, maskName } from './masking';
import { PublicEvent, PublicEventType } from '@kefu/platform/domain';

/** The ticket an event belongs to, from the read model (these fields never change). */
export interface TicketRef {
  id: string;
  number: string;
  channel: string;
  externalRef?: string | null;
}

export interface MappableEvent {
  eventId: string;
  /** The domain event type (`TicketOpened`, …). */
  type: string;
  data: unknown;
  /** When the log recorded it; used when the payload has no `at`. */
  recordedAt: Date | string;
  ticket: TicketRef;
}

/** Domain ticket event → public type; everything not listed (internal notes first of all) is private. */
const PUBLIC_TYPE_OF = {
  TicketOpened: 'ticket.created',
  PublicReplyAdded: 'ticket.message_added',
  TicketStatusChanged: 'ticket.status_changed',
  TicketAssigned: 'ticket.assigned',
  TicketEscalated: 'ticket.escalated',
  SlaTargetWarned: 'ticket.sla_warning',
  SlaTargetBreached: 'ticket.sla_breached',
} as const satisfies Partial<Record<TicketEventType, PublicEventType>>;

/** The domain event types that become public events: the event feed filters on these in SQL. */
export const MAPPED_TICKET_EVENT_TYPES = Object.keys(PUBLIC_TYPE_OF) as Array<keyof typeof PUBLIC_TYPE_OF>;

export function publicTypeOf(domainType: string): PublicEventType | undefined {
  return Object.prototype.hasOwnProperty.call(PUBLIC_TYPE_OF, domainType)
    ? PUBLIC_TYPE_OF[domainType as keyof typeof PUBLIC_TYPE_OF]
    : undefined;
}

function iso(v: Date | string): string {
  return typeof v === 'string' ? new Date(v).toISOString() : v.toISOString();
}

function ticketRef(t: TicketRef): Record<string, unknown> {
  return { id: t.id, number: t.number, channel: t.channel, externalRef: t.externalRef ?? null };
}

function author(a: Author): Record<string, unknown> {
  // A customer author's name is personal data; staff and partner names are not.
  const name = a.name ? (a.kind === 'customer' ? maskName(a.name) : a.name) : undefined;
  return { kind: a.kind, ...(a.id ? { id: a.id } : {}), ...(name ? { name } : {}) };
}

function attachment(a: Attachment): Record<string, unknown> {
  return {
    name: a.name,
    contentType: a.contentType,
    size: a.size,
    url: a.url,
    ...(a.sha256 ? { sha256: a.sha256 } : {}),
  };
}

function dataOf(e: TicketEvent, ticket: TicketRef): Record<string, unknown> | undefined {
  switch (e.type) {
    case 'TicketOpened': {
      const d = e.data;
      return {
        ticket: {
          ...ticketRef(ticket),
          subject: d.subject,
          description: d.description,
          category: d.category,
          priority: d.priority,
          status: 'new',
          language: d.language,
          tier: d.tier,
          tags: [...d.tags],
          customer: maskCustomer(d.customer),
          transaction: d.transaction
            ? {
                id: d.transaction.id,
                amount: d.transaction.amount,
                currency: d.transaction.currency,
                ...(d.transaction.occurredAt ? { occurredAt: d.transaction.occurredAt } : {}),
                ...(d.transaction.merchantId ? { merchantId: d.transaction.merchantId } : {}),
              }
            : null,
        },
      };
    }
    case 'PublicReplyAdded': {
      const d = e.data;
      // Belt and braces: the type already says public, the payload must agree.
      if ((d.visibility as string) !== 'public') return undefined;
      return {
        ticket: ticketRef(ticket),
        message: {
          id: d.messageId,
          body: d.body,
          author: author(d.author),
          attachments: (d.attachments ?? []).map(attachment),
          createdAt: d.at,
        },
      };
    }
    case 'TicketStatusChanged':
      return { ticket: ticketRef(ticket), from: e.data.from, to: e.data.to, reason: e.data.reason };
    case 'TicketAssigned':
      return {
        ticket: ticketRef(ticket),
        agentId: e.data.agentId,
        previousAgentId: e.data.previousAgentId ?? null,
      };
    case 'TicketEscalated':
      // The free-text reason is staff-written and may be internal: only the structured facts go out.
      return {
        ticket: ticketRef(ticket),
        fromTier: e.data.fromTier,
        toTier: e.data.toTier,
        level: e.data.level,
        trigger: e.data.trigger,
      };
    case 'SlaTargetWarned':
    case 'SlaTargetBreached':
      return { ticket: ticketRef(ticket), target: e.data.target, dueAt: e.data.dueAt };
    case 'InternalNoteAdded':
    case 'TicketUnassigned':
    case 'TicketReopened':
    case 'TicketTagged':
    case 'TicketPriorityChanged':
    case 'TicketEscalationRequested':
    case 'TicketClosed':
    case 'SlaPolicyApplied':
    case 'SlaTargetStarted':
    case 'SlaTargetPaused':
    case 'SlaTargetResumed':
    case 'SlaTargetMet':
    case 'SlaTargetCancelled':
    case 'SlaTargetRecalculated':
      return undefined;
  }
}

/** The public event for a ticket event, or undefined when partners must not see it. */
export function toPublicEvent(e: MappableEvent): PublicEvent | undefined {
  const type = publicTypeOf(e.type);
  if (!type) return undefined;
  const data = dataOf({ type: e.type, data: e.data } as TicketEvent, e.ticket);
  if (!data) return undefined;
  const at = (e.data as { at?: unknown } | null)?.at;
  return { id: e.eventId, type, occurredAt: typeof at === 'string' ? iso(at) : iso(e.recordedAt), data };
}
