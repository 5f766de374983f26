import { INestApplicationContext } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { ApiKeyService } from '@kefu/platform';
import { createTestDatabase, TestDatabase, testConfig, WebhookReceiver } from '@kefu/test-fixtures';
import { WebhookQueue, WebhookSecretBox, deliveryJobId, newWebhookSecret } from '@kefu/webhooks';
import { createWorker } from '../../apps/worker/src/bootstrap';
import { ApiTestApp, startApiApp } from './support/api-app';

// Production-like target rules (private targets refused) and a one-second retry window.
const ENV = {
  WEBHOOK_ALLOW_PRIVATE_TARGETS: 'false',
  WEBHOOK_RETRY_WINDOW_SECONDS: '1',
  WEBHOOK_BACKOFF_BASE_MS: '50',
  WEBHOOK_BACKOFF_MAX_MS: '200',
};

async function until(check: () => Promise<boolean>, timeoutMs = 15_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} not met in ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('webhook target guards and the retry window (e2e)', () => {
  let db: TestDatabase;
  let t: ApiTestApp;
  let worker: INestApplicationContext;
  let ds: DataSource;
  let key: string;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    db = await createTestDatabase();
    t = await startApiApp({ db, env: ENV });
    worker = await createWorker(testConfig(db, ENV));
    ds = t.app.get(DataSource);
    key = (await t.app.get(ApiKeyService).create('phone', 'call-centre')).secret;
    receiver = await WebhookReceiver.start(() => 200);
  });
  afterAll(async () => {
    await receiver?.close();
    await worker?.close();
    await t?.close();
    await db?.drop();
  });

  it.each([
    ['http://127.0.0.1:8080/hook', /127\.0\.0\.1.*loopback/],
    ['http://localhost:8080/hook', /loopback/],
    ['http://[::1]/hook', /loopback \(::1\)/],
    ['http://[::ffff:10.0.0.1]/hook', /IPv4-mapped 10\.0\.0\.1: private/],
    ['http://169.254.169.254/latest/meta-data', /link-local/],
    ['https://10.1.2.3/hook', /private \(10\.0\.0\.0\/8\)/],
    ['https://192.168.1.20/hook', /private/],
    ['https://100.64.0.1/hook', /CGNAT/],
    ['http://0.0.0.0:3000/', /unspecified/],
    ['http://2130706433/', /loopback/],
  ])('refuses to register %s when private targets are not allowed', async (url, why) => {
    const res = await request(t.server)
      .post('/v1/webhooks')
      .set('X-Api-Key', key)
      .send({ url, events: ['ticket.created'] });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('validation_failed');
    expect(res.body.errors).toEqual([{ field: 'url', message: expect.stringMatching(why) }]);
  });

  it('checks the target again at delivery time: an address that turned private is never connected to; after the window the delivery fails (and can be redelivered)', async () => {
    // As if registered while its host resolved to a public address, which now points at loopback.
    const id = randomUUID();
    const secret = newWebhookSecret();
    await ds.query(
      `INSERT INTO webhook_endpoints (id, channel, url, events, secret_ciphertext) VALUES ($1, 'call-centre', $2, $3, $4)`,
      [id, receiver.url, ['ticket.created'], t.app.get(WebhookSecretBox).seal(secret, id)],
    );
    const ticket = await request(t.server)
      .post('/v1/tickets')
      .set('X-Api-Key', key)
      .send({
        subject: 'Top-up missing',
        description: 'Bank says sent',
        category: 'payment_failed',
        customer: { id: 'acc-1' },
      });
    expect(ticket.status).toBe(201);
    const evt = (await ds.query(`SELECT event_id FROM es_events WHERE stream_id = $1`, [ticket.body.id]))[0]
      .event_id as string;

    const delivery = async () =>
      (
        await ds.query(
          `SELECT id, status, attempts, last_error, first_attempt_at, next_attempt_at FROM webhook_deliveries WHERE event_id = $1`,
          [evt],
        )
      )[0] as
        | {
            id: string;
            status: string;
            attempts: number;
            last_error: string;
            first_attempt_at: Date;
            next_attempt_at: Date | null;
          }
        | undefined;
    await until(
      async () => (await delivery())?.status === 'failed',
      15_000,
      'delivery failed after the window',
    );
    const d = (await delivery())!;
    expect(d.attempts).toBeGreaterThanOrEqual(2);
    expect(d.last_error).toMatch(
      /^blocked: host 127\.0\.0\.1 resolves to 127\.0\.0\.1, a non-public address: loopback/,
    );
    expect(d.next_attempt_at).toBeNull();
    expect(receiver.requests).toHaveLength(0);
    const attempts = (await ds.query(
      `SELECT attempt, started_at FROM webhook_attempts WHERE delivery_id = $1 ORDER BY attempt`,
      [d.id],
    )) as Array<{
      attempt: number;
      started_at: Date;
    }>;
    expect(attempts.map((a) => a.attempt)).toEqual(Array.from({ length: d.attempts }, (_, i) => i + 1));
    // Retries stop at the window's end (1 s after the first attempt), give or take one attempt and
    // the scheduling slack of a loaded machine: far from the endless retries of a missing window.
    const span = attempts[attempts.length - 1].started_at.getTime() - attempts[0].started_at.getTime();
    expect(span).toBeLessThanOrEqual(1000 + 2500);

    // BullMQ's job completed (it is not a failed job to retry by hand): the delivery row says failed.
    const job = await worker.get(WebhookQueue).queue.getJob(deliveryJobId(evt, id, 0));
    expect(await job?.getState()).toBe('completed');
    expect(job?.returnvalue).toBe('failed');

    const list = await request(t.server)
      .get(`/v1/webhooks/${id}/deliveries?status=failed`)
      .set('X-Api-Key', key);
    expect(list.body.data).toEqual([
      expect.objectContaining({
        id: d.id,
        status: 'failed',
        lastStatusCode: null,
        lastError: expect.stringMatching(/^blocked/),
      }),
    ]);
    const again = await request(t.server)
      .post(`/v1/webhooks/${id}/deliveries/${d.id}/redeliver`)
      .set('X-Api-Key', key);
    expect(again.status).toBe(202);
    expect(again.body).toMatchObject({ status: 'pending', firstAttemptAt: null });
    await until(
      async () => (await delivery())!.status === 'failed' && (await delivery())!.attempts > d.attempts,
      15_000,
      'redelivery tried and failed again',
    );
    expect(receiver.requests).toHaveLength(0);
  });
});
