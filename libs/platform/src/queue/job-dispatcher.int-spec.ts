import { Job, Queue, Worker } from 'bullmq';
import { DataSource } from 'typeorm';
import { createTestDatabase, openDataSource, testConfig, TestDatabase } from '@kefu/test-fixtures';
import { ConsumerRunner } from '../event-store/consumer-runner';
import { EventStore } from '../event-store/event-store';
import { inTransaction } from '../event-store/tx';
import { JobDispatcher, JobMeta, JobRoutes } from './job-dispatcher';
import { runJobOnce } from './job-runner';
import { JobName, QueueName, jobId } from './queue-names';
import { bullConnection } from './redis-connection';

async function until(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('job dispatcher (real Postgres + Redis)', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let queue: Queue;
  let worker: Worker | undefined;
  const store = new EventStore();
  const routes = new JobRoutes();
  let prefix: string;
  let runs = 0;

  routes.register('probe', (e) =>
    e.type === 'Thing'
      ? {
          queue: QueueName.Tickets,
          name: JobName.Probe,
          jobId: jobId('probe', e.eventId),
          data: { n: (e.data as { n: number }).n },
        }
      : undefined,
  );

  const effects = async () => Number((await ds.query(`SELECT count(*) AS c FROM job_effects`))[0].c);
  const startWorker = () => {
    worker = new Worker(
      QueueName.Tickets,
      async (job: Job<{ n: number; meta: JobMeta }>) => {
        runs += 1;
        await runJobOnce(ds, 'probe', job.id!, job.data.meta, async (tx) => {
          await tx.execute(`INSERT INTO job_effects (n) VALUES ($1)`, [job.data.n]);
        });
      },
      { connection: bullConnection(testConfig(db).redisUrl), prefix, concurrency: 4 },
    );
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = await openDataSource(db);
    prefix = testConfig(db).queuePrefix;
    queue = new Queue(QueueName.Tickets, { connection: bullConnection(testConfig(db).redisUrl), prefix });
    await ds.query(`CREATE TABLE job_effects (n int NOT NULL)`);
    await inTransaction(ds, async (tx) => {
      for (let n = 1; n <= 10; n++) {
        await store.append(tx, {
          streamId: `t-${n}`,
          streamType: 'thing',
          expectedVersion: 'no_stream',
          events: [{ type: 'Thing', data: { n } }],
        });
      }
      await store.append(tx, {
        streamId: 'other',
        streamType: 'thing',
        expectedVersion: 'no_stream',
        events: [{ type: 'Other', data: {} }],
      });
    });
  });
  afterAll(async () => {
    await worker?.close();
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
    await ds?.destroy();
    await db?.drop();
  });

  it('re-adds the same job ids after dying between adding jobs and its checkpoint, and nothing runs twice', async () => {
    const dispatcher = new JobDispatcher(routes, () => queue);
    const crashing = {
      name: dispatcher.name,
      handle: async (events: Parameters<JobDispatcher['handle']>[0]) => {
        await dispatcher.handle(events);
        throw new Error('killed after the jobs reached Redis, before the checkpoint');
      },
    };
    const crashRunner = new ConsumerRunner(ds, store, crashing);
    const before = await crashRunner.checkpoint();
    // Retried until the batch is visible (another test file's open transaction can hold it back).
    await until(async () => {
      await expect(crashRunner.runBatch())
        .rejects.toThrow('killed')
        .catch(() => undefined);
      return (await queue.count()) === 10;
    });
    expect(await crashRunner.checkpoint()).toEqual(before);
    const ids1 = (await queue.getJobs(['waiting', 'delayed'])).map((j) => j.id).sort();
    expect(ids1).toHaveLength(10);

    // Restarted: the real dispatcher re-reads the same batch and re-adds the same ids.
    const runner = new ConsumerRunner(ds, store, dispatcher);
    await until(async () => {
      await runner.drain();
      return (await runner.checkpoint()).globalPosition !== before.globalPosition;
    });
    const ids2 = (await queue.getJobs(['waiting', 'delayed'])).map((j) => j.id).sort();
    expect(ids2).toEqual(ids1);

    startWorker();
    await until(async () => (await effects()) === 10);
    expect(runs).toBe(10);
  });

  it('absorbs a re-dispatch of jobs that already completed and left Redis: the inbox applies each effect once', async () => {
    await until(async () => (await queue.getCompletedCount()) === 10);
    await queue.clean(0, 1000, 'completed'); // completed jobs removed: their ids are unknown to Redis now
    await ds.query(
      `UPDATE es_checkpoints SET transaction_id = '0', global_position = 0 WHERE consumer = 'job-dispatcher'`,
    );
    const runner = new ConsumerRunner(ds, store, new JobDispatcher(routes, () => queue));
    await runner.drain();
    await until(async () => runs === 20);
    await until(async () => (await queue.getCompletedCount()) === 10);
    expect(await effects()).toBe(10);
  });

  it('delays a job until its runAt', async () => {
    const delayed = new JobRoutes();
    delayed.register('later', (e) =>
      e.type === 'Later'
        ? {
            queue: QueueName.Tickets,
            name: JobName.Probe,
            jobId: jobId('later', e.eventId),
            data: { n: 99 },
            runAt: new Date(Date.now() + 60_000),
          }
        : undefined,
    );
    await inTransaction(ds, (tx) =>
      store.append(tx, {
        streamId: 'later',
        streamType: 'thing',
        expectedVersion: 'no_stream',
        events: [{ type: 'Later', data: {} }],
      }),
    );
    const d = new JobDispatcher(delayed, () => queue);
    const runner = new ConsumerRunner(ds, store, {
      name: 'delayed-dispatcher',
      handle: (ev) => d.handle(ev),
    });
    await until(async () => {
      await runner.drain();
      return (await queue.getDelayedCount()) === 1;
    });
    const [job] = await queue.getJobs(['delayed']);
    expect(job.opts.delay).toBeGreaterThan(50_000);
  });
});
