import { Attachment, Author, TicketStatus } from '../domain/ticket.types';
import { Category, Channel, CustomerRef, Priority, Tier, TransactionRef } from '@kefu/kernel';

// The view types live with their pure fold in the domain (domain/ticket-view.ts).
import { SlaTargetView, TicketSlaView, TicketView } from '../domain/ticket-view';
export type { SlaTargetView, TicketSlaView, TicketView };

export interface MessageView {
  id: string;
  ticketId: string;
  body: string;
  visibility: 'public' | 'internal';
  author: Author;
  attachments: Attachment[];
  createdAt: string;
  seq: number;
}

export interface TicketRow {
  id: string;
  number: string;
  subject: string;
  description: string;
  category: Category;
  priority: Priority;
  /** The priority as a number, for ordering (low 0 … urgent 3). */
  priority_rank: number;
  /** priority_rank * 2, plus 1 for a VIP customer (a generated column): the QUEUE ordering. */
  queue_rank: number;
  status: TicketStatus;
  channel: Channel;
  language: string;
  customer: CustomerRef;
  transaction: TransactionRef | null;
  tags: string[];
  segments: string[];
  vip: boolean;
  tier: Tier;
  escalation_level: number;
  assignee_id: string | null;
  opened_by_kind: Author['kind'];
  opened_by_id: string | null;
  external_ref: string | null;
  reopen_count: number;
  escalation_requested: boolean;
  sla: TicketSlaView | null;
  next_sla_due_at: Date | null;
  sla_breached: boolean;
  created_at: Date;
  updated_at: Date;
  solved_at: Date | null;
  closed_at: Date | null;
  version: number;
  client_version: number;
}

const NO_SLA: TicketSlaView = { policyId: null, firstResponse: null, nextResponse: null, resolution: null };

// pg hands 'infinity' back as a non-Date: no deadline.
const iso = (d: Date | null): string | null =>
  d instanceof Date && !Number.isNaN(d.getTime()) ? d.toISOString() : null;

export function toTicketView(r: TicketRow): TicketView {
  return {
    id: r.id,
    number: r.number,
    subject: r.subject,
    description: r.description,
    category: r.category,
    priority: r.priority,
    status: r.status,
    channel: r.channel,
    language: r.language,
    customer: r.customer,
    transaction: r.transaction,
    tags: r.tags,
    segments: r.segments,
    vip: r.vip,
    tier: r.tier,
    escalationLevel: r.escalation_level,
    assigneeId: r.assignee_id,
    openedBy: { kind: r.opened_by_kind, ...(r.opened_by_id ? { id: r.opened_by_id } : {}) },
    externalRef: r.external_ref,
    reopenCount: r.reopen_count,
    escalationRequested: r.escalation_requested,
    sla: r.sla ?? NO_SLA,
    nextSlaDueAt: iso(r.next_sla_due_at),
    slaBreached: r.sla_breached,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
    solvedAt: iso(r.solved_at),
    closedAt: iso(r.closed_at),
    version: r.version,
    clientVersion: r.client_version,
  };
}

export interface MessageRow {
  id: string;
  ticket_id: string;
  seq: number;
  visibility: 'public' | 'internal';
  author_kind: Author['kind'];
  author_id: string | null;
  author_name: string | null;
  body: string;
  attachments: Attachment[];
  created_at: Date;
}

export function toMessageView(r: MessageRow): MessageView {
  return {
    id: r.id,
    ticketId: r.ticket_id,
    body: r.body,
    visibility: r.visibility,
    author: {
      kind: r.author_kind,
      ...(r.author_id ? { id: r.author_id } : {}),
      ...(r.author_name ? { name: r.author_name } : {}),
    },
    attachments: r.attachments,
    createdAt: r.created_at.toISOString(),
    seq: r.seq,
  };
}
