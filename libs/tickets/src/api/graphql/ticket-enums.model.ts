import { registerEnumType } from '@nestjs/graphql';
import { TicketOrderField } from '../../application/ticket-queries';
import {
  AuthorKind,
  Category,
  Priority,
  SettableStatus,
  Tier,
  TicketStatus,
  Visibility,
} from '../../domain/ticket.types';
import { SlaTargetView } from '../../application/ticket-view';

// The contract's enums: GraphQL names are UPPER_CASE, internal values the lower-case domain values
// REST uses, so resolvers hand domain values straight through. Each `satisfies` keeps an enum in
// step with its domain list (a value added on one side and not the other fails to compile).

type Exactly<E extends string, D extends string> = [E] extends [D] ? ([D] extends [E] ? true : never) : never;
const checked = <E extends string, D extends string>(ok: Exactly<E, D>): Exactly<E, D> => ok;

export enum GqlTier {
  L1 = 'L1',
  L2 = 'L2',
  L3 = 'L3',
}
registerEnumType(GqlTier, { name: 'Tier', description: 'L1 front line, L2 senior agents, L3 supervisors.' });

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

export enum GqlPriority {
  LOW = 'low',
  NORMAL = 'normal',
  HIGH = 'high',
  URGENT = 'urgent',
}
registerEnumType(GqlPriority, { name: 'Priority' });

export enum GqlCategory {
  PAYMENT_FAILED = 'payment_failed',
  ACCOUNT_LOCKED = 'account_locked',
  ACCOUNT_STOLEN = 'account_stolen',
  PASSWORD_RESET = 'password_reset',
  TRANSACTION_DISPUTE = 'transaction_dispute',
  REFUND = 'refund',
  REFUND_NOT_RECEIVED = 'refund_not_received',
  ABNORMAL_CHARGE = 'abnormal_charge',
  CARD_UNBINDING = 'card_unbinding',
  CROSS_BORDER = 'cross_border',
  FEES = 'fees',
  PRIVACY = 'privacy',
  TECHNICAL = 'technical',
  FEATURE_QUESTION = 'feature_question',
  COMPLAINT = 'complaint',
  OTHER = 'other',
}
registerEnumType(GqlCategory, { name: 'Category' });

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
}
registerEnumType(GqlTicketOrderField, { name: 'TicketOrderField' });

export enum GqlOrderDirection {
  ASC = 'asc',
  DESC = 'desc',
}
registerEnumType(GqlOrderDirection, { name: 'OrderDirection' });

export const ENUMS_MATCH_DOMAIN = [
  checked<`${GqlTier}`, Tier>(true),
  checked<`${GqlTicketStatus}`, TicketStatus>(true),
  checked<`${GqlSettableTicketStatus}`, SettableStatus>(true),
  checked<`${GqlPriority}`, Priority>(true),
  checked<`${GqlCategory}`, Category>(true),
  checked<`${GqlSlaTargetStatus}`, SlaTargetView['status']>(true),
  checked<`${GqlMessageVisibility}`, Visibility>(true),
  checked<`${GqlAuthorKind}`, AuthorKind>(true),
  checked<`${GqlTicketOrderField}`, TicketOrderField>(true),
  checked<`${GqlOrderDirection}`, 'asc' | 'desc'>(true),
] as const;
