import { getQueueToken } from '@nestjs/bullmq';
import { INestApplicationContext, Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { createTestDatabase, openDataSource, testConfig, TestDatabase } from '@kefu/test-fixtures';
import { RequestContext } from '../context/request-context';
import { ConsumerRunner } from '../event-store/consumer-runner';
import { EventStore } from '../event-store/event-store';
import { inTransaction } from '../event-store/tx';
import { platformCore } from '../platform-core';
import { ConsumersModule } from './consumers.module';
import { JobDispatcher, JobRoutes } from './job-dispatcher';
import { QueueModule } from './queue.module';
import { JobName, QueueName, jobId } from './queue-names';
import { ReconcilerRegistry } from './reconcilers';
import { bullConnection } from './redis-connection';
import { TimerJobRun, defineTimerJob } from './timer-job';

async function until(check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** A service of the feature, injected by name into the declaration. */
@Injectable()
class Deliveries {
  runs = 0;
  /** Held open while set: the job stays active (graceful shutdown). */
  gate?: Promise<void>;
}

interface ProbeData {
  n: number;
}

const probeJob = (eventId: string, n: number, dueAt: string) => ({
  name: JobName.Probe,
  jobId: jobId('probe', eventId),
  data: { n } satisfies ProbeData,
  runAt: new Date(dueAt),
});

const ProbeTimer = defineTimerJob({
  name: 'probe.timer',
  queue: QueueName.Maintenance,
  inject: { deliveries: Deliveries },
  concurrency: 4,
  route: () => (e) => {
    if (e.type !== 'Probed') return undefined;
    const d = e.data as { n: number; dueAt: string };
    return probeJob(e.eventId, d.n, d.dueAt);
  },
  // Every probe whose effect is not in yet, in pages of two (five probes: three pages).
  async reconcile({ pages, add }) {
    for await (const rows of pages<{ id: string; n: number; due: string }>({
      sql: `SELECT e.event_id::text AS id, (e.data->>'n')::int AS n, e.data->>'dueAt' AS due FROM es_events e
             WHERE e.event_type = 'Probed' AND e.event_id::text > $1
               AND NOT EXISTS (SELECT 1 FROM es_inbox i WHERE i.handler = $3 AND i.message_id = 'probe-' || e.event_id::text)
             ORDER BY e.event_id::text LIMIT $2`,
      params: ['probe.timer'],
      key: 'id',
      pageSize: 2,
    }))
      await add(rows.map((r) => probeJob(r.id, r.n, r.due)));
  },
  handle: {
    async [JobName.Probe]({ data, once }: TimerJobRun<ProbeData>, { deliveries }) {
      deliveries.runs += 1;
      await deliveries.gate;
      const ctx = RequestContext.current();
      await once(async (tx) => {
        await tx.execute(`INSERT INTO probe_effects (n, correlation_id, actor) VALUES ($1, $2, $3)`, [
          data.n,
          ctx?.correlationId,
          ctx?.actor?.id,
        ]);
      });
    },
  },
});

@Module({ providers: [Deliveries, ProbeTimer], exports: [Deliveries] })
class ProbeFeature {}

describe('defineTimerJob (real Postgres + Redis)', () => {
  let db: TestDatabase;
  let app: INestApplicationContext;
  let ds: DataSource;
  let queue: Queue;
  let deliveries: Deliveries;
  let closed = false;
  const store = new EventStore();
  const later = new Date(Date.now() + 3600_000).toISOString();
  const now = new Date().toISOString();

  const effects = async () =>
    (await ds.query(`SELECT n, correlation_id, actor FROM probe_effects ORDER BY n`)) as Array<{
      n: number;
      correlation_id: string;
      actor: string;
    }>;
  const probe = (n: number, dueAt: string) =>
    inTransaction(ds, (tx) =>
      store.append(tx, {
        streamId: `probe-${n}`,
        streamType: 'probe',
        expectedVersion: 'no_stream',
        events: [{ type: 'Probed', data: { n, dueAt }, metadata: { correlationId: `corr-${n}` } }],
      }),
    );
  const eventIdOf = async (n: number) =>
    (
      (await ds.query(`SELECT event_id::text AS id FROM es_events WHERE stream_id = $1`, [`probe-${n}`])) as [
        { id: string },
      ]
    )[0].id;
  /** The dispatcher over the log, as the worker runs it, with the routes the declaration registered. */
  const dispatch = async () => {
    const runner = new ConsumerRunner(ds, store, new JobDispatcher(app.get(JobRoutes), () => queue));
    await runner.catchUp(); // the whole log, though another test file's open transaction holds it back
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    const config = testConfig(db);
    @Module({ imports: [...platformCore(config), QueueModule.forRoot(), ConsumersModule, ProbeFeature] })
    class ProbeApp {}
    app = await NestFactory.createApplicationContext(ProbeApp, { logger: false });
    ds = app.get(DataSource);
    queue = app.get<Queue>(getQueueToken(QueueName.Maintenance));
    deliveries = app.get(Deliveries);
    await ds.query(`CREATE TABLE probe_effects (n int NOT NULL, correlation_id text, actor text)`);
  });
  afterAll(async () => {
    if (!closed) await app?.close();
    // The app's queue is closed with it: clean up through one of our own.
    const cleanup = new Queue(QueueName.Maintenance, {
      connection: bullConnection(testConfig(db).redisUrl),
      prefix: testConfig(db).queuePrefix,
    });
    await cleanup.obliterate({ force: true }).catch(() => undefined);
    await cleanup.close();
    await db?.drop();
  });

  it('registers one route and one reconciler under its name', () => {
    expect(
      app
        .get(ReconcilerRegistry)
        .list()
        .map((r) => r.name),
    ).toEqual(['probe.timer']);
    expect(app.get(ProbeTimer).name).toBe('probe.timer');
  });

  it('routes an event to a delayed job with its deterministic id, and reconciles it back after Redis lost it', async () => {
    for (let n = 1; n <= 5; n++) await probe(n, later);
    await dispatch();
    const ids = await Promise.all([1, 2, 3, 4, 5].map(async (n) => jobId('probe', await eventIdOf(n))));
    const delayed = await queue.getJobs(['delayed']);
    expect(delayed.map((j) => j.id).sort()).toEqual([...ids].sort());
    expect(delayed.every((j) => j.opts.delay! > 3500_000)).toBe(true);
    expect((delayed[0].data as { meta: { correlationId: string } }).meta.correlationId).toMatch(/^corr-/);

    // Redis lost two of them: the reconciler (three keyset pages) adds all five, BullMQ keeps the three it has.
    await queue.remove(ids[0]);
    await queue.remove(ids[3]);
    expect(await queue.getDelayedCount()).toBe(3);
    await expect(app.get(ProbeTimer).reconcile()).resolves.toBe(5);
    const back = await queue.getJobs(['delayed']);
    expect(back.map((j) => j.id).sort()).toEqual([...ids].sort());
    const restored = back.find((j) => j.id === ids[3])!;
    expect(restored.name).toBe(JobName.Probe);
    expect(restored.data).toEqual({ n: 4 });
    expect(restored.opts.delay).toBeGreaterThan(3500_000);
    await queue.obliterate({ force: true });
  });

  it('runs a due job in the system context once, and a duplicate delivery of its id changes nothing', async () => {
    await probe(6, now);
    await dispatch();
    const id = jobId('probe', await eventIdOf(6));
    await until(async () => (await effects()).length === 1);
    expect(await effects()).toEqual([{ n: 6, correlation_id: 'corr-6', actor: 'kefu' }]);
    await until(async () => (await queue.getCompletedCount()) === 1);

    // Redelivered after BullMQ forgot it (completed jobs cleaned): it runs again, its effect does not.
    const runs = deliveries.runs;
    await queue.clean(0, 1000, 'completed');
    await queue.add(JobName.Probe, { n: 6 }, { jobId: id });
    await until(async () => deliveries.runs === runs + 1 && (await queue.getCompletedCount()) === 1);
    expect(await effects()).toHaveLength(1);
    // Its effect is in, so the reconciler leaves it out (the five delayed probes of the test before remain).
    await expect(app.get(ProbeTimer).reconcile()).resolves.toBe(5);
    await queue.obliterate({ force: true });
  });

  it('fails a job whose name it has no handler for', async () => {
    const job = await queue.add(JobName.SlaWarning, {}, { jobId: 'stray', attempts: 1 });
    await until(async () => (await job.getState()) === 'failed');
    expect((await queue.getJob('stray'))!.failedReason).toBe(
      `unknown job sla-warning on ${QueueName.Maintenance}`,
    );
    await queue.obliterate({ force: true });
  });

  it('lets an active job finish before the application (and its database) closes', async () => {
    let open!: () => void;
    deliveries.gate = new Promise((r) => (open = r));
    await probe(7, now);
    await dispatch();
    await until(async () => (await queue.getActiveCount()) === 1);
    const closing = app.close();
    closed = true;
    setTimeout(() => open(), 300);
    await closing;
    const check = await openDataSource(db);
    try {
      const rows = (await check.query(`SELECT n FROM probe_effects WHERE n = 7`)) as unknown[];
      expect(rows).toHaveLength(1);
    } finally {
      await check.destroy();
    }
  });
});
