import { PublicEventSource, PublicTicketRef, SourceEvent } from '@kefu/platform';
import { RECOVERY_STREAM_TYPE } from '../domain/recovery.decider';
import { RecoveryEvent } from '../domain/recovery.events';
import { RECOVERY_EVENT_SCHEMAS } from '../domain/recovery-event.schemas';

const ticketOf = (t: PublicTicketRef) => ({
  id: t.id,
  number: t.number,
  ...(t.externalRef ? { externalRef: t.externalRef } : {}),
});

/**
 * recovery.* webhooks and feed items (API.md). Built field by field and free of identity data:
 * the wallet core needs the account id and what to do, never the customer's name or documents.
 */
export const RECOVERY_PUBLIC_EVENTS: PublicEventSource = {
  streamType: RECOVERY_STREAM_TYPE,
  publicTypes: {
    RecoveryCaseOpened: 'recovery.opened',
    AccountFrozen: 'recovery.account_frozen',
    IdentityVerified: 'recovery.verified',
    AccountRestored: 'recovery.account_restored',
  },
  payloadSchemas: RECOVERY_EVENT_SCHEMAS,
  toPublic(event: SourceEvent, ticket: PublicTicketRef): Record<string, unknown> | undefined {
    const e = { type: event.type, data: event.data } as RecoveryEvent;
    const common = { caseId: event.streamId, ticket: ticketOf(ticket) };
    switch (e.type) {
      case 'RecoveryCaseOpened':
        return {
          ...common,
          kind: e.data.kind,
          customer: { id: e.data.customer.id },
          channel: e.data.channel,
          // A stolen case is frozen in the same transaction; the freeze follows as its own event.
          accountFrozen: e.data.kind === 'stolen',
        };
      case 'AccountFrozen':
        return {
          ...common,
          customer: { id: e.data.customerId },
          action: 'freeze',
          reason: e.data.reason,
          frozenBy: { kind: e.data.frozenBy.kind, id: e.data.frozenBy.id },
          channel: e.data.channel,
          frozenAt: e.data.at,
        };
      case 'IdentityVerified':
        return {
          ...common,
          attempt: e.data.attempt,
          verifiedBy: { kind: e.data.reviewedBy.kind, id: e.data.reviewedBy.id },
          verifiedAt: e.data.at,
        };
      case 'AccountRestored':
        return {
          ...common,
          customer: { id: e.data.customerId },
          action: 'unfreeze',
          unfreezes: e.data.unfreezes,
          credentialResetRequired: e.data.credentialResetRequired,
          twoFactorRecommended: e.data.twoFactorRecommended,
          restoredBy: { kind: e.data.restoredBy.kind, id: e.data.restoredBy.id },
          channel: e.data.channel,
          restoredAt: e.data.at,
        };
      default:
        return undefined;
    }
  },
};
