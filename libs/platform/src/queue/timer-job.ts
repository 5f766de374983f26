import { getQueueToken } from '@nestjs/bullmq';
import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnModuleInit,
  Type,
} from '@nestjs/common';
import { Job, Queue, Worker } from 'bullmq';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/config';
import { SYSTEM, partyOf } from '@kefu/kernel';
import { Actor, RequestContext } from '../context/request-context';
import { Tx } from '../event-store/tx';
import { StoredEvent } from '../event-store/types';
import { bullTelemetry } from '../tracing/tracing';
import { JobMeta, JobRequest, JobRoutes, bulkJob } from './job-dispatcher';
import { runJobOnce } from './job-runner';
import { JobName, QueueName } from './queue-names';
import { JobReconciler, ReconcilerRegistry } from './reconcilers';
import { bullConnection } from './redis-connection';

/** A job of a declared kind: the queue is the declaration's. */
export type TimerJobRequest<D extends object = object> = Omit<JobRequest<D>, 'queue'>;

/** How events become jobs of the declared kind (see JobRoute). */
export type TimerRoute = (event: StoredEvent) => TimerJobRequest[] | TimerJobRequest | undefined;

/** The inbox key of a job run: services commit it with the job's effect (ADR 0003). */
export interface JobInbox {
  handler: string;
  messageId: string;
}

/** What a handler gets for one delivery of a job. */
export interface TimerJobRun<D extends object = object> {
  job: Job;
  data: D;
  /** The worker's lock token (for moveToDelayed). */
  token?: string;
  inbox: JobInbox;
  logger: Logger;
  /** The effect and the inbox row commit together: false when this job id was already applied. */
  once: (effect: (tx: Tx) => Promise<void>) => Promise<boolean>;
}

/**
 * A query read in keyset pages: `$1` is the key the page starts after, `$2` the page size, and the
 * query's own parameters follow from `$3`. It must filter `key > $1`, ORDER BY the key and LIMIT $2.
 */
export interface KeysetQuery<Row> {
  sql: string;
  params?: unknown[];
  /** The (unique) column the pages follow. */
  key: keyof Row & string;
  /** Below every key: '' (the default) for text keys, e.g. 0 for log positions. */
  from?: string | number;
  pageSize?: number;
}

export interface ReconcileRun {
  /** Queues jobs (delay from runAt), in addBulk chunks; each counts in the reconcile's result. */
  add: (jobs: readonly TimerJobRequest[]) => Promise<void>;
  /** Reads a query page by page, so a large table is never held in memory at once. */
  pages: <Row>(query: KeysetQuery<Row>) => AsyncGenerator<Row[]>;
}

type Tokens = Record<string, abstract new (...args: never[]) => unknown>;
type Instances<I extends Tokens> = {
  [K in keyof I]: I[K] extends abstract new (...args: never[]) => infer R ? R : never;
};
/** The injected services, plus the database and the config every job has. */
export type TimerJobDeps<I extends Tokens> = Instances<I> & { ds: DataSource; config: AppConfig };

// A method signature, so a handler may declare the data of its own job name (parameter bivariance).
type TimerJobHandler<Deps> = {
  handle(run: TimerJobRun<object>, deps: Deps): Promise<unknown>;
}['handle'];

export interface TimerJobDefinition<I extends Tokens> {
  /** The route's and the reconciler's name (reconcile results are keyed by it) and the default inbox handler. */
  name: string;
  queue: QueueName;
  /** Services the route, reconcile and handlers use, by the name they get them under. */
  inject?: I & { ds?: never; config?: never };
  route(deps: TimerJobDeps<I>): TimerRoute | Promise<TimerRoute>;
  /** Re-derives from Postgres the jobs that should be in Redis, with the route's ids (ADR 0003). */
  reconcile(run: ReconcileRun, deps: TimerJobDeps<I>): Promise<void>;
  /** One handler per job name of the queue; any other name fails the job (a wiring bug). */
  handle: { [N in JobName]?: TimerJobHandler<TimerJobDeps<I>> };
  /** Jobs run at once by this process's worker; default 1. */
  concurrency?: number | ((config: AppConfig) => number);
  /** Who the jobs act as; default the platform's system actor. */
  actor?: Actor;
  /** The inbox handler of a job name; default the declaration's name. */
  inboxHandler?: (job: JobName) => string;
}

export interface DeclaredTimerJob
  extends JobReconciler, OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown {
  /** One delivery, as the worker runs it: in the job's request context, by its name's handler. */
  process(job: Job, token?: string): Promise<unknown>;
}

const ADD_CHUNK = 500;
const PAGE_SIZE = 2000;

/**
 * One declaration per kind of job gives its route (events → jobs), its reconciler (Postgres → the
 * jobs Redis lost, same ids) and the one BullMQ worker of its queue (configured concurrency, request
 * context with the system actor and the dispatch's correlation id, closed before the database on
 * shutdown). Returns the Nest provider that does all three; list it in the worker module.
 */
export function defineTimerJob<I extends Tokens = Record<never, never>>(
  def: TimerJobDefinition<I>,
): Type<DeclaredTimerJob> {
  const injected = Object.entries(def.inject ?? {});
  const actor = def.actor ?? partyOf(SYSTEM);
  const inboxHandler = def.inboxHandler ?? (() => def.name);
  const withQueue = (j: TimerJobRequest): JobRequest => ({ ...j, queue: def.queue });

  class TimerJob implements DeclaredTimerJob {
    readonly name = def.name;
    private readonly logger = new Logger(def.name);
    private readonly deps: TimerJobDeps<I>;
    private worker?: Worker;

    constructor(
      private readonly routes: JobRoutes,
      private readonly reconcilers: ReconcilerRegistry,
      private readonly queue: Queue,
      ds: DataSource,
      config: AppConfig,
      ...services: unknown[]
    ) {
      const named = Object.fromEntries(injected.map(([key], i) => [key, services[i]]));
      this.deps = { ...named, ds, config } as TimerJobDeps<I>;
    }

    async onModuleInit(): Promise<void> {
      const route = await def.route(this.deps);
      this.routes.register(def.name, (e) => {
        const r = route(e);
        return Array.isArray(r) ? r.map(withQueue) : r && withQueue(r);
      });
      this.reconcilers.register(this);
    }

    // Only once every module is initialised (routes registered, settings loaded) does it take jobs.
    onApplicationBootstrap(): void {
      const { config } = this.deps;
      const concurrency =
        typeof def.concurrency === 'function' ? def.concurrency(config) : (def.concurrency ?? 1);
      this.worker = new Worker(def.queue, (job, token) => this.process(job, token), {
        connection: bullConnection(config.redisUrl),
        prefix: config.queuePrefix,
        telemetry: bullTelemetry(),
        concurrency,
      });
      this.worker.on('error', (e) => this.logger.warn({ err: e.message }, 'worker error'));
    }

    // Before the database closes (BeforeApplicationShutdown): active jobs finish first.
    async beforeApplicationShutdown(): Promise<void> {
      await this.worker?.close();
    }

    async reconcile(): Promise<number> {
      let added = 0;
      let buffer: TimerJobRequest[] = [];
      const flush = async (all: boolean) => {
        while (buffer.length >= ADD_CHUNK || (all && buffer.length > 0)) {
          const chunk = buffer.slice(0, ADD_CHUNK);
          buffer = buffer.slice(ADD_CHUNK);
          const now = Date.now();
          await this.queue.addBulk(chunk.map((j) => bulkJob(j, now)));
          added += chunk.length;
        }
      };
      const ds = this.deps.ds;
      const run: ReconcileRun = {
        add: async (jobs) => {
          buffer.push(...jobs);
          await flush(false);
        },
        pages: async function* <Row>(q: KeysetQuery<Row>) {
          const size = q.pageSize ?? PAGE_SIZE;
          let after: unknown = q.from ?? '';
          for (;;) {
            const rows = (await ds.query(q.sql, [after, size, ...(q.params ?? [])])) as Row[];
            if (rows.length > 0) yield rows;
            if (rows.length < size) return;
            after = rows[rows.length - 1][q.key];
          }
        },
      };
      await def.reconcile(run, this.deps);
      await flush(true);
      return added;
    }

    async process(job: Job, token?: string): Promise<unknown> {
      const handler = def.handle[job.name as JobName];
      // One worker per queue: a job name it does not know is a wiring bug, so it fails visibly.
      if (!handler) throw new Error(`unknown job ${job.name} on ${def.queue}`);
      const meta = (job.data as { meta?: JobMeta }).meta;
      const inbox = { handler: inboxHandler(job.name as JobName), messageId: job.id! };
      const run: TimerJobRun = {
        job,
        data: job.data as object,
        token,
        inbox,
        logger: this.logger,
        once: (effect) => runJobOnce(this.deps.ds, inbox.handler, inbox.messageId, meta, effect, actor),
      };
      return RequestContext.run({ correlationId: meta?.correlationId ?? job.id!, actor }, () =>
        handler(run, this.deps),
      );
    }
  }

  const tokens = [
    JobRoutes,
    ReconcilerRegistry,
    getQueueToken(def.queue),
    DataSource,
    AppConfig,
    ...injected.map(([, t]) => t),
  ];
  tokens.forEach((token, i) => Inject(token)(TimerJob, undefined, i));
  Injectable()(TimerJob);
  // Nest names providers by their class in its messages; one class per declaration.
  Object.defineProperty(TimerJob, 'name', { value: `TimerJob(${def.name})` });
  return TimerJob;
}
