import { Processor, WorkerHost } from '@nestjs/bullmq';
import { INestApplicationContext, Injectable, Module, OnModuleInit } from '@nestjs/common';
import { Job } from 'bullmq';
import { DataSource } from 'typeorm';
import {
  EventStore,
  JobMeta,
  JobName,
  JobRoutes,
  QueueName,
  inTransaction,
  jobId,
  runJobOnce,
} from '@kefu/platform';
import { createTestDatabase, openDataSource, testConfig, TestDatabase } from '@kefu/test-fixtures';
import { createWorker } from './bootstrap';

@Processor(QueueName.Maintenance)
class ProbeProcessor extends WorkerHost {
  constructor(private readonly ds: DataSource) {
    super();
  }
  async process(job: Job<{ n: number; meta: JobMeta }>): Promise<void> {
    await runJobOnce(this.ds, 'probe', job.id!, job.data.meta, (tx) =>
      tx
        .execute(`INSERT INTO probe_effects (n, correlation_id) VALUES ($1, $2)`, [
          job.data.n,
          job.data.meta.correlationId,
        ])
        .then(() => undefined),
    );
  }
}

@Injectable()
class ProbeRoutes implements OnModuleInit {
  constructor(private readonly routes: JobRoutes) {}
  onModuleInit(): void {
    this.routes.register('probe', (e) =>
      e.type === 'Probed'
        ? {
            queue: QueueName.Maintenance,
            name: JobName.Probe,
            jobId: jobId('probe', e.eventId),
            data: { n: (e.data as { n: number }).n },
          }
        : undefined,
    );
  }
}

@Module({ providers: [ProbeProcessor, ProbeRoutes] })
class ProbeModule {}

describe('worker app (real Postgres + Redis)', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let worker: INestApplicationContext;

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = await openDataSource(db);
    await ds.query(`CREATE TABLE probe_effects (n int, correlation_id text)`);
    worker = await createWorker(testConfig(db), [ProbeModule]);
  });
  afterAll(async () => {
    await worker?.close();
    await ds?.destroy();
    await db?.drop();
  });

  it('turns appended events into jobs and runs them, carrying the correlation id', async () => {
    const store = new EventStore();
    await inTransaction(ds, async (tx) => {
      for (let n = 1; n <= 5; n++) {
        await store.append(tx, {
          streamId: `p-${n}`,
          streamType: 'probe',
          expectedVersion: 'no_stream',
          events: [{ type: 'Probed', data: { n }, metadata: { correlationId: `corr-${n}` } }],
        });
      }
    });
    const deadline = Date.now() + 15_000;
    let rows: Array<{ n: number; correlation_id: string }> = [];
    while (Date.now() < deadline) {
      rows = await ds.query(`SELECT n, correlation_id FROM probe_effects ORDER BY n`);
      if (rows.length >= 5) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(rows).toEqual([1, 2, 3, 4, 5].map((n) => ({ n, correlation_id: `corr-${n}` })));
  });

  it('shuts down cleanly', async () => {
    const started = Date.now();
    await worker.close();
    expect(Date.now() - started).toBeLessThan(10_000);
    worker = undefined as unknown as INestApplicationContext;
  });
});
