import { RecoveryEvent } from './recovery.events';
import { ActorRef, RecoveryKind, RecoveryStatus } from './recovery.types';

export interface RecoveryState {
  exists: boolean;
  id: string;
  ticketId: string;
  kind: RecoveryKind;
  status: RecoveryStatus;
  customerId: string;
  openedBy: ActorRef | undefined;
  channel: string;
  frozen: boolean;
  failedVerifications: number;
  /** failedVerifications when the last lock-out was released: a new round of attempts starts there. */
  failuresAtRelease: number;
  lockedUntil: string | undefined;
  attempts: number;
  lastSubmittedBy: ActorRef | undefined;
}

export function initialRecoveryState(): RecoveryState {
  return {
    exists: false,
    id: '',
    ticketId: '',
    kind: 'locked',
    status: 'open',
    customerId: '',
    openedBy: undefined,
    channel: '',
    frozen: false,
    failedVerifications: 0,
    failuresAtRelease: 0,
    lockedUntil: undefined,
    attempts: 0,
    lastSubmittedBy: undefined,
  };
}

export function evolveRecovery(s: RecoveryState, e: RecoveryEvent): RecoveryState {
  switch (e.type) {
    case 'RecoveryCaseOpened':
      return {
        ...s,
        exists: true,
        id: e.data.caseId,
        ticketId: e.data.ticketId,
        kind: e.data.kind,
        status: 'open',
        customerId: e.data.customer.id,
        openedBy: e.data.openedBy,
        channel: e.data.channel,
      };
    case 'AccountFrozen':
      return { ...s, frozen: true };
    case 'VerificationRequested':
      return { ...s, status: 'awaiting_verification' };
    case 'IdentityVerificationSubmitted':
      return {
        ...s,
        status: 'verification_submitted',
        attempts: e.data.attempt,
        lastSubmittedBy: e.data.submittedBy,
      };
    case 'IdentityVerificationFailed':
      return { ...s, status: 'awaiting_verification', failedVerifications: e.data.failedVerifications };
    case 'RecoveryCaseLockedOut':
      return { ...s, status: 'locked_out', lockedUntil: e.data.lockedUntil };
    case 'RecoveryLockReleased':
      return {
        ...s,
        status: 'awaiting_verification',
        lockedUntil: undefined,
        failuresAtRelease: s.failedVerifications,
      };
    case 'IdentityVerified':
      return { ...s, status: 'verified' };
    case 'AccountRestored':
      return { ...s, status: 'restored', frozen: false };
    case 'RecoveryCaseRejected':
      return { ...s, status: 'rejected' };
    case 'RecoveryCaseClosed':
      return { ...s, status: 'closed' };
  }
}
