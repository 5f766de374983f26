import { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { Principal, QueueName } from '@kefu/platform';
import { SlaConfigService, deadlineJobId } from '@kefu/sla';
import { TicketsService } from '@kefu/tickets';
import { createTestDatabase, spawnWorker, TestDatabase, WorkerProcess } from '@kefu/test-fixtures';
import { ApiTestApp, startApiApp } from './support/api-app';

// The worker is a real child process, SIGKILLed while a breach timer waits in Redis. Nothing in the
// dead process mattered: the delayed job outlives it, and the next worker breaches the target as
// soon as it is up (the due time has passed by then).
const ENV = { CONSUMER_POLL_MS: '100', RECONCILE_INTERVAL_SECONDS: '0' };

async function until(check: () => Promise<boolean>, ms: number, what: string, proc?: WorkerProcess) {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline)
      throw new Error(
        `${what} not met in ${ms} ms${proc ? `\nworker output:\n${proc.output().slice(-3000)}` : ''}`,
      );
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('SLA breach survives a killed worker (e2e, child processes)', () => {
  jest.setTimeout(90_000);
  let db: TestDatabase;
  let t: ApiTestApp;
  let ds: DataSource;
  let redis: Redis;
  const workers: WorkerProcess[] = [];
  const admin: Principal = { kind: 'user', sub: 'ops', role: 'admin' };

  beforeAll(async () => {
    db = await createTestDatabase();
    t = await startApiApp({ db, env: ENV });
    ds = t.app.get(DataSource);
    redis = new Redis(t.config.redisUrl);
  });
  afterAll(async () => {
    for (const w of workers) await w.kill('SIGKILL');
    redis?.disconnect();
    await t?.close();
    await db?.drop();
  });

  it('a worker killed before the due time, restarted after it, still breaches', async () => {
    await t.app.get(SlaConfigService).upsertPolicy(admin, {
      name: 'crash',
      priority: 'normal',
      categories: [],
      channels: [],
      firstResponseSeconds: 12,
      nextResponseSeconds: 60,
      resolutionSeconds: 3600,
      calendarId: null,
      warningRatio: null,
    });
    const a = spawnWorker(t.config, ENV);
    workers.push(a);
    const { result: ticket } = await t.app
      .get(TicketsService)
      .open(
        { kind: 'user', sub: 'u-1', role: 'customer', customerId: 'cust-1' },
        { subject: 'Help', description: 'Payment failed', category: 'payment_failed' },
      );
    const due = Date.parse(ticket.sla.firstResponse!.dueAt!);
    const jobKey = `${t.config.queuePrefix}:${QueueName.SlaTimers}:${deadlineJobId(ticket.id, 'first_response', ticket.sla.firstResponse!.revision!)}`;
    await until(async () => (await redis.exists(jobKey)) === 1, 30_000, 'deadline job in Redis', a);
    expect(Date.now()).toBeLessThan(due);

    await a.kill('SIGKILL');
    const breaches = async () =>
      Number(
        (
          (await ds.query(
            `SELECT count(*) AS c FROM es_events WHERE stream_id = $1 AND event_type = 'SlaTargetBreached'`,
            [ticket.id],
          )) as Array<{ c: string }>
        )[0].c,
      );
    await until(async () => Date.now() > due + 500, 30_000, 'due time passed');
    expect(await breaches()).toBe(0);

    const b = spawnWorker(t.config, ENV);
    workers.push(b);
    await until(async () => (await breaches()) === 1, 60_000, 'breach after restart', b);
    const [row] = (await ds.query(`SELECT sla_breached, sla FROM ticket_view WHERE id = $1`, [
      ticket.id,
    ])) as Array<{
      sla_breached: boolean;
      sla: { firstResponse: { status: string } };
    }>;
    expect(row).toMatchObject({ sla_breached: true, sla: { firstResponse: { status: 'breached' } } });
  });
});
