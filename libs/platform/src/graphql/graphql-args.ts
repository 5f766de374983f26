import { DomainError } from '../errors/domain-error';
import { Principal } from '../auth/principal';
import { PageInfoModel } from './value-types.model';

// Argument helpers every module's resolvers share (ADR 0015): Relay pagination and GraphQL nulls.

export const DEFAULT_PAGE = 20;
/** The largest page a list query returns (`first` above it is BAD_USER_INPUT). */
export const MAX_PAGE = 100;

/** `first`: default 20, at most 100 (BAD_USER_INPUT above, never silently capped). */
export function pageSize(first: number | null | undefined, field = 'first'): number {
  const n = first ?? DEFAULT_PAGE;
  if (!Number.isInteger(n) || n < 0 || n > MAX_PAGE) {
    throw DomainError.validation([{ field, message: `must be between 0 and ${MAX_PAGE}` }]);
  }
  return n;
}

/** A page's Relay PageInfo: its first and last cursors, and whether it came `after` one. */
export function pageInfoOf(
  page: { items: ReadonlyArray<{ cursor: string }>; hasNextPage: boolean },
  after: string | null | undefined,
): PageInfoModel {
  return {
    hasNextPage: page.hasNextPage,
    hasPreviousPage: Boolean(after),
    startCursor: page.items[0]?.cursor ?? null,
    endCursor: page.items[page.items.length - 1]?.cursor ?? null,
  };
}

/** Agents, supervisors and admins; customers and partners are the other side of the conversation. */
export function isStaff(p: Principal): boolean {
  return p.kind === 'user' && p.role !== 'customer';
}

/** GraphQL nulls → absent, for the domain's optional fields. */
export function orUndefined<T>(v: T | null | undefined): T | undefined {
  return v ?? undefined;
}
