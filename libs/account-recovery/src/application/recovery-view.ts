import { RecoveryKind, RecoveryStatus } from '../domain/recovery.types';
import { VerificationRow } from '../projections/recovery-case-view.projection';

/** A recovery case as stored in the read model: personal fields still sealed. */
export interface RecoveryCaseView {
  id: string;
  ticketId: string;
  kind: RecoveryKind;
  status: RecoveryStatus;
  customerId: string;
  /** id in clear; name/email/phone sealed. */
  customer: { id: string; name?: string; email?: string; phone?: string };
  language: string;
  accountFrozen: boolean;
  failedVerifications: number;
  lockedUntil: string | null;
  verifications: VerificationRow[];
  openedBy: { kind: string; id: string | null };
  createdAt: string;
  updatedAt: string;
  version: number;
}

export interface RecoveryCaseRow {
  id: string;
  ticket_id: string;
  kind: RecoveryKind;
  status: RecoveryStatus;
  customer_id: string;
  customer: RecoveryCaseView['customer'];
  language: string;
  account_frozen: boolean;
  failed_verifications: number;
  locked_until: Date | null;
  verifications: VerificationRow[];
  opened_by_kind: string;
  opened_by_id: string | null;
  created_at: Date;
  updated_at: Date;
  version: number;
}

export const RECOVERY_COLUMNS = `id, ticket_id, kind, status, customer_id, customer, language, account_frozen,
  failed_verifications, locked_until, verifications, opened_by_kind, opened_by_id, created_at, updated_at, version`;

export function toRecoveryCaseView(r: RecoveryCaseRow): RecoveryCaseView {
  return {
    id: r.id,
    ticketId: r.ticket_id,
    kind: r.kind,
    status: r.status,
    customerId: r.customer_id,
    customer: r.customer,
    language: r.language,
    accountFrozen: r.account_frozen,
    failedVerifications: r.failed_verifications,
    lockedUntil: r.locked_until ? new Date(r.locked_until).toISOString() : null,
    verifications: r.verifications,
    openedBy: { kind: r.opened_by_kind, id: r.opened_by_id },
    createdAt: new Date(r.created_at).toISOString(),
    updatedAt: new Date(r.updated_at).toISOString(),
    version: r.version,
  };
}
