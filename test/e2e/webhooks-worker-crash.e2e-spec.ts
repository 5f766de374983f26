import request from 'supertest';
import { DataSource } from 'typeorm';
import { ApiKeyService } from '@kefu/platform';
import {
  createTestDatabase,
  spawnWorker,
  TestDatabase,
  WebhookReceiver,
  WorkerProcess,
} from '@kefu/test-fixtures';
import { WebhookQueue, deliveryJobId } from '@kefu/webhooks';
import { ApiTestApp, startApiApp } from './support/api-app';

// The worker is a real child process (apps/worker/src/main.ts), killed with SIGKILL mid-delivery:
// no shutdown hook runs, the job's BullMQ lock just expires. A short lock makes the stalled check
// bring the job back within seconds instead of half a minute.
const ENV = {
  WEBHOOK_JOB_LOCK_MS: '1000',
  WEBHOOK_TIMEOUT_MS: '2000',
  WEBHOOK_BACKOFF_BASE_MS: '50',
  WEBHOOK_BACKOFF_MAX_MS: '200',
};

async function until(
  check: () => Promise<boolean> | boolean,
  timeoutMs: number,
  what: string,
  proc?: WorkerProcess,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline)
      throw new Error(
        `${what} not met in ${timeoutMs} ms${proc ? `\nworker output:\n${proc.output().slice(-3000)}` : ''}`,
      );
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('webhook delivery survives a killed worker (e2e, child processes)', () => {
  jest.setTimeout(60_000);
  let db: TestDatabase;
  let t: ApiTestApp;
  let ds: DataSource;
  let receiver: WebhookReceiver;
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    t = await startApiApp({ db, env: ENV });
    ds = t.app.get(DataSource);
    // The first request is held open: the worker that sent it dies waiting.
    receiver = await WebhookReceiver.start((r) => (r.n === 1 ? 'hold' : 200));
  });
  afterAll(async () => {
    for (const w of workers) await w.kill('SIGKILL');
    await receiver?.close();
    await t?.close();
    await db?.drop();
  });

  it('a delivery in flight when its worker is SIGKILLed is delivered by the next worker, and succeeds exactly once', async () => {
    const key = (await t.app.get(ApiKeyService).create('phone', 'call-centre')).secret;
    const ep = await request(t.server)
      .post('/v1/webhooks')
      .set('X-Api-Key', key)
      .send({ url: receiver.url, events: ['ticket.created'] });
    expect(ep.status).toBe(201);

    const a = spawnWorker(t.config, ENV);
    workers.push(a);
    const ticket = await request(t.server)
      .post('/v1/tickets')
      .set('X-Api-Key', key)
      .send({
        subject: 'Card charged twice',
        description: 'Two identical charges',
        category: 'abnormal_charge',
        customer: { id: 'acc-1' },
      });
    expect(ticket.status).toBe(201);
    const evt = (
      (await ds.query(`SELECT event_id FROM es_events WHERE stream_id = $1`, [ticket.body.id])) as Array<{
        event_id: string;
      }>
    )[0].event_id;

    await until(() => receiver.requests.length === 1, 30_000, 'first attempt reached the receiver', a);
    expect(receiver.requests[0].status).toBeUndefined(); // held: no answer yet
    await a.kill('SIGKILL');

    const b = spawnWorker(t.config, ENV);
    workers.push(b);
    await until(() => receiver.successesFor(evt) === 1, 30_000, 'delivered by the second worker', b);
    await until(
      async () =>
        (
          (await ds.query(`SELECT status FROM webhook_deliveries WHERE event_id = $1`, [evt])) as Array<{
            status: string;
          }>
        )[0]?.status === 'succeeded',
      10_000,
      'delivery recorded as succeeded',
      b,
    );

    const rows = (await ds.query(`SELECT id, status, attempts FROM webhook_deliveries WHERE event_id = $1`, [
      evt,
    ])) as Array<{ id: string; status: string; attempts: number }>;
    expect(rows).toEqual([{ id: expect.any(String), status: 'succeeded', attempts: 2 }]);
    const attempts = (await ds.query(
      `SELECT attempt, status_code, error FROM webhook_attempts WHERE delivery_id = $1 ORDER BY attempt`,
      [rows[0].id],
    )) as Array<{
      attempt: number;
      status_code: number | null;
      error: string | null;
    }>;
    expect(attempts).toEqual([
      { attempt: 1, status_code: null, error: expect.stringMatching(/^interrupted/) },
      { attempt: 2, status_code: 200, error: null },
    ]);
    // The same job came back through BullMQ's stalled check (not a new one).
    const job = await t.app.get(WebhookQueue).queue.getJob(deliveryJobId(evt, ep.body.id, 0));
    expect(job?.stalledCounter).toBe(1);
    expect(await job?.getState()).toBe('completed');

    await new Promise((r) => setTimeout(r, 500));
    expect(receiver.successesFor(evt)).toBe(1);
    expect(receiver.requests).toHaveLength(2);
    await b.kill('SIGTERM');
    expect([0, 'SIGTERM']).toContain(await b.exited); // Nest re-raises the signal after its shutdown hooks
  });
});
