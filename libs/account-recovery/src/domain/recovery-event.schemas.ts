// JSON Schemas of the recovery.* payloads that recovery-public-events.ts builds (published in
// /openapi.json `webhooks`). Closed objects, free of identity data: keep them in step with toPublic.
import { JsonSchema, bool, int, object, oneOfValues, str, PublicEventType } from '@kefu/platform/domain';
import { RECOVERY_KINDS } from './recovery.types';

const ticket = object(
  { id: str('uuid'), number: str(undefined, 'KF-000123'), externalRef: str() },
  { optional: ['externalRef'], description: 'The ticket the case hangs off' },
);
const customer = object({ id: str(undefined, 'The wallet account id') });
const actor = object({ kind: oneOfValues(['customer', 'agent', 'partner', 'system']), id: str() });
const common = { caseId: str('uuid'), ticket };
const channel = str(undefined, 'The channel the action came through');

export const RECOVERY_EVENT_SCHEMAS = {
  'recovery.opened': object({
    ...common,
    kind: oneOfValues(RECOVERY_KINDS),
    customer,
    channel,
    accountFrozen: bool('true for `stolen`: recovery.account_frozen follows'),
  }),
  'recovery.account_frozen': object(
    {
      ...common,
      customer,
      action: oneOfValues(['freeze']),
      reason: oneOfValues(['reported_stolen']),
      frozenBy: actor,
      channel,
      frozenAt: str('date-time'),
    },
    { description: 'The wallet core freezes the account' },
  ),
  'recovery.verified': object({
    ...common,
    attempt: int('Which verification attempt passed', 1),
    verifiedBy: actor,
    verifiedAt: str('date-time'),
  }),
  'recovery.account_restored': object(
    {
      ...common,
      customer,
      action: oneOfValues(['unfreeze']),
      unfreezes: bool('Whether this lifts a freeze Kefu ordered'),
      credentialResetRequired: { type: 'boolean', const: true },
      twoFactorRecommended: { type: 'boolean', const: true },
      restoredBy: actor,
      channel,
      restoredAt: str('date-time'),
    },
    { description: 'The wallet core unfreezes the account and requires a credential reset' },
  ),
} as const satisfies Partial<Record<PublicEventType, JsonSchema>>;
