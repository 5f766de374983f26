import { StoredEvent, CustomerRefModel, TransactionRefModel, pageInfoOf } from '@kefu/platform';
import { Page, TicketPageRow } from '../../application/ticket-queries';
import { MessageView, SlaTargetView, TicketSlaView, TicketView } from '../../application/ticket-view';
import { Attachment, Author, AuthorKind } from '../../domain/ticket.types';
import { CustomerRef, TransactionRef } from '@kefu/kernel';
import { MessageConnectionModel, MessageEdgeModel, MessageModel } from './message.model';
import { TimelineConnectionModel, TimelineEntryModel } from './timeline.model';
import { SlaTargetModel, TicketConnectionModel, TicketModel, TicketSlaModel } from './ticket.model';
import { AttachmentModel, AuthorModel } from './ticket-parts.model';

// Read-model views → GraphQL models. Models are class instances, so the Node interface can tell
// which type an object is.

const date = (iso: string | null | undefined): Date | null => (iso ? new Date(iso) : null);

function slaTarget(t: SlaTargetView | null): SlaTargetModel | null {
  if (!t) return null;
  return { dueAt: date(t.dueAt), status: t.status, metAt: date(t.metAt), breachedAt: date(t.breachedAt) };
}

function customerModel(c: CustomerRef): CustomerRefModel {
  return { id: c.id, name: c.name ?? null, email: c.email ?? null, phone: c.phone ?? null };
}

function transactionModel(t: TransactionRef | null): TransactionRefModel | null {
  return t
    ? {
        id: t.id,
        amount: t.amount,
        currency: t.currency,
        occurredAt: date(t.occurredAt),
        merchantId: t.merchantId ?? null,
      }
    : null;
}

const NO_SLA: TicketSlaView = { policyId: null, firstResponse: null, nextResponse: null, resolution: null };

function slaModel(sla: TicketSlaView): TicketSlaModel {
  return {
    policyId: sla.policyId,
    firstResponse: slaTarget(sla.firstResponse),
    nextResponse: slaTarget(sla.nextResponse),
    resolution: slaTarget(sla.resolution),
  };
}

export function toTicketModel(v: TicketView, history?: StoredEvent[]): TicketModel {
  return Object.assign(new TicketModel(), {
    id: v.id,
    number: v.number,
    subject: v.subject,
    description: v.description,
    category: v.category,
    priority: v.priority,
    status: v.status,
    channel: v.channel,
    language: v.language,
    customer: customerModel(v.customer),
    transaction: transactionModel(v.transaction),
    tags: v.tags,
    segments: v.segments,
    vip: v.vip,
    tier: v.tier,
    escalationLevel: v.escalationLevel,
    sla: slaModel(v.sla),
    createdAt: new Date(v.createdAt),
    updatedAt: new Date(v.updatedAt),
    version: v.clientVersion,
    assigneeId: v.assigneeId,
    ...(history ? { history } : {}),
  } satisfies Omit<TicketModel, 'history'> & { history?: StoredEvent[] });
}

/**
 * A ticket of a column-limited page (TicketQueries.listColumns): only the fields whose columns were
 * read are set, mapped as toTicketModel maps them; GraphQL reads no others (ticket-selection.ts).
 */
export function toTicketModelFromRow(r: TicketPageRow): TicketModel {
  const m = new TicketModel();
  m.id = r.id;
  if (r.number !== undefined) m.number = r.number;
  if (r.subject !== undefined) m.subject = r.subject;
  if (r.description !== undefined) m.description = r.description;
  if (r.category !== undefined) m.category = r.category;
  if (r.priority !== undefined) m.priority = r.priority;
  if (r.status !== undefined) m.status = r.status;
  if (r.channel !== undefined) m.channel = r.channel;
  if (r.language !== undefined) m.language = r.language;
  if (r.customer !== undefined) m.customer = customerModel(r.customer);
  if (r.transaction !== undefined) m.transaction = transactionModel(r.transaction);
  if (r.tags !== undefined) m.tags = r.tags;
  if (r.tier !== undefined) m.tier = r.tier;
  if (r.escalation_level !== undefined) m.escalationLevel = r.escalation_level;
  if (r.sla !== undefined) m.sla = slaModel(r.sla ?? NO_SLA);
  if (r.created_at !== undefined) m.createdAt = r.created_at;
  if (r.updated_at !== undefined) m.updatedAt = r.updated_at;
  if (r.client_version !== undefined) m.version = r.client_version;
  if (r.segments !== undefined) m.segments = r.segments;
  if (r.vip !== undefined) m.vip = r.vip;
  if (r.assignee_id !== undefined) m.assigneeId = r.assignee_id;
  return m;
}

export function toTicketRowConnection(
  page: Page<TicketPageRow>,
  after: string | null | undefined,
): TicketConnectionModel {
  return {
    edges: page.items.map((i) => ({ cursor: i.cursor, node: toTicketModelFromRow(i.node) })),
    pageInfo: pageInfoOf(page, after),
    count: page.totalCount,
  };
}

export function toAuthorModel(a: Author): AuthorModel {
  return { kind: a.kind, id: a.id ?? null, name: a.name ?? null };
}

function toAttachmentModel(a: Attachment): AttachmentModel {
  return { name: a.name, contentType: a.contentType, size: a.size, url: a.url, sha256: a.sha256 ?? null };
}

export function toMessageModel(m: MessageView): MessageModel {
  return Object.assign(new MessageModel(), {
    id: m.id,
    body: m.body,
    visibility: m.visibility,
    author: toAuthorModel(m.author),
    attachments: m.attachments.map(toAttachmentModel),
    createdAt: new Date(m.createdAt),
  });
}

export function toTicketConnection(
  page: Page<TicketView>,
  after: string | null | undefined,
): TicketConnectionModel {
  return {
    edges: page.items.map((i) => ({ cursor: i.cursor, node: toTicketModel(i.node) })),
    pageInfo: pageInfoOf(page, after),
    count: page.totalCount,
  };
}

export function toMessageConnection(
  page: Page<MessageView>,
  after: string | null | undefined,
): MessageConnectionModel {
  const edges: MessageEdgeModel[] = page.items.map((i) => ({
    cursor: i.cursor,
    node: toMessageModel(i.node),
  }));
  return { edges, pageInfo: pageInfoOf(page, after), count: page.totalCount };
}

const AUTHOR_KINDS: readonly AuthorKind[] = ['customer', 'agent', 'system', 'partner'];

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function authorLike(v: unknown): AuthorModel | null {
  if (!isRecord(v) || !AUTHOR_KINDS.includes(v.kind as AuthorKind)) return null;
  return {
    kind: v.kind as AuthorKind,
    id: typeof v.id === 'string' ? v.id : null,
    name: typeof v.name === 'string' ? v.name : null,
  };
}

/**
 * Who caused an event: the actor in its metadata (partners appear as their channel, as they do as
 * message authors); for events recorded without one, the author the payload names, if any.
 */
export function actorOfEvent(e: StoredEvent): AuthorModel | null {
  const actor = e.metadata.actor;
  if (actor) {
    const base = authorLike(actor);
    if (base && actor.kind === 'partner' && actor.channel) return { ...base, id: actor.channel };
    if (base) return base;
  }
  const d = isRecord(e.data) ? e.data : {};
  return authorLike(d.author) ?? authorLike(d.openedBy) ?? authorLike(d.requestedBy);
}

export function toTimelineEntry(e: StoredEvent): TimelineEntryModel {
  return {
    position: String(e.streamPosition),
    type: e.type,
    occurredAt: e.createdAt,
    actor: actorOfEvent(e),
    data: e.data,
  };
}

export function toTimelineConnection(
  page: Page<StoredEvent>,
  after: string | null | undefined,
): TimelineConnectionModel {
  return {
    edges: page.items.map((i) => ({ cursor: i.cursor, node: toTimelineEntry(i.node) })),
    pageInfo: pageInfoOf(page, after),
  };
}
