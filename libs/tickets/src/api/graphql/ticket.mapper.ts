import { StoredEvent } from '@kefu/platform';
import { Page } from '../../application/ticket-queries';
import { MessageView, SlaTargetView, TicketView } from '../../application/ticket-view';
import { Attachment, Author, AuthorKind } from '../../domain/ticket.types';
import { MessageConnectionModel, MessageEdgeModel, MessageModel } from './message.model';
import { TimelineConnectionModel, TimelineEntryModel } from './timeline.model';
import { SlaTargetModel, TicketConnectionModel, TicketModel } from './ticket.model';
import { AttachmentModel, AuthorModel, PageInfoModel } from './ticket-parts.model';

// Read-model views → GraphQL models. Models are class instances, so the Node interface can tell
// which type an object is.

const date = (iso: string | null | undefined): Date | null => (iso ? new Date(iso) : null);

function slaTarget(t: SlaTargetView | null): SlaTargetModel | null {
  if (!t) return null;
  return { dueAt: date(t.dueAt), status: t.status, metAt: date(t.metAt), breachedAt: date(t.breachedAt) };
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
    customer: {
      id: v.customer.id,
      name: v.customer.name ?? null,
      email: v.customer.email ?? null,
      phone: v.customer.phone ?? null,
    },
    transaction: v.transaction
      ? {
          id: v.transaction.id,
          amount: v.transaction.amount,
          currency: v.transaction.currency,
          occurredAt: date(v.transaction.occurredAt),
          merchantId: v.transaction.merchantId ?? null,
        }
      : null,
    tags: v.tags,
    tier: v.tier,
    escalationLevel: v.escalationLevel,
    sla: {
      policyId: v.sla.policyId,
      firstResponse: slaTarget(v.sla.firstResponse),
      nextResponse: slaTarget(v.sla.nextResponse),
      resolution: slaTarget(v.sla.resolution),
    },
    createdAt: new Date(v.createdAt),
    updatedAt: new Date(v.updatedAt),
    version: v.version,
    assigneeId: v.assigneeId,
    ...(history ? { history } : {}),
  } satisfies Omit<TicketModel, 'history'> & { history?: StoredEvent[] });
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

export function pageInfoOf<T>(
  page: Pick<Page<T>, 'items' | 'hasNextPage'>,
  after: string | null | undefined,
): PageInfoModel {
  return {
    hasNextPage: page.hasNextPage,
    hasPreviousPage: Boolean(after),
    startCursor: page.items[0]?.cursor ?? null,
    endCursor: page.items[page.items.length - 1]?.cursor ?? null,
  };
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
