import { Injectable, Logger } from '@nestjs/common';
import { JobsOptions, Queue } from 'bullmq';
import { EventConsumer } from '../event-store/consumer-runner';
import { StoredEvent } from '../event-store/types';
import { DispatchSpan, startDispatchSpan } from '../tracing/tracing';
import { JobName, QueueName } from './queue-names';

/** Meta every dispatched job carries, so its log lines and events keep the chain of causes. */
export interface JobMeta {
  correlationId?: string;
  causationId: string;
  /** W3C trace context of the dispatch (tracing on only); BullMQ's job span continues it. */
  traceparent?: string;
}

export interface JobRequest<D extends object = object> {
  queue: QueueName;
  name: JobName;
  /** Deterministic (event id + target), free of ':'. Re-dispatching adds nothing new. */
  jobId: string;
  data: D;
  /** Delayed jobs: when to run. Past or absent = now. */
  runAt?: Date;
  opts?: Pick<JobsOptions, 'attempts' | 'backoff' | 'priority' | 'telemetry'>;
}

/** A request as Queue.addBulk takes it: its deterministic id, and a delay until runAt (`now` in epoch ms). */
export function bulkJob(j: Omit<JobRequest, 'queue'>, now: number) {
  const delay = j.runAt ? Math.max(0, j.runAt.getTime() - now) : undefined;
  return { name: j.name, data: j.data, opts: { ...j.opts, jobId: j.jobId, delay } };
}

export type JobRoute = (event: StoredEvent) => JobRequest[] | JobRequest | undefined;

/** Modules register how their events become jobs (in onModuleInit); the dispatcher applies them. */
@Injectable()
export class JobRoutes {
  private readonly routes: Array<{ name: string; route: JobRoute }> = [];

  register(name: string, route: JobRoute): void {
    if (this.routes.some((r) => r.name === name)) throw new Error(`job route ${name} registered twice`);
    this.routes.push({ name, route });
  }

  jobsFor(event: StoredEvent): JobRequest[] {
    const out: JobRequest[] = [];
    for (const { route } of this.routes) {
      const r = route(event);
      if (Array.isArray(r)) out.push(...r);
      else if (r) out.push(r);
    }
    return out;
  }
}

export type QueueResolver = (name: QueueName) => Queue;

/**
 * The consumer that turns the event log into BullMQ jobs. handle() returns only once every job of
 * the batch is in Redis; the ConsumerRunner then moves the checkpoint and commits. A crash in
 * between re-adds the same job ids on the next run (BullMQ ignores known ids; jobs are idempotent).
 */
export class JobDispatcher implements EventConsumer {
  readonly name = 'job-dispatcher';
  readonly batchSize = 200;
  private readonly logger = new Logger(JobDispatcher.name);

  constructor(
    private readonly routes: JobRoutes,
    private readonly queueOf: QueueResolver,
    private readonly now: () => Date = () => new Date(),
    /** Seconds from each event's commit to its jobs being in Redis (metrics). */
    private readonly observeLag?: (seconds: number) => void,
  ) {}

  async handle(events: StoredEvent[]): Promise<void> {
    const byQueue = new Map<QueueName, JobRequest[]>();
    const spans: DispatchSpan[] = [];
    try {
      for (const event of events) {
        const jobs = this.routes.jobsFor(event);
        const span = jobs.length > 0 ? startDispatchSpan(event.type, event.metadata.traceparent) : undefined;
        if (span) spans.push(span);
        for (const job of jobs) {
          if (job.jobId.includes(':')) throw new Error(`job id ${job.jobId} contains ':'`);
          const meta: JobMeta = {
            correlationId: event.metadata.correlationId,
            causationId: event.eventId,
            ...(span ? { traceparent: span.traceparent } : {}),
          };
          // BullMQ's own telemetry field: its worker starts the job's span under this context.
          const telemetry = span
            ? { metadata: JSON.stringify({ traceparent: span.traceparent }) }
            : undefined;
          const list = byQueue.get(job.queue) ?? [];
          list.push({
            ...job,
            data: { ...job.data, meta },
            opts: { ...job.opts, ...(telemetry ? { telemetry } : {}) },
          });
          byQueue.set(job.queue, list);
        }
      }
      await this.addAll(byQueue);
    } catch (e) {
      for (const s of spans) s.end(e);
      throw e;
    }
    for (const s of spans) s.end();
    if (this.observeLag) {
      const done = Date.now();
      for (const e of events) this.observeLag(Math.max(0, (done - e.createdAt.getTime()) / 1000));
    }
  }

  private async addAll(byQueue: Map<QueueName, JobRequest[]>): Promise<void> {
    const now = this.now().getTime();
    for (const [queue, jobs] of byQueue) {
      await this.queueOf(queue).addBulk(jobs.map((j) => bulkJob(j, now)));
      this.logger.debug({ queue, jobs: jobs.length }, 'dispatched');
    }
  }
}
