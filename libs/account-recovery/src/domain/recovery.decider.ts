// The account-recovery decider: freeze first, verify, restore (NIST SP 800-63B): nothing about the
// account changes before verification except the protective freeze, and every change is an event.
import { RecoveryCommand, SubmitIdentityVerificationData } from './recovery.commands';
import { RecoveryEvent, RecoveryEventType } from './recovery.events';
import { RecoveryState, evolveRecovery, initialRecoveryState } from './recovery.state';
import {
  Actor,
  ActorRole,
  STAFF_ROLES,
  Violations,
  matching,
  optionalText,
  requiredText,
} from '@kefu/kernel';
import {
  DEFAULT_RECOVERY_POLICY,
  RECOVERY_KINDS,
  REVIEWER_ROLES,
  RecoveryPolicy,
  RecoveryRuleError,
  refOf,
} from './recovery.types';

export const RECOVERY_STREAM_TYPE = 'recovery_case';

/**
 * Personal fields of each event (dotted paths), sealed with the customer's data key before the
 * event is stored. Everything else in a payload is not personal.
 */
export const PERSONAL_FIELDS: Record<RecoveryEventType, readonly string[]> = {
  RecoveryCaseOpened: ['customer.name', 'customer.email', 'customer.phone'],
  AccountFrozen: [],
  VerificationRequested: [],
  IdentityVerificationSubmitted: ['fullName', 'documentNumber', 'documentNumberLast4', 'phone', 'email'],
  IdentityVerificationFailed: ['reason'],
  RecoveryCaseLockedOut: [],
  RecoveryLockReleased: [],
  IdentityVerified: [],
  AccountRestored: [],
  RecoveryCaseRejected: ['reason'],
  RecoveryCaseClosed: [],
};

const OPENERS: readonly ActorRole[] = ['customer', 'partner', ...STAFF_ROLES, 'system'];
const SUBMITTERS: readonly ActorRole[] = ['customer', 'partner', ...STAFF_ROLES];
const LANGUAGE = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/;
const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,255}$/;
const PHONE = /^\+?[0-9 ()-]{4,32}$/;
const DOCUMENT_NUMBER = /^[A-Za-z0-9 -]{4,64}$/;
const DOCUMENT_TYPE = /^[a-z][a-z_]{1,39}$/;

function allow(actor: Actor, roles: readonly ActorRole[], what: string): void {
  if (!roles.includes(actor.role))
    throw new RecoveryRuleError('forbidden', `A ${actor.role} may not ${what}.`);
}

function mustExist(s: RecoveryState): void {
  if (!s.exists) throw new RecoveryRuleError('not_found', 'Recovery case was not found.');
}

function invalid(s: RecoveryState, what: string): RecoveryRuleError {
  return new RecoveryRuleError('invalid_transition', `Recovery case ${s.id} is ${s.status}: cannot ${what}.`);
}

// null (a JSON client's "absent") is treated as undefined: it reached trim() and answered 500.
const trimmed = (v: string | null | undefined) => (v === undefined || v === null ? undefined : v.trim());
const optional = <K extends string>(key: K, v: string | null | undefined) =>
  v === undefined || v === null || v.trim() === '' ? {} : ({ [key]: v.trim() } as Record<K, string>);

function lastFour(documentNumber: string): string {
  return documentNumber.replace(/[\s-]/g, '').slice(-4);
}

function decideOpen(
  c: Extract<RecoveryCommand, { type: 'OpenRecoveryCase' }>,
  s: RecoveryState,
): RecoveryEvent[] {
  allow(c.actor, OPENERS, 'open a recovery case');
  if (s.exists) throw new RecoveryRuleError('invalid_transition', `Recovery case ${s.id} already exists.`);
  const d = c.data;
  const v = new Violations(RecoveryRuleError);
  if (!(RECOVERY_KINDS as readonly string[]).includes(d.kind))
    v.add('kind', `must be one of ${RECOVERY_KINDS.join(', ')}`);
  requiredText(v, 'customer.id', d.customer?.id, 200);
  optionalText(v, 'customer.name', d.customer?.name, 200);
  matching(v, 'customer.email', d.customer?.email, EMAIL, 'an email address');
  matching(v, 'customer.phone', d.customer?.phone, PHONE, 'a phone number');
  requiredText(v, 'description', d.description, 10_000);
  matching(v, 'language', d.language, LANGUAGE, 'a BCP 47 language tag such as en or zh-CN');
  v.throwIfAny();
  if (c.actor.role === 'customer') {
    if (!c.actor.customerId)
      throw new RecoveryRuleError('forbidden', 'A customer token without a customerId cannot open cases.');
    if (c.actor.customerId !== d.customer.id)
      throw new RecoveryRuleError('forbidden', 'Customers open recovery cases for their own account only.');
  }
  const by = refOf(c.actor);
  const customer = {
    id: d.customer.id.trim(),
    ...optional('name', d.customer.name),
    ...optional('email', d.customer.email),
    ...optional('phone', d.customer.phone),
  };
  const events: RecoveryEvent[] = [
    {
      type: 'RecoveryCaseOpened',
      data: {
        caseId: d.caseId,
        ticketId: d.ticketId,
        kind: d.kind,
        customer,
        language: trimmed(d.language) ?? 'en',
        openedBy: by,
        channel: d.channel,
        at: c.now,
      },
    },
  ];
  // A reported takeover freezes the account at once, in the opening's own transaction.
  if (d.kind === 'stolen')
    events.push({
      type: 'AccountFrozen',
      data: {
        caseId: d.caseId,
        customerId: customer.id,
        reason: 'reported_stolen',
        frozenBy: by,
        channel: d.channel,
        at: c.now,
      },
    });
  events.push({ type: 'VerificationRequested', data: { caseId: d.caseId, at: c.now } });
  return events;
}

function validateSubmission(d: SubmitIdentityVerificationData): void {
  const v = new Violations(RecoveryRuleError);
  requiredText(v, 'fullName', d.fullName, 200);
  requiredText(v, 'documentType', d.documentType, 40);
  matching(v, 'documentType', d.documentType, DOCUMENT_TYPE, 'lower case, such as passport or national_id');
  requiredText(v, 'documentNumber', d.documentNumber, 64);
  matching(v, 'documentNumber', d.documentNumber, DOCUMENT_NUMBER, '4-64 letters, digits, spaces or dashes');
  matching(v, 'email', d.email, EMAIL, 'an email address');
  matching(v, 'phone', d.phone, PHONE, 'a phone number');
  v.throwIfAny();
}

function decideSubmit(
  c: Extract<RecoveryCommand, { type: 'SubmitIdentityVerification' }>,
  s: RecoveryState,
): RecoveryEvent[] {
  mustExist(s);
  allow(c.actor, SUBMITTERS, 'submit an identity verification');
  validateSubmission(c.data);
  const events: RecoveryEvent[] = [];
  if (s.status === 'locked_out') {
    const until = Date.parse(s.lockedUntil ?? '');
    const now = Date.parse(c.now);
    if (now < until)
      throw new RecoveryRuleError(
        'rate_limited',
        `Too many failed verifications: the case is locked until ${s.lockedUntil}.`,
        [],
        Math.ceil((until - now) / 1000),
      );
    events.push({ type: 'RecoveryLockReleased', data: { caseId: s.id, at: c.now } });
  } else if (s.status !== 'awaiting_verification') {
    throw invalid(s, 'submit an identity verification');
  }
  const d = c.data;
  const documentNumber = d.documentNumber.trim();
  events.push({
    type: 'IdentityVerificationSubmitted',
    data: {
      caseId: s.id,
      attempt: s.attempts + 1,
      fullName: d.fullName.trim(),
      documentType: d.documentType.trim(),
      documentNumber,
      documentNumberLast4: lastFour(documentNumber),
      ...optional('phone', d.phone),
      ...optional('email', d.email),
      submittedBy: refOf(c.actor),
      at: c.now,
    },
  });
  return events;
}

function decideReview(
  c: Extract<RecoveryCommand, { type: 'ReviewIdentityVerification' }>,
  s: RecoveryState,
  policy: RecoveryPolicy,
): RecoveryEvent[] {
  mustExist(s);
  allow(c.actor, REVIEWER_ROLES, 'review an identity verification');
  if (s.status !== 'verification_submitted') throw invalid(s, 'review an identity verification');
  const by = refOf(c.actor);
  // Four eyes: whoever typed the identity data in for the customer does not also approve it.
  if (s.lastSubmittedBy && s.lastSubmittedBy.kind === 'agent' && s.lastSubmittedBy.id === by.id)
    throw new RecoveryRuleError(
      'forbidden',
      'The reviewer may not be the agent who submitted the verification.',
    );
  if (c.data.reason !== undefined) {
    const v = new Violations(RecoveryRuleError);
    optionalText(v, 'reason', c.data.reason, 2000);
    v.throwIfAny();
  }
  const base = { caseId: s.id, attempt: s.attempts, reviewedBy: by, at: c.now };
  if (c.data.approved) return [{ type: 'IdentityVerified', data: base }];
  const failed = s.failedVerifications + 1;
  const events: RecoveryEvent[] = [
    {
      type: 'IdentityVerificationFailed',
      data: { ...base, failedVerifications: failed, ...optional('reason', c.data.reason) },
    },
  ];
  if (failed - s.failuresAtRelease >= policy.maxFailedVerifications) {
    const lockedUntil = new Date(Date.parse(c.now) + policy.lockoutSeconds * 1000).toISOString();
    events.push({
      type: 'RecoveryCaseLockedOut',
      data: { caseId: s.id, failedVerifications: failed, lockedUntil, at: c.now },
    });
  }
  return events;
}

export function recoveryDecider(policy: RecoveryPolicy = DEFAULT_RECOVERY_POLICY) {
  return {
    initialState: initialRecoveryState,
    evolve: evolveRecovery,
    decide(c: RecoveryCommand, s: RecoveryState): RecoveryEvent[] {
      switch (c.type) {
        case 'OpenRecoveryCase':
          return decideOpen(c, s);
        case 'SubmitIdentityVerification':
          return decideSubmit(c, s);
        case 'ReviewIdentityVerification':
          return decideReview(c, s, policy);
        case 'RestoreAccount': {
          mustExist(s);
          allow(c.actor, REVIEWER_ROLES, 'restore an account');
          if (s.status !== 'verified') throw invalid(s, 'restore the account before identity is verified');
          return [
            {
              type: 'AccountRestored',
              data: {
                caseId: s.id,
                customerId: s.customerId,
                restoredBy: refOf(c.actor),
                unfreezes: s.frozen,
                credentialResetRequired: true,
                twoFactorRecommended: true,
                channel: s.channel,
                at: c.now,
              },
            },
          ];
        }
        case 'RejectRecoveryCase': {
          mustExist(s);
          allow(c.actor, REVIEWER_ROLES, 'reject a recovery case');
          if (['restored', 'closed', 'rejected'].includes(s.status)) throw invalid(s, 'reject it');
          const v = new Violations(RecoveryRuleError);
          requiredText(v, 'reason', c.data.reason, 2000);
          v.throwIfAny();
          // The freeze stays: only a verified identity lifts it (restoreAccount).
          return [
            {
              type: 'RecoveryCaseRejected',
              data: { caseId: s.id, rejectedBy: refOf(c.actor), reason: c.data.reason.trim(), at: c.now },
            },
          ];
        }
        case 'CloseRecoveryCase': {
          mustExist(s);
          allow(c.actor, STAFF_ROLES, 'close a recovery case');
          if (s.status !== 'restored') throw invalid(s, 'close it (only restored cases close)');
          return [
            { type: 'RecoveryCaseClosed', data: { caseId: s.id, closedBy: refOf(c.actor), at: c.now } },
          ];
        }
      }
    },
  };
}

/** Customers see their own cases; partners the cases they brought in; staff all. */
export function canSeeCase(
  actor: Actor,
  c: { customerId: string; openedBy: { kind: string; id: string } | undefined },
): boolean {
  switch (actor.role) {
    case 'customer':
      return actor.customerId !== undefined && actor.customerId === c.customerId;
    case 'partner':
      return c.openedBy?.kind === 'partner' && c.openedBy.id === actor.id;
    default:
      return true;
  }
}
