// What someone asks a recovery case to do. Values arrive in clear; the application layer seals the
// personal fields of the emitted events (PERSONAL_FIELDS) before they are stored.
import { Actor } from '@kefu/kernel';
import { RecoveryKind } from './recovery.types';

export interface OpenRecoveryCaseData {
  caseId: string;
  ticketId: string;
  kind: RecoveryKind;
  customer: { id: string; name?: string; email?: string; phone?: string };
  /** Goes to the ticket; validated here so that a bad request writes nothing. */
  description: string;
  language?: string;
  channel: string;
}

export interface SubmitIdentityVerificationData {
  fullName: string;
  documentType: string;
  documentNumber: string;
  phone?: string;
  email?: string;
}

export interface ReviewIdentityVerificationData {
  approved: boolean;
  reason?: string;
}

export interface RejectRecoveryCaseData {
  reason: string;
}

export interface RecoveryCommandBase<T extends string, D> {
  type: T;
  data: D;
  actor: Actor;
  /** ISO 8601 UTC; the domain never reads a clock. */
  now: string;
}

export type RecoveryCommand =
  | RecoveryCommandBase<'OpenRecoveryCase', OpenRecoveryCaseData>
  | RecoveryCommandBase<'SubmitIdentityVerification', SubmitIdentityVerificationData>
  | RecoveryCommandBase<'ReviewIdentityVerification', ReviewIdentityVerificationData>
  | RecoveryCommandBase<'RestoreAccount', Record<string, never>>
  | RecoveryCommandBase<'RejectRecoveryCase', RejectRecoveryCaseData>
  | RecoveryCommandBase<'CloseRecoveryCase', Record<string, never>>;

export type RecoveryCommandType = RecoveryCommand['type'];
