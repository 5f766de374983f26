import {
  Attachment,
  Author,
  Category,
  Channel,
  CustomerRef,
  Priority,
  Tier,
  TicketStatus,
  TransactionRef,
} from '../domain/ticket.types';

/** A ticket as the read model holds it; REST and GraphQL map from this. */
export interface TicketView {
  id: string;
  number: string;
  subject: string;
  description: string;
  category: Category;
  priority: Priority;
  status: TicketStatus;
  channel: Channel;
  language: string;
  customer: CustomerRef;
  transaction: TransactionRef | null;
  tags: string[];
  tier: Tier;
  escalationLevel: number;
  assigneeId: string | null;
  openedBy: Author;
  externalRef: string | null;
  reopenCount: number;
  escalationRequested: boolean;
  sla: TicketSlaView;
  nextSlaDueAt: string | null;
  slaBreached: boolean;
  createdAt: string;
  updatedAt: string;
  solvedAt: string | null;
  closedAt: string | null;
  version: number;
}

export interface SlaTargetView {
  dueAt: string | null;
  status: 'active' | 'paused' | 'met' | 'breached' | 'cancelled';
  metAt: string | null;
  breachedAt: string | null;
  /** The deadline revision timers carry (absent on rows written before SLA clocks existed). */
  revision?: number;
  /** When the warning is due; null once warned or when the target is not running. */
  warnAt?: string | null;
}

/** Filled by the SLA module; until a policy applies, every target is absent. */
export interface TicketSlaView {
  policyId: string | null;
  firstResponse: SlaTargetView | null;
  nextResponse: SlaTargetView | null;
  resolution: SlaTargetView | null;
}

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
  status: TicketStatus;
  channel: Channel;
  language: string;
  customer: CustomerRef;
  transaction: TransactionRef | null;
  tags: string[];
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
