import { Injectable } from '@nestjs/common';
import { Projection, StoredEvent, Tx, updateIfNewer } from '@kefu/platform';
import { RECOVERY_STREAM_TYPE } from '../domain/recovery.decider';
import { RecoveryEvent } from '../domain/recovery.events';

/** One verification attempt in the read model: personal fields stay sealed (revealed on the way out). */
export interface VerificationRow {
  attempt: number;
  submittedAt: string;
  /** Sealed. */
  fullName: string;
  documentType: string;
  /** Sealed. The full document number is never in the read model. */
  documentNumberLast4: string;
  outcome: 'approved' | 'rejected' | null;
  reviewedAt: string | null;
}

const TABLE = 'recovery_case_view';

/**
 * recovery_case_view, inline (same transaction as the case's events) and rebuildable. It holds
 * what the API needs, personal fields sealed as in the events, so an erasure reaches it too.
 */
@Injectable()
export class RecoveryCaseProjection implements Projection {
  readonly name = 'recovery_case_view';
  readonly tables = [TABLE] as const;

  async apply(tx: Tx, events: StoredEvent[]): Promise<void> {
    for (const stored of events) {
      if (stored.streamType !== RECOVERY_STREAM_TYPE) continue;
      await this.applyOne(tx, stored, { type: stored.type, data: stored.data } as RecoveryEvent);
    }
  }

  private async applyOne(tx: Tx, s: StoredEvent, e: RecoveryEvent): Promise<void> {
    const id = s.streamId;
    const v = s.streamPosition;
    switch (e.type) {
      case 'RecoveryCaseOpened':
        await tx.execute(
          `INSERT INTO ${TABLE} (id, ticket_id, kind, status, customer_id, customer, language, opened_by_kind,
             opened_by_id, created_at, updated_at, version)
           VALUES ($1, $2, $3, 'open', $4, $5, $6, $7, $8, $9, $9, $10) ON CONFLICT (id) DO NOTHING`,
          [
            id,
            e.data.ticketId,
            e.data.kind,
            e.data.customer.id,
            JSON.stringify(e.data.customer),
            e.data.language,
            e.data.openedBy.kind,
            e.data.openedBy.id,
            e.data.at,
            v,
          ],
        );
        return;
      case 'AccountFrozen':
        return updateIfNewer(tx, TABLE, id, v, e.data.at, 'account_frozen = true', []);
      case 'VerificationRequested':
        return updateIfNewer(tx, TABLE, id, v, e.data.at, `status = 'awaiting_verification'`, []);
      case 'IdentityVerificationSubmitted': {
        const row: VerificationRow = {
          attempt: e.data.attempt,
          submittedAt: e.data.at,
          fullName: e.data.fullName,
          documentType: e.data.documentType,
          documentNumberLast4: e.data.documentNumberLast4,
          outcome: null,
          reviewedAt: null,
        };
        return updateIfNewer(
          tx,
          TABLE,
          id,
          v,
          e.data.at,
          `status = 'verification_submitted', verifications = verifications || $4::jsonb`,
          [JSON.stringify([row])],
        );
      }
      case 'IdentityVerificationFailed':
        return this.review(tx, id, v, e.data.at, e.data.attempt, 'rejected', [
          `status = 'awaiting_verification'`,
          `failed_verifications = ${Number(e.data.failedVerifications)}`,
        ]);
      case 'IdentityVerified':
        return this.review(tx, id, v, e.data.at, e.data.attempt, 'approved', [`status = 'verified'`]);
      case 'RecoveryCaseLockedOut':
        return updateIfNewer(tx, TABLE, id, v, e.data.at, `status = 'locked_out', locked_until = $4`, [
          e.data.lockedUntil,
        ]);
      case 'RecoveryLockReleased':
        return updateIfNewer(
          tx,
          TABLE,
          id,
          v,
          e.data.at,
          `status = 'awaiting_verification', locked_until = NULL`,
          [],
        );
      case 'AccountRestored':
        return updateIfNewer(tx, TABLE, id, v, e.data.at, `status = 'restored', account_frozen = false`, []);
      case 'RecoveryCaseRejected':
        return updateIfNewer(tx, TABLE, id, v, e.data.at, `status = 'rejected'`, []);
      case 'RecoveryCaseClosed':
        return updateIfNewer(tx, TABLE, id, v, e.data.at, `status = 'closed'`, []);
    }
  }

  /** Sets the outcome of one attempt inside the verifications array. */
  private async review(
    tx: Tx,
    id: string,
    version: number,
    at: string,
    attempt: number,
    outcome: 'approved' | 'rejected',
    extra: string[],
  ): Promise<void> {
    await updateIfNewer(
      tx,
      TABLE,
      id,
      version,
      at,
      [
        ...extra,
        `verifications = (SELECT coalesce(jsonb_agg(CASE WHEN (x->>'attempt')::int = $4
            THEN x || jsonb_build_object('outcome', $5::text, 'reviewedAt', $3::text) ELSE x END ORDER BY n), '[]'::jsonb)
          FROM jsonb_array_elements(verifications) WITH ORDINALITY AS t(x, n))`,
      ].join(', '),
      [attempt, outcome],
    );
  }
}
