import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DomainError, PiiVault, Principal, Tx } from '@kefu/platform';
import { STAFF_ROLES } from '@kefu/kernel';
import {
  ANSWER_SESSION_COLUMNS,
  AnswerSessionRow,
  AnswerSessionView,
  toAnswerSessionView,
} from './answer-session-view';
import { AnswerTokens } from './answer-tokens';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const STAFF: readonly string[] = STAFF_ROLES;

/**
 * Reads of answer sessions. Who sees one: staff all; a customer the sessions of their account; a
 * partner the sessions it asked; an anonymous visitor the session whose token it holds (until a
 * customer claims it). Anyone else gets not_found. The question is opened on the way out.
 */
@Injectable()
export class AnswerQueries {
  constructor(
    private readonly ds: DataSource,
    private readonly vault: PiiVault,
    private readonly tokens: AnswerTokens,
  ) {}

  async get(principal: Principal | undefined, id: string, token?: string | null): Promise<AnswerSessionView> {
    const row = UUID.test(id)
      ? (
          (await this.ds.query(`SELECT ${ANSWER_SESSION_COLUMNS} FROM answer_session_view WHERE id = $1`, [
            id,
          ])) as AnswerSessionRow[]
        )[0]
      : undefined;
    if (!row || !this.maySee(principal, row, token)) throw DomainError.notFound('Answer session', id);
    return this.reveal(toAnswerSessionView(row));
  }

  async byIdIn(tx: Tx, id: string): Promise<AnswerSessionView | undefined> {
    const row = await tx.one<AnswerSessionRow>(
      `SELECT ${ANSWER_SESSION_COLUMNS} FROM answer_session_view WHERE id = $1`,
      [id],
    );
    return row ? toAnswerSessionView(row) : undefined;
  }

  /** The session each ticket was handed over from (Ticket.selfService), revealed. */
  async byTickets(ticketIds: readonly string[]): Promise<Map<string, AnswerSessionView>> {
    if (ticketIds.length === 0) return new Map();
    const rows = (await this.ds.query(
      `SELECT ${ANSWER_SESSION_COLUMNS} FROM answer_session_view WHERE ticket_id = ANY($1)`,
      [ticketIds],
    )) as AnswerSessionRow[];
    const views = await Promise.all(rows.map((r) => this.reveal(toAnswerSessionView(r))));
    return new Map(views.map((v) => [v.ticketId!, v]));
  }

  reveal(v: AnswerSessionView): Promise<AnswerSessionView> {
    return this.vault.reveal(v);
  }

  private maySee(p: Principal | undefined, r: AnswerSessionRow, token?: string | null): boolean {
    if (!p) return r.customer_id === null && this.tokens.isValid(r.id, token);
    if (p.kind === 'partner') return r.asked_by_kind === 'partner' && r.asked_by_id === p.partner;
    if (STAFF.includes(p.role)) return true;
    if (p.customerId !== undefined && r.customer_id === p.customerId) return true;
    return r.customer_id === null && this.tokens.isValid(r.id, token);
  }
}
