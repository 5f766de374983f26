// JSON Schemas of the refund.* payloads that refund-events.source.ts builds (published in
// /openapi.json `webhooks`). Closed objects: keep them in step with toPublic there.
import { JsonSchema, bool, int, nullable, object, str, PublicEventType } from '@kefu/platform/domain';

const ticket = object(
  { id: str('uuid'), number: str(undefined, 'KF-000123'), externalRef: nullable(str()) },
  { description: 'The ticket the refund hangs off' },
);
const money = { amount: int('Minor units (1050 = 10.50)', 0), currency: str(undefined, 'ISO 4217') };
const settled = {
  refundId: str('uuid'),
  ticket,
  transactionId: str(),
  ...money,
  reference: str(undefined, "The payments core's payout reference"),
};

export const REFUND_EVENT_SCHEMAS = {
  'refund.requested': object({
    refundId: str('uuid'),
    ticket,
    disputeId: nullable(str('uuid', 'Set when a dispute decision created it')),
    customerId: str(undefined, 'The wallet account id (no other personal data)'),
    transaction: object({
      id: str(),
      amount: int('Minor units', 0),
      currency: str(undefined, 'ISO 4217'),
      occurredAt: nullable(str('date-time')),
    }),
    ...money,
    reason: str(),
    requiresSeniorApproval: bool(),
  }),
  'refund.approved': object(
    { refundId: str('uuid'), ticket, customerId: str(), transactionId: str(), ...money },
    { description: 'The payments core pays this out, then reports POST /v1/refunds/{id}/payout-result' },
  ),
  'refund.rejected': object({ refundId: str('uuid'), ticket, transactionId: str(), ...money, reason: str() }),
  'refund.succeeded': object(settled),
  'refund.failed': object({ ...settled, failureReason: nullable(str()) }),
} as const satisfies Partial<Record<PublicEventType, JsonSchema>>;
