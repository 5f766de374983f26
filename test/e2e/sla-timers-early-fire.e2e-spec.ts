import { INestApplicationContext } from '@nestjs/common';
import { Job, Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { JobName, Principal, QueueName, bullConnection } from '@kefu/platform';
import { SlaConfigService, SlaTimerJobData, deadlineJobId } from '@kefu/sla';
import { TicketsService } from '@kefu/tickets';
import { createTestDatabase, testConfig, TestDatabase } from '@kefu/test-fixtures';
import { createWorker } from '../../apps/worker/src/bootstrap';

// The SLA timer job's early-fire path on the real worker, Redis and Postgres. A job that runs
// before its due time (a promoted job, or a host whose clock runs ahead of the one that scheduled
// it) must go back to delayed, not end: if it ended, the deadline would never be checked again and
// the breach would be lost. Repeats of a timer (the reconciler's, a redelivery) must add nothing.
const ENV = { CONSUMER_POLL_MS: '50', RECONCILE_INTERVAL_SECONDS: '0' };
const TARGET_SECONDS = 4;

async function until<T>(check: () => Promise<T | undefined | false>, ms: number, what: string): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`${what}: not met in ${ms} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('SLA timer fired early or twice (worker, real Postgres + Redis)', () => {
  jest.setTimeout(60_000);
  let db: TestDatabase;
  let worker: INestApplicationContext;
  let ds: DataSource;
  let queue: Queue;
  let tickets: TicketsService;
  const admin: Principal = { kind: 'user', sub: 'ops', role: 'admin' };
  const customer: Principal = { kind: 'user', sub: 'u-1', role: 'customer', customerId: 'cust-1' };

  beforeAll(async () => {
    db = await createTestDatabase();
    const config = testConfig(db, ENV);
    worker = await createWorker(config);
    ds = worker.get(DataSource);
    tickets = worker.get(TicketsService);
    queue = new Queue(QueueName.SlaTimers, {
      connection: bullConnection(config.redisUrl),
      prefix: config.queuePrefix,
    });
    await worker.get(SlaConfigService).upsertPolicy(admin, {
      name: 'early',
      priority: 'normal',
      categories: [],
      channels: [],
      firstResponseSeconds: TARGET_SECONDS,
      nextResponseSeconds: 0,
      resolutionSeconds: 0,
      calendarId: null,
      warningRatio: null,
    });
  });
  afterAll(async () => {
    await queue?.close();
    await worker?.close();
    await db?.drop();
  });

  const open = async () => {
    const { result } = await tickets.open(customer, {
      subject: 'Help',
      description: 'Payment failed',
      category: 'payment_failed',
    });
    const first = result.sla.firstResponse!;
    return { id: result.id, revision: first.revision!, due: Date.parse(first.dueAt!) };
  };
  const slaEvents = async (ticketId: string) =>
    (await ds.query(
      `SELECT event_type, data FROM es_events WHERE stream_id = $1 AND event_type LIKE 'SlaTarget%'
        ORDER BY stream_position`,
      [ticketId],
    )) as Array<{ event_type: string; data: { revision: number; dueAt: string; at: string } }>;
  const breaches = async (ticketId: string) =>
    (await slaEvents(ticketId)).filter((e) => e.event_type === 'SlaTargetBreached');
  const state = (id: string) => queue.getJobState(id);

  it('a deadline job run before its due time goes back to delayed, then breaches once when due', async () => {
    const t = await open();
    const id = deadlineJobId(t.id, 'first_response', t.revision);
    const job = await until(async () => (await queue.getJob(id)) as Job | undefined, 10_000, 'deadline job');
    expect(await state(id)).toBe('delayed');
    // Run it now, seconds early: what a worker whose clock is ahead (or a promote) does.
    await job.promote();
    const early = Date.now();
    // It ran (it left wait/active) and is delayed again, for the due time; nothing was written.
    await until(async () => (await state(id)) === 'delayed', 5_000, 'back to delayed');
    expect(Date.now()).toBeLessThan(t.due);
    const back = (await queue.getJob(id))!;
    expect(back.timestamp + back.opts.delay!).toBeGreaterThan(early);
    expect(await breaches(t.id)).toEqual([]);

    const [breach] = await until(
      async () => {
        const b = await breaches(t.id);
        return b.length ? b : undefined;
      },
      t.due - Date.now() + 10_000,
      'breach',
    );
    expect(Date.parse(breach.data.at)).toBeGreaterThanOrEqual(t.due);
    expect(breach.data.revision).toBe(t.revision);
    await until(async () => (await state(id)) === 'completed', 5_000, 'deadline job completed');
    expect(await breaches(t.id)).toHaveLength(1);
  });

  it('duplicates of a timer (early, on time, after the breach) add nothing: one breach', async () => {
    const t = await open();
    const data: SlaTimerJobData = { ticketId: t.id, target: 'first_response', revision: t.revision };
    const dup = (n: string, delay: number) =>
      queue.add(JobName.SlaDeadline, data, { jobId: `dup-${n}-${t.id}`, delay });
    // One fired at once (early: back to delayed), two at the due time racing the scheduled one.
    await dup('early', 0);
    await dup('a', t.due - Date.now());
    await dup('b', t.due - Date.now());
    await until(
      async () => (await state(`dup-early-${t.id}`)) === 'delayed',
      5_000,
      'early duplicate delayed',
    );
    expect(await breaches(t.id)).toEqual([]);
    const jobs = ['early', 'a', 'b'].map((n) => `dup-${n}-${t.id}`);
    jobs.push(deadlineJobId(t.id, 'first_response', t.revision));
    await until(
      async () => (await Promise.all(jobs.map(state))).every((s) => s === 'completed'),
      t.due - Date.now() + 10_000,
      'all four jobs completed',
    );
    expect(await breaches(t.id)).toHaveLength(1);
    // The SLA events so far: the breach's escalation (TicketEscalated, by the escalation worker) may
    // still land on the ticket stream, so the stream's version is not what a timer must leave alone.
    const before = await slaEvents(t.id);

    // A redelivered deadline and a late warning for the breached target: nothing more.
    await dup('late', 0);
    await queue.add(JobName.SlaWarning, data, { jobId: `dup-warn-${t.id}` });
    await until(
      async () =>
        (await state(`dup-late-${t.id}`)) === 'completed' &&
        (await state(`dup-warn-${t.id}`)) === 'completed',
      5_000,
      'late duplicates completed',
    );
    expect(await slaEvents(t.id)).toEqual(before);
    expect(await breaches(t.id)).toHaveLength(1);
  });

  it('a job for an older revision never breaches the new one early', async () => {
    const t = await open();
    // The customer writes again: no new revision of first response; so fake a stale one instead.
    await queue.add(
      JobName.SlaDeadline,
      { ticketId: t.id, target: 'first_response', revision: t.revision - 1 } satisfies SlaTimerJobData,
      { jobId: `stale-${t.id}` },
    );
    await until(async () => (await state(`stale-${t.id}`)) === 'completed', 5_000, 'stale job completed');
    expect(Date.now()).toBeLessThan(t.due);
    expect(await breaches(t.id)).toEqual([]);
    await until(async () => (await breaches(t.id)).length === 1, t.due - Date.now() + 10_000, 'breach');
  });
});
