// JSON Schemas of the dispute.* payloads that dispute-events.source.ts builds (published in
// /openapi.json `webhooks`). Closed objects: keep them in step with toPublic there.
import { JsonSchema, int, nullable, object, oneOfValues, str, PublicEventType } from '@kefu/platform/domain';
import { DISPUTE_OUTCOMES, DISPUTE_PARTIES, DISPUTE_STATUSES } from './dispute.types';

const ticket = object(
  { id: str('uuid'), number: str(undefined, 'KF-000123'), externalRef: nullable(str()) },
  { description: 'The ticket the dispute hangs off' },
);
const base = { disputeId: str('uuid'), ticket };

export const DISPUTE_EVENT_SCHEMAS = {
  'dispute.opened': object({
    ...base,
    customerId: str(undefined, 'The wallet account id (no other personal data)'),
    transaction: object({
      id: str(),
      amount: int('Minor units', 0),
      currency: str(undefined, 'ISO 4217'),
      merchantId: nullable(str()),
      occurredAt: nullable(str('date-time')),
    }),
    reason: str(),
    claimedAmount: int('Minor units, at most the transaction amount', 0),
  }),
  'dispute.evidence_added': object({
    ...base,
    evidenceId: str(),
    party: oneOfValues(DISPUTE_PARTIES),
    kind: str(undefined, 'receipt, chat_log, delivery_proof, statement…'),
  }),
  'dispute.status_changed': object(
    {
      ...base,
      from: oneOfValues(DISPUTE_STATUSES),
      to: oneOfValues(DISPUTE_STATUSES),
      reason: oneOfValues(
        ['merchant_notified', 'merchant_responded', 'merchant_deadline_missed', 'withdrawn'],
        '`withdrawn` when the customer withdrew it (then only `to` and `reason` are given)',
      ),
      merchantResponseDueAt: nullable(str('date-time')),
      merchantResponded: nullable({ type: 'boolean' }),
    },
    { optional: ['from', 'merchantResponseDueAt', 'merchantResponded'] },
  ),
  'dispute.decided': object({
    ...base,
    outcome: oneOfValues(DISPUTE_OUTCOMES),
    awardedAmount: int('Minor units', 0),
    currency: str(undefined, 'ISO 4217'),
    rationale: str(),
    refundId: nullable(str('uuid', 'The refund the award created')),
  }),
} as const satisfies Partial<Record<PublicEventType, JsonSchema>>;
