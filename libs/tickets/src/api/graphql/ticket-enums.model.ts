import { registerEnumType } from '@nestjs/graphql';
import { TicketOrderField } from '../../application/ticket-queries';
import { AuthorKind, SettableStatus, TicketStatus, Visibility } from '../../domain/ticket.types';
import { SlaTargetView } from '../../application/ticket-view';

// The contract's enums: GraphQL names are UPPER_CASE, internal values the lower-case domain values
// REST uses, so resolvers hand domain values straight through. Each `satisfies` keeps an enum in
// step with its domain list (a value added on one side and not the other fails to compile).

type Exactly<E extends string, D extends string> = [E] extends [D] ? ([D] extends [E] ? true : never) : never;
const checked = <E extends string, D extends string>(ok: Exactly<E, D>): Exactly<E, D> => ok;

export enum GqlTicketStatus {
  NEW = 'new',
  OPEN = 'open',
  PENDING = 'pending',
  ON_HOLD = 'on_hold',
  SOLVED = 'solved',
  CLOSED = 'closed',
}
registerEnumType(GqlTicketStatus, { name: 'TicketStatus' });

export enum GqlSettableTicketStatus {
  OPEN = 'open',
  PENDING = 'pending',
  ON_HOLD = 'on_hold',
  SOLVED = 'solved',
}
registerEnumType(GqlSettableTicketStatus, {
  name: 'SettableTicketStatus',
  description: 'What setTicketStatus accepts.',
});

export enum GqlSlaTargetStatus {
  ACTIVE = 'active',
  PAUSED = 'paused',
  MET = 'met',
  BREACHED = 'breached',
  CANCELLED = 'cancelled',
}
registerEnumType(GqlSlaTargetStatus, { name: 'SlaTargetStatus' });

export enum GqlMessageVisibility {
  PUBLIC = 'public',
  INTERNAL = 'internal',
}
registerEnumType(GqlMessageVisibility, {
  name: 'MessageVisibility',
  description: 'INTERNAL notes are for staff only.',
});

export enum GqlAuthorKind {
  CUSTOMER = 'customer',
  AGENT = 'agent',
  SYSTEM = 'system',
  PARTNER = 'partner',
}
registerEnumType(GqlAuthorKind, { name: 'AuthorKind' });

export enum GqlTicketOrderField {
  CREATED_AT = 'created_at',
  UPDATED_AT = 'updated_at',
  PRIORITY = 'priority',
  NEXT_SLA_DUE_AT = 'next_sla_due_at',
  QUEUE = 'queue',
}
registerEnumType(GqlTicketOrderField, {
  name: 'TicketOrderField',
  valuesMap: {
    QUEUE: { description: 'Priority, then VIP customers first within a priority (DESC: the work queue).' },
  },
});

export enum GqlOrderDirection {
  ASC = 'asc',
  DESC = 'desc',
}
registerEnumType(GqlOrderDirection, { name: 'OrderDirection' });

export const ENUMS_MATCH_DOMAIN = [
  checked<`${GqlTicketStatus}`, TicketStatus>(true),
  checked<`${GqlSettableTicketStatus}`, SettableStatus>(true),
  checked<`${GqlSlaTargetStatus}`, SlaTargetView['status']>(true),
  checked<`${GqlMessageVisibility}`, Visibility>(true),
  checked<`${GqlAuthorKind}`, AuthorKind>(true),
  checked<`${GqlTicketOrderField}`, TicketOrderField>(true),
  checked<`${GqlOrderDirection}`, 'asc' | 'desc'>(true),
] as const;
