// What happened to a recovery case. Personal fields (customer contact, identity data) arrive here
// already sealed by the application layer (per-customer key): the decider only moves strings.
import { ActorRef, RecoveryKind } from './recovery.types';

export interface RecoveryCustomer {
  id: string;
  /** Sealed. */
  name?: string;
  /** Sealed. */
  email?: string;
  /** Sealed. */
  phone?: string;
}

export interface RecoveryCaseOpenedData {
  caseId: string;
  ticketId: string;
  kind: RecoveryKind;
  customer: RecoveryCustomer;
  language: string;
  openedBy: ActorRef;
  channel: string;
  at: string;
}

/** The protective freeze: who, why, through which channel (provenance). */
export interface AccountFrozenData {
  caseId: string;
  customerId: string;
  reason: 'reported_stolen';
  frozenBy: ActorRef;
  channel: string;
  at: string;
}

export interface VerificationRequestedData {
  caseId: string;
  at: string;
}

export interface IdentityVerificationSubmittedData {
  caseId: string;
  attempt: number;
  /** Sealed. */
  fullName: string;
  documentType: string;
  /** Sealed. */
  documentNumber: string;
  /** Sealed: even the last four characters go when the customer is forgotten. */
  documentNumberLast4: string;
  /** Sealed. */
  phone?: string;
  /** Sealed. */
  email?: string;
  submittedBy: ActorRef;
  at: string;
}

export interface IdentityVerificationReviewedData {
  caseId: string;
  attempt: number;
  reviewedBy: ActorRef;
  at: string;
}

export interface IdentityVerificationFailedData extends IdentityVerificationReviewedData {
  failedVerifications: number;
  /** Free text from the reviewer; may mention the customer, so sealed. */
  reason?: string;
}

export interface RecoveryCaseLockedOutData {
  caseId: string;
  failedVerifications: number;
  lockedUntil: string;
  at: string;
}

export interface RecoveryLockReleasedData {
  caseId: string;
  at: string;
}

export interface AccountRestoredData {
  caseId: string;
  customerId: string;
  restoredBy: ActorRef;
  /** Whether this lifts a freeze Kefu had ordered (stolen cases). */
  unfreezes: boolean;
  credentialResetRequired: true;
  twoFactorRecommended: true;
  channel: string;
  at: string;
}

export interface RecoveryCaseRejectedData {
  caseId: string;
  rejectedBy: ActorRef;
  /** Sealed (free text). */
  reason: string;
  at: string;
}

export interface RecoveryCaseClosedData {
  caseId: string;
  closedBy: ActorRef;
  at: string;
}

export type RecoveryEvent =
  | { type: 'RecoveryCaseOpened'; data: RecoveryCaseOpenedData }
  | { type: 'AccountFrozen'; data: AccountFrozenData }
  | { type: 'VerificationRequested'; data: VerificationRequestedData }
  | { type: 'IdentityVerificationSubmitted'; data: IdentityVerificationSubmittedData }
  | { type: 'IdentityVerificationFailed'; data: IdentityVerificationFailedData }
  | { type: 'RecoveryCaseLockedOut'; data: RecoveryCaseLockedOutData }
  | { type: 'RecoveryLockReleased'; data: RecoveryLockReleasedData }
  | { type: 'IdentityVerified'; data: IdentityVerificationReviewedData }
  | { type: 'AccountRestored'; data: AccountRestoredData }
  | { type: 'RecoveryCaseRejected'; data: RecoveryCaseRejectedData }
  | { type: 'RecoveryCaseClosed'; data: RecoveryCaseClosedData };

export type RecoveryEventType = RecoveryEvent['type'];
