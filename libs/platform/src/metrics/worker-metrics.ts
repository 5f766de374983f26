import { getQueueToken } from '@nestjs/bullmq';
import { Global, Injectable, Logger, Module, OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { Queue } from 'bullmq';
import { Gauge, Histogram, Registry } from 'prom-client';
import { DataSource } from 'typeorm';
import { ConsumerRegistry } from '../queue/consumers';
import { QueueName } from '../queue/queue-names';

/** BullMQ job states reported per queue (label `state`). */
const JOB_STATES = ['waiting', 'active', 'delayed', 'prioritized', 'failed'] as const;
const COLLECT_TIMEOUT_MS = 2000;

// The oldest committed event each consumer has not handled yet, by the same visibility rule as
// EventStore.readAll (only transactions every snapshot agrees are finished): one index probe each.
const CONSUMER_LAG_SQL = `
  SELECT c.consumer, coalesce(extract(epoch FROM clock_timestamp() - n.created_at), 0)::float8 AS lag
    FROM es_checkpoints c
    LEFT JOIN LATERAL (
      SELECT e.created_at FROM es_events e
       WHERE (e.transaction_id, e.global_position) > (c.transaction_id, c.global_position)
         AND e.transaction_id < pg_snapshot_xmin(pg_current_snapshot())
       ORDER BY e.transaction_id, e.global_position LIMIT 1) n ON true
   WHERE c.consumer = ANY($1)`;

async function bounded<T>(work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('metrics collection timed out')), COLLECT_TIMEOUT_MS);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The worker's view, read when Prometheus scrapes (a few Redis counters and one indexed query per
 * consumer, bounded by a timeout): jobs per queue and state, SLA timers pending, consumer lag. A
 * source that does not answer leaves its series out of that scrape instead of failing it.
 */
@Injectable()
export class WorkerMetrics implements OnModuleInit {
  private readonly logger = new Logger(WorkerMetrics.name);
  /** Seconds from an event's commit to its jobs being in Redis (observed by the dispatcher). */
  readonly dispatcherLag: Histogram;

  constructor(
    private readonly registry: Registry,
    private readonly moduleRef: ModuleRef,
    private readonly dataSource: DataSource,
    private readonly consumers: ConsumerRegistry,
  ) {
    this.dispatcherLag = new Histogram({
      name: 'kefu_dispatcher_lag_seconds',
      help: 'Time from an event being written to the log to its jobs being in Redis',
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
      registers: [registry],
    });
  }

  onModuleInit(): void {
    const queues = Object.values(QueueName).map(
      (name) => [name, this.moduleRef.get<Queue>(getQueueToken(name), { strict: false })] as const,
    );
    const slaTimers = queues.find(([name]) => name === QueueName.SlaTimers)![1];
    const jobs: Gauge<'queue' | 'state'> = new Gauge({
      name: 'kefu_queue_jobs',
      help: 'BullMQ jobs per queue and state (waiting, active, delayed, prioritized, failed)',
      labelNames: ['queue', 'state'],
      registers: [this.registry],
      collect: async () => {
        jobs.reset();
        await this.safely('queue counts', async () => {
          const counts = await bounded(Promise.all(queues.map(([, q]) => q.getJobCounts(...JOB_STATES))));
          queues.forEach(([queue], i) => {
            for (const state of JOB_STATES) jobs.set({ queue, state }, counts[i][state] ?? 0);
          });
        });
      },
    });
    const timers: Gauge = new Gauge({
      name: 'kefu_sla_timers_pending',
      help: 'SLA timer jobs (warnings, deadlines, recomputes) not run yet',
      registers: [this.registry],
      collect: async () => {
        timers.reset();
        await this.safely('SLA timers', async () => {
          const c = await bounded(slaTimers.getJobCounts('waiting', 'delayed', 'prioritized', 'active'));
          timers.set(Object.values(c).reduce((a, b) => a + b, 0));
        });
      },
    });
    const lag: Gauge<'consumer'> = new Gauge({
      name: 'kefu_consumer_lag_seconds',
      help: 'Age of the oldest event a log consumer (dispatcher, projectors) has not handled yet; 0 when caught up',
      labelNames: ['consumer'],
      registers: [this.registry],
      collect: async () => {
        lag.reset();
        const names = this.consumers.list().map((c) => c.name);
        await this.safely('consumer lag', async () => {
          const rows = (await bounded(this.dataSource.query(CONSUMER_LAG_SQL, [names]))) as Array<{
            consumer: string;
            lag: number;
          }>;
          for (const r of rows) lag.set({ consumer: r.consumer }, Math.max(0, r.lag));
        });
      },
    });
  }

  private async safely(what: string, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (e) {
      this.logger.warn({ err: (e as Error).message }, `metrics: ${what} unavailable`);
    }
  }
}

/** Worker only: the queue, SLA and consumer gauges (needs QueueModule and the consumers). */
@Global()
@Module({ providers: [WorkerMetrics], exports: [WorkerMetrics] })
export class WorkerMetricsModule {}
