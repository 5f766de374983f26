import { RecoveryCommand } from './recovery.commands';
import { canSeeCase, recoveryDecider } from './recovery.decider';
import { RecoveryEvent } from './recovery.events';
import { Actor } from '@kefu/kernel';
import { RecoveryRuleError } from './recovery.types';

const decider = recoveryDecider({ maxFailedVerifications: 3, lockoutSeconds: 3600 });
const T0 = '2026-01-01T00:00:00.000Z';
const at = (s: number) => new Date(Date.parse(T0) + s * 1000).toISOString();

const customer: Actor = { role: 'customer', id: 'u-1', customerId: 'cust-1' };
const partner: Actor = { role: 'partner', id: 'call-centre', name: 'Call centre' };
const agent: Actor = { role: 'agent', id: 'a-1' };
const senior: Actor = { role: 'senior_agent', id: 's-1' };
const supervisor: Actor = { role: 'supervisor', id: 'sup-1' };
const admin: Actor = { role: 'admin', id: 'adm-1' };

function run(history: RecoveryEvent[], command: RecoveryCommand): RecoveryEvent[] {
  const state = history.reduce(decider.evolve, decider.initialState());
  return decider.decide(command, state);
}
function refused(history: RecoveryEvent[], command: RecoveryCommand): RecoveryRuleError {
  try {
    run(history, command);
  } catch (e) {
    if (e instanceof RecoveryRuleError) return e;
    throw e;
  }
  throw new Error('expected a refusal');
}
const stateAfter = (events: RecoveryEvent[]) => events.reduce(decider.evolve, decider.initialState());

const open = (kind: 'locked' | 'stolen' | 'password_reset', actor: Actor = partner): RecoveryCommand => ({
  type: 'OpenRecoveryCase',
  actor,
  now: T0,
  data: {
    caseId: 'case-1',
    ticketId: 'ticket-1',
    kind,
    customer: { id: 'cust-1', name: 'Li Wei', email: 'li@example.com' },
    description: 'My phone was stolen',
    channel: 'phone',
  },
});
const submit = (now = at(10), actor: Actor = customer): RecoveryCommand => ({
  type: 'SubmitIdentityVerification',
  actor,
  now,
  data: { fullName: 'Li Wei', documentType: 'passport', documentNumber: 'G1234 5678' },
});
const review = (approved: boolean, now = at(20), actor: Actor = senior): RecoveryCommand => ({
  type: 'ReviewIdentityVerification',
  actor,
  now,
  data: { approved, ...(approved ? {} : { reason: 'photo does not match' }) },
});
const restore = (actor: Actor = senior): RecoveryCommand => ({
  type: 'RestoreAccount',
  actor,
  now: at(30),
  data: {},
});

const opened = (kind: 'locked' | 'stolen' | 'password_reset' = 'stolen') => run([], open(kind));
const submitted = (kind: 'locked' | 'stolen' | 'password_reset' = 'stolen') => {
  const h = opened(kind);
  return [...h, ...run(h, submit())];
};
const verified = () => {
  const h = submitted();
  return [...h, ...run(h, review(true))];
};
/** n failed rounds of submit + reject. */
const failedTimes = (n: number) => {
  let h = opened();
  for (let i = 0; i < n; i++) {
    h = [...h, ...run(h, submit(at(100 * i + 10)))];
    h = [...h, ...run(h, review(false, at(100 * i + 20)))];
  }
  return h;
};

describe('OpenRecoveryCase', () => {
  it('stolen: opens, freezes the account at once (with who, why, which channel), then asks for verification', () => {
    const events = run([], open('stolen'));
    expect(events.map((e) => e.type)).toEqual([
      'RecoveryCaseOpened',
      'AccountFrozen',
      'VerificationRequested',
    ]);
    expect(events[1].data).toEqual({
      caseId: 'case-1',
      customerId: 'cust-1',
      reason: 'reported_stolen',
      frozenBy: { kind: 'partner', id: 'call-centre', role: 'partner' },
      channel: 'phone',
      at: T0,
    });
    expect(stateAfter(events)).toMatchObject({ status: 'awaiting_verification', frozen: true });
  });

  it.each(['locked', 'password_reset'] as const)(
    '%s: no freeze, nothing about the account changes',
    (kind) => {
      const events = run([], open(kind));
      expect(events.map((e) => e.type)).toEqual(['RecoveryCaseOpened', 'VerificationRequested']);
      expect(stateAfter(events).frozen).toBe(false);
    },
  );

  it('a customer opens for their own account only', () => {
    expect(run([], open('locked', customer))[0].type).toBe('RecoveryCaseOpened');
    const other: Actor = { ...customer, customerId: 'cust-2' };
    expect(refused([], open('locked', other)).code).toBe('forbidden');
  });

  it('refuses bad input field by field, before emitting anything', () => {
    const bad: RecoveryCommand = {
      type: 'OpenRecoveryCase',
      actor: partner,
      now: T0,
      data: {
        caseId: 'c',
        ticketId: 't',
        kind: 'hijacked' as 'stolen',
        customer: { id: '', email: 'nope' },
        description: '',
        language: 'not a language!',
        channel: 'phone',
      },
    };
    const e = refused([], bad);
    expect(e.code).toBe('validation_failed');
    expect(e.errors.map((x) => x.field).sort()).toEqual(
      ['customer.email', 'customer.id', 'description', 'kind', 'language'].sort(),
    );
  });

  it('refuses to open a case twice', () => {
    expect(refused(opened(), open('stolen')).code).toBe('invalid_transition');
  });
});

describe('SubmitIdentityVerification', () => {
  it('records the submission with the last four characters of the document number', () => {
    const [e] = run(opened(), submit());
    expect(e).toMatchObject({
      type: 'IdentityVerificationSubmitted',
      data: { attempt: 1, fullName: 'Li Wei', documentNumber: 'G1234 5678', documentNumberLast4: '5678' },
    });
  });

  it('is refused outside awaiting_verification', () => {
    expect(refused(submitted(), submit()).code).toBe('invalid_transition');
    expect(refused(verified(), submit()).code).toBe('invalid_transition');
    expect(refused([], submit()).code).toBe('not_found');
  });

  it('validates the identity data', () => {
    const e = refused(opened(), {
      type: 'SubmitIdentityVerification',
      actor: customer,
      now: at(1),
      data: { fullName: ' ', documentType: 'Passport!', documentNumber: '12', email: 'x' },
    });
    expect(e.errors.map((x) => x.field).sort()).toEqual([
      'documentNumber',
      'documentType',
      'email',
      'fullName',
    ]);
  });
});

describe('null optional fields (JSON clients send null for absent; found by fuzzing: they were 500s)', () => {
  const none = null as unknown as undefined;

  it('a submission with null phone and email records neither', () => {
    const [e] = run(opened(), {
      type: 'SubmitIdentityVerification',
      actor: customer,
      now: at(10),
      data: {
        fullName: 'Li Wei',
        documentType: 'passport',
        documentNumber: 'G12345678',
        phone: none,
        email: none,
      },
    });
    expect(e.type).toBe('IdentityVerificationSubmitted');
    expect(e.data).not.toHaveProperty('phone');
    expect(e.data).not.toHaveProperty('email');
  });

  it('an opening with null contact details and language keeps the defaults', () => {
    const c = open('locked');
    const [e] = run([], {
      ...c,
      data: { ...c.data, customer: { id: 'cust-1', name: none, email: none, phone: none }, language: none },
    } as RecoveryCommand);
    expect(e).toMatchObject({
      type: 'RecoveryCaseOpened',
      data: { customer: { id: 'cust-1' }, language: 'en' },
    });
    expect(e.data).toMatchObject({ customer: expect.not.objectContaining({ name: expect.anything() }) });
  });
});

describe('ReviewIdentityVerification', () => {
  it('approval by a senior agent or a supervisor verifies the identity', () => {
    for (const reviewer of [senior, supervisor]) {
      const events = run(submitted(), review(true, at(20), reviewer));
      expect(events.map((e) => e.type)).toEqual(['IdentityVerified']);
    }
  });

  it.each([agent, admin, customer, partner])('%o may not review', (actor) => {
    expect(refused(submitted(), review(true, at(20), actor)).code).toBe('forbidden');
  });

  it('the agent who submitted on the customer’s behalf may not approve it', () => {
    let h = opened();
    h = [...h, ...run(h, submit(at(10), senior))];
    expect(refused(h, review(true, at(20), senior)).code).toBe('forbidden');
    expect(run(h, review(true, at(20), supervisor))[0].type).toBe('IdentityVerified');
  });

  it('a rejection counts a failure and asks again; the freeze stays', () => {
    const h = [...submitted(), ...run(submitted(), review(false))];
    expect(stateAfter(h)).toMatchObject({
      status: 'awaiting_verification',
      failedVerifications: 1,
      frozen: true,
    });
  });

  it('is refused when nothing is submitted', () => {
    expect(refused(opened(), review(true)).code).toBe('invalid_transition');
  });
});

describe('lock-out after 3 failed verifications', () => {
  it('the third failure locks the case until now + the lock-out period', () => {
    const h2 = failedTimes(2);
    const h = [...h2, ...run(h2, submit(at(210)))];
    const events = run(h, review(false, at(220)));
    expect(events.map((e) => e.type)).toEqual(['IdentityVerificationFailed', 'RecoveryCaseLockedOut']);
    expect(events[1].data).toMatchObject({ failedVerifications: 3, lockedUntil: at(220 + 3600) });
    expect(stateAfter(failedTimes(3))).toMatchObject({ status: 'locked_out', failedVerifications: 3 });
  });

  it('submissions during the lock-out are rate limited with the seconds to wait', () => {
    const e = refused(failedTimes(3), submit(at(220 + 3000)));
    expect(e.code).toBe('rate_limited');
    expect(e.retryAfterSeconds).toBe(600);
  });

  it('after lockedUntil a submission releases the lock and starts a new round of attempts', () => {
    const h = failedTimes(3);
    const events = run(h, submit(at(220 + 3600)));
    expect(events.map((e) => e.type)).toEqual(['RecoveryLockReleased', 'IdentityVerificationSubmitted']);
    const after = [...h, ...events];
    expect(stateAfter(after)).toMatchObject({ status: 'verification_submitted', failedVerifications: 3 });
    // One more failure does not lock again: the count starts over after a release.
    const failedOnce = [...after, ...run(after, review(false, at(4000)))];
    expect(stateAfter(failedOnce).status).toBe('awaiting_verification');
  });
});

describe('RestoreAccount', () => {
  it('restores a verified case, lifting the freeze and requiring a credential reset', () => {
    const [e] = run(verified(), restore());
    expect(e).toEqual({
      type: 'AccountRestored',
      data: {
        caseId: 'case-1',
        customerId: 'cust-1',
        restoredBy: { kind: 'agent', id: 's-1', role: 'senior_agent' },
        unfreezes: true,
        credentialResetRequired: true,
        twoFactorRecommended: true,
        channel: 'phone',
        at: at(30),
      },
    });
  });

  it('is refused before verification and for agents', () => {
    expect(refused(submitted(), restore()).code).toBe('invalid_transition');
    expect(refused(opened(), restore()).code).toBe('invalid_transition');
    expect(refused(verified(), restore(agent)).code).toBe('forbidden');
  });
});

describe('RejectRecoveryCase and CloseRecoveryCase', () => {
  const reject = (actor: Actor = senior, reason = 'fraudulent report'): RecoveryCommand => ({
    type: 'RejectRecoveryCase',
    actor,
    now: at(40),
    data: { reason },
  });
  const close = (actor: Actor = agent): RecoveryCommand => ({
    type: 'CloseRecoveryCase',
    actor,
    now: at(50),
    data: {},
  });

  it('rejects an open case; the account stays frozen (only a verified identity lifts it)', () => {
    const h = [...opened(), ...run(opened(), reject())];
    expect(stateAfter(h)).toMatchObject({ status: 'rejected', frozen: true });
    expect(refused(h, reject()).code).toBe('invalid_transition');
    expect(refused(h, submit()).code).toBe('invalid_transition');
  });

  it('needs a reason and a reviewer', () => {
    expect(refused(opened(), reject(senior, ' ')).code).toBe('validation_failed');
    expect(refused(opened(), reject(agent)).code).toBe('forbidden');
  });

  it('closes a restored case only', () => {
    const restored = [...verified(), ...run(verified(), restore())];
    expect(run(restored, close())[0].type).toBe('RecoveryCaseClosed');
    expect(refused(verified(), close()).code).toBe('invalid_transition');
    expect(refused(restored, close(customer)).code).toBe('forbidden');
  });
});

describe('canSeeCase', () => {
  const c = { customerId: 'cust-1', openedBy: { kind: 'partner', id: 'call-centre' } };
  it('customers their own, partners what they brought in, staff all', () => {
    expect(canSeeCase(customer, c)).toBe(true);
    expect(canSeeCase({ ...customer, customerId: 'x' }, c)).toBe(false);
    expect(canSeeCase(partner, c)).toBe(true);
    expect(canSeeCase({ ...partner, id: 'chat-vendor' }, c)).toBe(false);
    expect(canSeeCase(agent, c)).toBe(true);
  });
});
