// A customer's segments as an admin set them (`vip`): one stream per customer account. Tickets the
// customer opens afterwards carry them (with any the partner gives), and SLA policies match on them.
import { Command, Decider, DomainEvent, DomainRuleError } from '@kefu/kernel';
import { normaliseSegments } from './ticket.validation';
import { Violations, requiredText, sameItems } from './validation';

export const CUSTOMER_SEGMENTS_STREAM_TYPE = 'customer_segments';
export const customerSegmentsStreamId = (customerId: string) => `customer-segments-${customerId}`;

export type CustomerSegmentsSet = DomainEvent<
  'CustomerSegmentsSet',
  { customerId: string; segments: string[]; at: string }
>;
export type SetCustomerSegments = Command<'SetCustomerSegments', { customerId: unknown; segments: unknown }>;
export type CustomerSegmentsState = { segments: string[] };

export const customerSegmentsDecider: Decider<
  CustomerSegmentsState,
  SetCustomerSegments,
  CustomerSegmentsSet
> = {
  initialState: () => ({ segments: [] }),
  evolve: (_s, e) => ({ segments: [...e.data.segments] }),
  decide: (command, state) => {
    if (command.actor.role !== 'admin') throw DomainRuleError.forbidden('Only admins set customer segments.');
    const v = new Violations();
    const customerId = requiredText(v, 'customerId', command.data.customerId, 200);
    const segments = normaliseSegments(v, 'segments', command.data.segments ?? []).sort();
    v.throwIfAny();
    if (sameItems(segments, state.segments)) return [];
    return [{ type: 'CustomerSegmentsSet', data: { customerId, segments, at: command.now } }];
  },
};
