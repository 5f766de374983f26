import { Injectable } from '@nestjs/common';
import { ERASED, PiiVault, Principal, maskEmailAddress, maskFullName, maskPhoneNumber } from '@kefu/platform';
import { RecoveryKind, RecoveryStatus } from '../domain/recovery.types';
import { RecoveryCaseView } from './recovery-view';

/** A recovery case as an API answers it: personal data opened, then masked for the caller. */
export interface PresentedRecoveryCase {
  id: string;
  ticketId: string;
  kind: RecoveryKind;
  status: RecoveryStatus;
  customer: { id: string; name?: string; email?: string; phone?: string };
  language: string;
  accountFrozen: boolean;
  failedVerifications: number;
  lockedUntil: string | null;
  verifications: Array<{
    attempt: number;
    submittedAt: string;
    fullName: string;
    documentType: string;
    documentNumberLast4: string;
    outcome: string | null;
    reviewedAt: string | null;
  }>;
  createdAt: string;
  updatedAt: string;
  version: number;
}

/**
 * Who reads names and contact details unmasked: the customer themself and the reviewers (senior
 * agents, supervisors) who compare them with the documents. Everyone else gets masks. The document
 * number is never shown, to anyone: only its last four characters.
 */
function seesClear(p: Principal, view: RecoveryCaseView): boolean {
  if (p.kind !== 'user') return false;
  if (p.role === 'customer') return p.customerId === view.customerId;
  return p.role === 'senior_agent' || p.role === 'supervisor';
}

@Injectable()
export class RecoveryPresenter {
  constructor(private readonly vault: PiiVault) {}

  async present(
    principal: Principal,
    view: RecoveryCaseView,
    now = new Date(),
  ): Promise<PresentedRecoveryCase> {
    const open = await this.vault.reveal({ customer: view.customer, verifications: view.verifications });
    const clear = seesClear(principal, view);
    const name = (v: string) => (clear ? v : maskFullName(v));
    const c = open.customer;
    // A lock-out is over at lockedUntil: the next submission releases it, and clients see it open.
    const expired =
      view.status === 'locked_out' &&
      view.lockedUntil !== null &&
      Date.parse(view.lockedUntil) <= now.getTime();
    return {
      id: view.id,
      ticketId: view.ticketId,
      kind: view.kind,
      status: expired ? 'awaiting_verification' : view.status,
      customer: {
        id: c.id,
        ...(c.name ? { name: name(c.name) } : {}),
        ...(c.email ? { email: clear ? c.email : maskEmailAddress(c.email) } : {}),
        ...(c.phone ? { phone: clear ? c.phone : maskPhoneNumber(c.phone) } : {}),
      },
      language: view.language,
      accountFrozen: view.accountFrozen,
      failedVerifications: view.failedVerifications,
      lockedUntil: expired ? null : view.lockedUntil,
      verifications: open.verifications.map((v) => ({
        attempt: v.attempt,
        submittedAt: v.submittedAt,
        fullName: name(v.fullName),
        documentType: v.documentType,
        documentNumberLast4: v.documentNumberLast4 === ERASED ? ERASED : v.documentNumberLast4.slice(-4),
        outcome: v.outcome,
        reviewedAt: v.reviewedAt,
      })),
      createdAt: view.createdAt,
      updatedAt: view.updatedAt,
      version: view.version,
    };
  }

  presentAll(principal: Principal, views: RecoveryCaseView[]): Promise<PresentedRecoveryCase[]> {
    return Promise.all(views.map((v) => this.present(principal, v)));
  }
}
