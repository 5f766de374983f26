import { Injectable } from '@nestjs/common';
import {
  CommandResult,
  CommandRunner,
  DomainError,
  IdempotencyRequest,
  Principal,
  StoredEvent,
  Tx,
  fromRuleError,
} from '@kefu/platform';
import { TicketQueries, TicketsService } from '@kefu/tickets';
import { randomUUID } from 'node:crypto';
import {
  FEEDBACK_STREAM_TYPE,
  FeedbackInput,
  FeedbackKind,
  FeedbackSubmittedData,
  needsSupervisor,
  validateFeedback,
} from '../domain/feedback';
import { SupervisorEscalation } from './supervisor-escalation';

export interface FeedbackView {
  id: string;
  kind: FeedbackKind;
  body: string;
  customerId: string;
  ticketId: string | null;
  agentId: string | null;
  createdAt: string;
}

interface FeedbackRow {
  id: string;
  kind: FeedbackKind;
  body: string;
  customer_id: string;
  ticket_id: string | null;
  agent_id: string | null;
  created_at: Date;
}

const COLUMNS = `id, kind, body, customer_id, ticket_id, agent_id, created_at`;
const toView = (r: FeedbackRow): FeedbackView => ({
  id: r.id,
  kind: r.kind,
  body: r.body,
  customerId: r.customer_id,
  ticketId: r.ticket_id,
  agentId: r.agent_id,
  createdAt: new Date(r.created_at).toISOString(),
});

export interface FeedbackFilter {
  kind?: FeedbackKind[];
  agentId?: string;
  ticketId?: string;
}

/** feedback_view, inline. Free feedback never counts in the satisfaction figures. */
export async function projectFeedback(tx: Tx, events: StoredEvent[]): Promise<void> {
  for (const e of events) {
    if (e.streamType !== FEEDBACK_STREAM_TYPE || e.type !== 'FeedbackSubmitted') continue;
    const d = e.data as FeedbackSubmittedData;
    await tx.execute(
      `INSERT INTO feedback_view (id, kind, body, customer_id, ticket_id, agent_id, submitted_by_kind, submitted_by_id, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (id) DO NOTHING`,
      [
        d.feedbackId,
        d.kind,
        d.body,
        d.customerId,
        d.ticketId ?? null,
        d.agentId ?? null,
        d.submittedBy.kind,
        d.submittedBy.id,
        d.at,
      ],
    );
  }
}

/**
 * Suggestions, praise and complaints. A complaint about an agent goes to a supervisor: the ticket it
 * is about (or a new complaint ticket) is escalated to L3, atomically with the feedback.
 */
@Injectable()
export class FeedbackService {
  constructor(
    private readonly commands: CommandRunner,
    private readonly tickets: TicketsService,
    private readonly ticketQueries: TicketQueries,
    private readonly escalation: SupervisorEscalation,
  ) {}

  async submit(
    principal: Principal,
    input: Omit<FeedbackInput, 'customerId'> & { customerId?: unknown },
    opts: { idempotency?: IdempotencyRequest } = {},
  ): Promise<CommandResult<FeedbackView>> {
    let customerId = input.customerId;
    if (principal.kind === 'user' && principal.role === 'customer') {
      if (!principal.customerId) throw DomainError.forbidden('A customer token without a customerId.');
      if (customerId !== undefined && customerId !== principal.customerId)
        throw DomainError.forbidden('Customers give feedback for their own account only.');
      customerId = principal.customerId;
    }
    let checked: ReturnType<typeof validateFeedback>;
    try {
      checked = validateFeedback({
        ...input,
        customerId: customerId ?? (await this.customerOfTicket(principal, input.ticketId)),
      });
    } catch (e) {
      throw fromRuleError(e);
    }
    // The ticket must be one the caller may see (404 otherwise, nothing revealed).
    if (checked.ticketId) {
      if (!/^[0-9a-f-]{36}$/i.test(checked.ticketId)) throw DomainError.notFound('Ticket', checked.ticketId);
      const t = await this.ticketQueries.get(principal, checked.ticketId);
      if (t.customer.id !== checked.customerId)
        throw DomainError.validation([{ field: 'ticketId', message: "is not this customer's ticket" }]);
    }
    return this.commands.transaction({ idempotency: opts.idempotency, successStatus: 201 }, async (tx) => {
      const feedbackId = randomUUID();
      const at = this.commands.now();
      let ticketId = checked.ticketId;
      if (needsSupervisor(checked)) {
        const reason = `Complaint about agent ${checked.agentId}: ${checked.body.slice(0, 1500)}`;
        if (!ticketId) {
          const opened = await this.tickets.openIn(tx, principal, {
            subject: `Complaint about agent ${checked.agentId}`,
            description: checked.body,
            category: 'complaint',
            customer: { id: checked.customerId },
            tags: ['complaint', 'feedback'],
          });
          ticketId = opened.id;
        }
        ticketId = await this.escalation.escalate(tx, ticketId, 'complaint', reason);
      }
      const data: FeedbackSubmittedData = {
        feedbackId,
        kind: checked.kind,
        body: checked.body,
        customerId: checked.customerId,
        ...(ticketId ? { ticketId } : {}),
        ...(checked.agentId ? { agentId: checked.agentId } : {}),
        submittedBy:
          principal.kind === 'partner'
            ? { kind: 'partner', id: principal.partner }
            : { kind: principal.role, id: principal.sub },
        at,
      };
      const appended = await this.commands.store.append(tx, {
        streamId: feedbackId,
        streamType: FEEDBACK_STREAM_TYPE,
        expectedVersion: 'no_stream',
        events: [{ type: 'FeedbackSubmitted', data }],
      });
      await projectFeedback(tx, appended.events);
      return (await this.byIdIn(tx, feedbackId))!;
    });
  }

  async byIdIn(tx: Tx, id: string): Promise<FeedbackView | undefined> {
    const row = await tx.one<FeedbackRow>(`SELECT ${COLUMNS} FROM feedback_view WHERE id = $1`, [id]);
    return row ? toView(row) : undefined;
  }

  /** Newest first; cursor = the last row's id. For supervisors (the resolver checks the role). */
  async list(
    filter: FeedbackFilter,
    first: number,
    after?: string,
  ): Promise<{ items: FeedbackView[]; hasNextPage: boolean; totalCount: number }> {
    return (
      await this.commands.transaction({}, async (tx) => {
        const where: string[] = [];
        const params: unknown[] = [];
        if (filter.kind?.length) {
          params.push(filter.kind);
          where.push(`kind = ANY($${params.length})`);
        }
        if (filter.agentId) {
          params.push(filter.agentId);
          where.push(`agent_id = $${params.length}`);
        }
        if (filter.ticketId) {
          params.push(filter.ticketId);
          where.push(`ticket_id = $${params.length}`);
        }
        const base = where.length ? `WHERE ${where.join(' AND ')}` : '';
        const total = await tx.one<{ n: number }>(
          `SELECT count(*)::int AS n FROM feedback_view ${base}`,
          params,
        );
        const page = [...where];
        const pageParams = [...params];
        if (after) {
          const cur = await tx.one<{ created_at: Date }>(
            `SELECT created_at FROM feedback_view WHERE id = $1`,
            [after],
          );
          if (!cur)
            throw DomainError.validation([{ field: 'after', message: 'is not a cursor of this list' }]);
          pageParams.push(cur.created_at, after);
          page.push(`(created_at, id) < ($${pageParams.length - 1}, $${pageParams.length})`);
        }
        pageParams.push(first + 1);
        const rows = await tx.rows<FeedbackRow>(
          `SELECT ${COLUMNS} FROM feedback_view ${page.length ? `WHERE ${page.join(' AND ')}` : ''}
            ORDER BY created_at DESC, id DESC LIMIT $${pageParams.length}`,
          pageParams,
        );
        return {
          items: rows.slice(0, first).map(toView),
          hasNextPage: rows.length > first,
          totalCount: total?.n ?? 0,
        };
      })
    ).result;
  }

  /** Staff may leave feedback on a customer's behalf about a ticket: the customer is the ticket's. */
  private async customerOfTicket(principal: Principal, ticketId: unknown): Promise<string | undefined> {
    if (typeof ticketId !== 'string' || !/^[0-9a-f-]{36}$/i.test(ticketId)) return undefined;
    if (principal.kind !== 'user' || principal.role === 'customer') return undefined;
    return (await this.ticketQueries.get(principal, ticketId)).customer.id;
  }
}
