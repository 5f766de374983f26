import { INestApplicationContext } from '@nestjs/common';
import { Redis } from 'ioredis';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { ApiKeyService, ConsumersHost, PartnerPrincipal } from '@kefu/platform';
import { TicketsService } from '@kefu/tickets';
import { WebhookReceiver, createTestDatabase, testConfig } from '@kefu/test-fixtures';
import { createWorker } from '../../apps/worker/src/bootstrap';
import { ApiTestApp, startApiApp } from './support/api-app';

/**
 * Redis holds only work in flight: when its data is lost, the worker re-derives the pending timers
 * and deliveries from Postgres (JobReconciler) and nothing is lost.
 */
const ENV = {
  // Long enough that the ticket is still solved when the test wipes Redis, even on a loaded machine.
  TICKET_AUTO_CLOSE_SECONDS: '10',
  RECONCILE_INTERVAL_SECONDS: '0',
  WEBHOOK_BACKOFF_BASE_MS: '3000',
  WEBHOOK_BACKOFF_MAX_MS: '3000',
  WEBHOOK_TIMEOUT_MS: '3000',
};

async function until(check: () => Promise<boolean>, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('Redis loses its data (API + worker, real Postgres + Redis)', () => {
  let api: ApiTestApp;
  let worker: INestApplicationContext;
  let redis: Redis;
  let ds: DataSource;
  let receiver: WebhookReceiver;
  let hits = 0;
  let healthy = false;

  /** Deletes every key of this test's prefix: what a wiped (or replaced) Redis looks like to us. */
  const wipe = async () => {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${api.config.queuePrefix}:*`, 'COUNT', 1000);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  };
  /** The job hashes of our two kinds of jobs (live workers re-create housekeeping keys at once). */
  const jobKeys = async () => [
    ...(await redis.keys(`${api.config.queuePrefix}:tickets:auto-close-*`)),
    ...(await redis.keys(`${api.config.queuePrefix}:webhooks:wh-*`)),
  ];

  beforeAll(async () => {
    const db = await createTestDatabase();
    api = await startApiApp({ db, env: ENV });
    worker = await createWorker(testConfig(db, ENV));
    redis = new Redis(api.config.redisUrl);
    ds = api.app.get(DataSource);
    // Fails (so a retry is scheduled in Redis) until the test has wiped Redis and reconciled.
    receiver = await WebhookReceiver.start(() => (++hits, healthy ? 200 : 500));
  });
  afterAll(async () => {
    await receiver?.close();
    redis?.disconnect();
    await worker?.close();
    await api?.close();
  });

  it('brings back an auto-close timer and a webhook retry lost with Redis', async () => {
    const key = await api.app.get(ApiKeyService).create('phone', 'call-centre');
    const hook = await request(api.server)
      .post('/v1/webhooks')
      .set('X-Api-Key', key.secret)
      .send({ url: receiver.url, events: ['ticket.created'] });
    expect(hook.status).toBe(201);

    const partner: PartnerPrincipal = {
      kind: 'partner',
      apiKeyId: key.apiKey.id,
      channel: 'phone',
      name: 'call-centre',
      partner: 'call-centre',
    };
    const tickets = api.app.get(TicketsService);
    const { result: t } = await tickets.open(partner, {
      subject: 'Locked out',
      description: 'Too many wrong passwords',
      category: 'account_locked',
      customer: { id: 'cust-7' },
    });
    await tickets.setStatus({ kind: 'user', sub: 'agent-1', role: 'agent' }, t.id, { status: 'solved' });

    // Both are now waiting in Redis: the delayed auto-close and the webhook's scheduled retry.
    await until(async () => hits >= 1);
    const pending = async () =>
      ((await ds.query(`SELECT status FROM webhook_deliveries`)) as Array<{ status: string }>).map(
        (r) => r.status,
      );
    await until(async () => (await pending()).includes('pending'));

    await until(async () => (await jobKeys()).length >= 2);
    await wipe();
    expect(await jobKeys()).toEqual([]);

    const submitted = await worker.get(ConsumersHost).reconcileNow();
    expect(submitted).toMatchObject({ 'tickets.auto-close': 1, 'webhooks.pending-deliveries': 1 });
    healthy = true;

    await until(async () => (await pending()).every((s) => s === 'succeeded'));
    await receiver.waitFor((r) => r.successesFor(r.requests[0].json.id) === 1);
    await until(async () => {
      const [row] = (await ds.query(`SELECT status FROM ticket_view WHERE id = $1`, [t.id])) as Array<{
        status: string;
      }>;
      return row.status === 'closed';
    });
  }, 60_000);
});
