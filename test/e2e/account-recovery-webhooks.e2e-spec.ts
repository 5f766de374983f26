import { INestApplicationContext } from '@nestjs/common';
import request from 'supertest';
import { ApiKeyService } from '@kefu/platform';
import { WebhookReceiver, createTestDatabase } from '@kefu/test-fixtures';
import { createWorker } from '../../apps/worker/src/bootstrap';
import { ApiTestApp, startApiApp } from './support/api-app';

// The wallet core (a partner key with scope wallet_core) is told to freeze and unfreeze every
// account, whoever brought the case in; the partner who opened it hears about its own case.
// No payload carries identity data.
const RECOVERY_TYPES = [
  'recovery.opened',
  'recovery.account_frozen',
  'recovery.verified',
  'recovery.account_restored',
];
const NAME = 'Chen Jing';
const DOC = 'P11223344';

describe('account recovery webhooks (e2e: API + worker + receivers)', () => {
  let api: ApiTestApp;
  let worker: INestApplicationContext | undefined;
  let walletCore: WebhookReceiver;
  let callCentre: WebhookReceiver;

  beforeAll(async () => {
    api = await startApiApp({ db: await createTestDatabase() });
    walletCore = await WebhookReceiver.start(() => 200);
    callCentre = await WebhookReceiver.start(() => 200);
  });
  afterAll(async () => {
    await worker?.close();
    await walletCore?.close();
    await callCentre?.close();
    await api?.close();
    await api?.db.drop();
  });

  it('delivers freeze → verified → restore to the wallet core and the opening partner, without personal data', async () => {
    const keys = api.app.get(ApiKeyService);
    const coreKey = (await keys.create('partner', 'wallet-core', 'test', ['wallet_core'])).secret;
    const ccKey = (await keys.create('phone', 'call-centre')).secret;
    for (const [key, receiver] of [
      [coreKey, walletCore],
      [ccKey, callCentre],
    ] as const) {
      const hook = await request(api.server)
        .post('/v1/webhooks')
        .set('X-Api-Key', key)
        .send({ url: receiver.url, events: RECOVERY_TYPES });
      expect(hook.status).toBe(201);
    }
    worker = await createWorker(api.config);

    const opened = await request(api.server)
      .post('/v1/account-recovery')
      .set('X-Api-Key', ccKey)
      .send({ kind: 'stolen', customer: { id: 'acc-w1', name: NAME }, description: 'stolen' });
    expect(opened.status).toBe(201);
    const id = opened.body.id as string;
    const sub = await request(api.server)
      .post(`/v1/account-recovery/${id}/verification`)
      .set('X-Api-Key', ccKey)
      .send({ fullName: NAME, documentType: 'passport', documentNumber: DOC });
    expect(sub.status).toBe(202);
    const senior = api.bearer({ sub: 'senior-1', role: 'senior_agent' });
    const gql = (query: string) =>
      request(api.server).post('/graphql').set('Authorization', senior).send({ query });
    expect(
      (
        await gql(
          `mutation { reviewIdentityVerification(input: {caseId: "${id}", approved: true}) { status } }`,
        )
      ).body.errors,
    ).toBeUndefined();
    expect(
      (await gql(`mutation { restoreAccount(input: {caseId: "${id}"}) { status } }`)).body.errors,
    ).toBeUndefined();

    const all = (r: WebhookReceiver) => RECOVERY_TYPES.every((t) => r.ofType(t).length >= 1);
    await walletCore.waitFor(all, 30_000);
    await callCentre.waitFor(all, 30_000);

    for (const r of [walletCore, callCentre]) {
      // Deliveries run concurrently (receivers order by occurredAt): the set, each exactly once.
      expect(r.requests.map((x) => x.json.type).sort()).toEqual([...RECOVERY_TYPES].sort());
      const frozen = r.ofType('recovery.account_frozen')[0].json.data;
      expect(frozen).toMatchObject({
        caseId: id,
        customer: { id: 'acc-w1' },
        action: 'freeze',
        reason: 'reported_stolen',
        frozenBy: { kind: 'partner', id: 'call-centre' },
        channel: 'phone',
      });
      expect(r.ofType('recovery.account_restored')[0].json.data).toMatchObject({
        action: 'unfreeze',
        credentialResetRequired: true,
        restoredBy: { kind: 'agent', id: 'senior-1' },
      });
      const text = r.requests.map((x) => x.body).join('\n');
      expect(text).not.toContain(NAME);
      expect(text).not.toContain(DOC);
    }

    // A customer reporting through the app (no partner behind the ticket): the wallet core still freezes.
    const customer = api.bearer({ sub: 'u-9', role: 'customer', customerId: 'acc-w2' });
    const own = await request(api.server).post('/graphql').set('Authorization', customer).send({
      query: `mutation { openRecoveryCase(input: {kind: STOLEN, description: "hacked"}) { id accountFrozen } }`,
    });
    expect(own.body.data.openRecoveryCase.accountFrozen).toBe(true);
    await walletCore.waitFor((r) => r.ofType('recovery.account_frozen').length === 2, 30_000);
    expect(walletCore.ofType('recovery.account_frozen')[1].json.data).toMatchObject({
      caseId: own.body.data.openRecoveryCase.id,
      customer: { id: 'acc-w2' },
      frozenBy: { kind: 'customer', id: 'acc-w2' },
    });
    expect(callCentre.ofType('recovery.account_frozen')).toHaveLength(1);
  }, 60_000);
});
