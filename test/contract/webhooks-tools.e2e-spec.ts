import { INestApplicationContext } from '@nestjs/common';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { createHmac } from 'node:crypto';
import Stripe from 'stripe';
import request from 'supertest';
import { ApiKeyService, PUBLIC_EVENT_TYPES, publicEventSchemaName } from '@kefu/platform';
import { WebhookReceiver, testConfig } from '@kefu/test-fixtures';
import { createWorker } from '../../apps/worker/src/bootstrap';
import { ApiTestApp, startApiApp } from '../e2e/support/api-app';

// Webhooks as receivers' own tools see them, on real deliveries (API + worker → a local HTTP
// receiver): the `stripe` package's webhooks.constructEvent verifies Kefu-Signature (Stripe's
// scheme) and refuses a tampered body and an old timestamp; ajv (JSON Schema 2020-12) validates each
// delivered body against the schema of its type as published in /openapi.json.

const ENV = { WEBHOOK_BACKOFF_BASE_MS: '20', WEBHOOK_BACKOFF_MAX_MS: '200' };

/** Public types this file makes happen, through the REST and GraphQL surfaces. */
const PRODUCED = [
  'ticket.created',
  'ticket.message_added',
  'ticket.status_changed',
  'ticket.escalated',
  'dispute.opened',
  'dispute.status_changed',
  'refund.requested',
  'recovery.opened',
  'recovery.account_frozen',
] as const;

describe('webhooks with receivers tools (stripe constructEvent, ajv against /openapi.json)', () => {
  jest.setTimeout(90_000);
  let t: ApiTestApp;
  let worker: INestApplicationContext;
  let receiver: WebhookReceiver;
  let secret: string;
  let doc: { components: { schemas: Record<string, object> } };
  const stripe = new Stripe('sk_test_kefu_contract_no_network');

  beforeAll(async () => {
    t = await startApiApp({ env: ENV });
    worker = await createWorker(testConfig(t.db, ENV));
    receiver = await WebhookReceiver.start();
    const key = (await t.app.get(ApiKeyService).create('chat', 'receiver-partner')).secret;
    const post = (path: string, body: object) =>
      request(t.server).post(path).set('X-Api-Key', key).send(body);
    const supervisor = t.bearer({ sub: 'sup-1', role: 'supervisor', name: 'Sun' });

    const endpoint = await post('/v1/webhooks', { url: receiver.url, events: [...PUBLIC_EVENT_TYPES] });
    expect(endpoint.status).toBe(201);
    secret = (endpoint.body as { secret: string }).secret;

    const customer = {
      id: 'acc-5521',
      name: 'Li Wei',
      email: 'li.wei@example.com',
      phone: '+86 138 0000 1234',
    };
    const ticket = await post('/v1/tickets', {
      subject: 'Charged twice',
      description: 'Two identical charges at the same merchant',
      category: 'abnormal_charge',
      customer,
      transaction: { id: 'tx-7781', amount: 2599, currency: 'CNY', merchantId: 'm-12' },
      externalRef: 'crm-991',
    });
    expect(ticket.status).toBe(201);
    const ticketId = (ticket.body as { id: string }).id;
    const pending = await request(t.server)
      .post('/graphql')
      .set('Authorization', supervisor)
      .send({
        query: `mutation($i: SetTicketStatusInput!) { setTicketStatus(input: $i) { status } }`,
        variables: { i: { ticketId, status: 'PENDING' } },
      });
    expect(pending.body).toEqual({ data: { setTicketStatus: { status: 'PENDING' } } });
    expect((await post(`/v1/tickets/${ticketId}/messages`, { body: 'Any news? 谢谢' })).status).toBe(201);
    expect((await post(`/v1/tickets/${ticketId}/escalation-requests`, { reason: 'Urgent' })).status).toBe(
      202,
    );
    const occurredAt = new Date(Date.now() - 86_400_000).toISOString();
    const dispute = await post('/v1/disputes', {
      customer,
      transaction: { id: 'tx-8802', amount: 12_000, currency: 'CNY', merchantId: 'm-7', occurredAt },
      reason: 'Goods never arrived',
      claimedAmount: 12_000,
    });
    expect(dispute.status).toBe(201);
    const refund = await post('/v1/refunds', {
      customer,
      transaction: { id: 'tx-9903', amount: 5000, currency: 'CNY', occurredAt },
      amount: 1500,
      reason: 'Partial refund agreed with the merchant',
    });
    expect(refund.status).toBe(201);
    const recovery = await post('/v1/account-recovery', {
      kind: 'stolen',
      customer,
      description: 'Someone changed my password and paid with my wallet',
    });
    expect(recovery.status).toBe(201);

    await receiver.waitFor((r) => PRODUCED.every((type) => r.ofType(type).length > 0), 45_000);
    doc = (await request(t.server).get('/openapi.json').expect(200)).body as typeof doc;
  });
  afterAll(async () => {
    await receiver?.close();
    await worker?.close();
    await t?.close();
  });

  it('stripe.webhooks.constructEvent accepts every delivery as sent (body + Kefu-Signature)', () => {
    expect(receiver.requests.length).toBeGreaterThanOrEqual(PRODUCED.length);
    for (const r of receiver.requests) {
      const header = r.headers['kefu-signature'];
      expect(typeof header).toBe('string');
      const event = stripe.webhooks.constructEvent(r.body, header as string, secret) as unknown as {
        id: string;
        type: string;
      };
      expect(event.id).toBe(r.headers['kefu-event-id']);
      expect(event.type).toBe(r.json.type);
    }
  });

  it('and refuses a tampered body, another secret, and a timestamp older than its tolerance', () => {
    const r = receiver.ofType('refund.requested')[0];
    const header = r.headers['kefu-signature'] as string;
    const tampered = r.body.replace('"amount":1500', '"amount":150000');
    expect(tampered).not.toBe(r.body);
    expect(() => stripe.webhooks.constructEvent(tampered, header, secret)).toThrow(
      Stripe.errors.StripeSignatureVerificationError,
    );
    expect(() => stripe.webhooks.constructEvent(r.body, header, `${secret}x`)).toThrow(
      Stripe.errors.StripeSignatureVerificationError,
    );
    // The same delivery seen 10 minutes after it was signed (a replay): outside the 5 minute tolerance.
    const signedAt = Number(/t=(\d+)/.exec(header)![1]) * 1000;
    expect(() =>
      stripe.webhooks.constructEvent(r.body, header, secret, 300, undefined, signedAt + 600_000),
    ).toThrow(/Timestamp outside the tolerance zone/);
    // An old header re-signed correctly is still refused for its age: the timestamp is what is checked.
    const oldT = Math.floor(Date.now() / 1000) - 3600;
    const oldHeader = `t=${oldT},v1=${createHmac('sha256', secret).update(`${oldT}.${r.body}`).digest('hex')}`;
    expect(() => stripe.webhooks.constructEvent(r.body, oldHeader, secret)).toThrow(
      /Timestamp outside the tolerance zone/,
    );
    expect(() => stripe.webhooks.constructEvent(r.body, oldHeader, secret, 7200)).not.toThrow();
  });

  it('every delivered body validates against the JSON Schema of its type published in /openapi.json (ajv)', () => {
    const ajv = new Ajv2020({ strict: true, allErrors: true });
    addFormats(ajv);
    const validators = new Map(
      PUBLIC_EVENT_TYPES.map((type) => [
        type,
        ajv.compile(doc.components.schemas[publicEventSchemaName(type)]),
      ]),
    );
    const seen = new Set<string>();
    for (const r of receiver.requests) {
      const validate = validators.get(r.json.type as (typeof PUBLIC_EVENT_TYPES)[number]);
      expect({ type: r.json.type, known: Boolean(validate) }).toEqual({ type: r.json.type, known: true });
      const ok = validate!(JSON.parse(r.body));
      expect({ type: r.json.type, errors: ok ? null : validate!.errors }).toEqual({
        type: r.json.type,
        errors: null,
      });
      seen.add(r.json.type);
    }
    expect([...seen].sort()).toEqual(expect.arrayContaining([...PRODUCED].sort()));
  });

  it('the schemas are strict enough to fail: an extra field, a missing one, a wrong enum value', () => {
    const ajv = new Ajv2020({ strict: true });
    addFormats(ajv);
    const r = receiver.ofType('ticket.created')[0];
    const validate = ajv.compile(doc.components.schemas[publicEventSchemaName('ticket.created')]);
    const body = JSON.parse(r.body) as { data: { ticket: Record<string, unknown> } };
    expect(validate(body)).toBe(true);
    const variants = [
      (b: typeof body) => (b.data.ticket.internalNote = 'x'),
      (b: typeof body) => delete b.data.ticket.number,
      (b: typeof body) => (b.data.ticket.priority = 'whenever'),
    ];
    for (const change of variants) {
      const copy = JSON.parse(r.body) as typeof body;
      change(copy);
      expect(validate(copy)).toBe(false);
    }
  });
});
