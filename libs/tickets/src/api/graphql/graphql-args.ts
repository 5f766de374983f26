import { DomainError, Principal } from '@kefu/platform';
import { MAX_PAGE } from '../../application/ticket-queries';

export const DEFAULT_PAGE = 20;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ticket ids are UUIDs; anything else is a client mistake (BAD_USER_INPUT), not a missing ticket. */
export function assertTicketId(id: string, field = 'id'): void {
  if (!UUID.test(id)) throw DomainError.validation([{ field, message: 'must be a ticket id' }]);
}

/** `first`: default 20, at most 100 (BAD_USER_INPUT above, never silently capped). */
export function pageSize(first: number | null | undefined, field = 'first'): number {
  const n = first ?? DEFAULT_PAGE;
  if (!Number.isInteger(n) || n < 0 || n > MAX_PAGE) {
    throw DomainError.validation([{ field, message: `must be between 0 and ${MAX_PAGE}` }]);
  }
  return n;
}

/** Agents, supervisors and admins; customers and partners are the other side of the conversation. */
export function isStaff(p: Principal): boolean {
  return p.kind === 'user' && p.role !== 'customer';
}

/** GraphQL nulls → absent, for the domain's optional fields. */
export function orUndefined<T>(v: T | null | undefined): T | undefined {
  return v ?? undefined;
}
