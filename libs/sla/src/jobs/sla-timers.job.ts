import { DelayedError } from 'bullmq';
import {
  JobMeta,
  JobName,
  QueueName,
  StoredEvent,
  TimerJobDeps,
  TimerJobRequest,
  TimerJobRun,
  defineTimerJob,
  inTransaction,
  jobId,
  preparedSql,
  processOnce,
  readRows,
} from '@kefu/platform';
import {
  SlaRecalcReason,
  SlaTargetName,
  SlaTargetResumedData,
  SlaTargetStartedData,
  SlaTargetRecalculatedData,
  TICKET_STREAM_TYPE,
  TicketSlaView,
  TicketsService,
  slaTargetOf,
} from '@kefu/tickets';
import { BUSINESS_CALENDAR_STREAM_TYPE, SLA_POLICY_STREAM_TYPE } from '../domain/sla-config';

export interface SlaTimerJobData {
  ticketId: string;
  target: SlaTargetName;
  revision: number;
  meta?: JobMeta;
}

export interface SlaRecomputeJobData {
  reason: SlaRecalcReason;
  meta?: JobMeta;
}

/** Ids from ticket + target + deadline revision: a moved deadline is a new job, a repeat is not. */
export const deadlineJobId = (ticketId: string, target: SlaTargetName, revision: number) =>
  jobId('sla', ticketId, target, revision);
export const warningJobId = (ticketId: string, target: SlaTargetName, revision: number) =>
  jobId('sla-warn', ticketId, target, revision);
const RECOMPUTE_HANDLER = 'sla.recompute';

type Timer = {
  ticketId: string;
  target: SlaTargetName;
  revision: number;
  dueAt: string;
  warnAt: string | null;
};

function timerJobs(t: Timer): TimerJobRequest[] {
  const data = (): SlaTimerJobData => ({ ticketId: t.ticketId, target: t.target, revision: t.revision });
  const jobs: TimerJobRequest[] = [
    {
      name: JobName.SlaDeadline,
      jobId: deadlineJobId(t.ticketId, t.target, t.revision),
      data: data(),
      runAt: new Date(t.dueAt),
    },
  ];
  if (t.warnAt && Date.parse(t.warnAt) < Date.parse(t.dueAt))
    jobs.push({
      name: JobName.SlaWarning,
      jobId: warningJobId(t.ticketId, t.target, t.revision),
      data: data(),
      runAt: new Date(t.warnAt),
    });
  return jobs;
}

/** The recompute after a policy or calendar change, keyed by that change's event. */
const recomputeJob = (eventId: string, eventType: string): TimerJobRequest<SlaRecomputeJobData> => ({
  name: JobName.SlaRecompute,
  jobId: jobId('sla-recompute', eventId),
  data: { reason: eventType === 'SlaPolicyUpserted' ? 'policy_changed' : 'calendar_changed' },
});

/** Started, resumed and recalculated targets become a deadline job (and a warning job). */
export function slaTimerRoute(e: StoredEvent): TimerJobRequest[] | undefined {
  if (e.streamType === TICKET_STREAM_TYPE) {
    if (e.type !== 'SlaTargetStarted' && e.type !== 'SlaTargetResumed' && e.type !== 'SlaTargetRecalculated')
      return undefined;
    const d = e.data as SlaTargetStartedData | SlaTargetResumedData | SlaTargetRecalculatedData;
    if (!d.dueAt) return undefined; // recalculated while paused: the resume schedules it
    return timerJobs({
      ticketId: e.streamId,
      target: d.target,
      revision: d.revision,
      dueAt: d.dueAt,
      warnAt: d.warnAt,
    });
  }
  if (e.type === 'SlaPolicyUpserted' || e.type === 'BusinessCalendarUpserted')
    return [recomputeJob(e.eventId, e.type)];
  return undefined;
}

const TARGET_FIELDS: SlaTargetName[] = ['first_response', 'next_response', 'resolution'];

// Every timer job reads its ticket's clocks first: prepared, on the pool (no query runner).
const CLOCKS_OF = preparedSql('sla_clocks_of', `SELECT sla FROM ticket_view WHERE id = $1`);

type SlaDeps = TimerJobDeps<{ tickets: typeof TicketsService }>;

/**
 * The least work a timer needs: one indexed read of the ticket's clocks decides whether anything
 * is due. A job whose deadline moved, was met, paused, cancelled or already breached (or whose
 * warning went out) ends there; one fired early goes back to delayed; only a timer that is due
 * runs CheckSla (load, decide, one append). The read model is written in the same transaction as
 * the events, so it never shows a clock older than the job; a missing row falls through to CheckSla.
 */
async function checkTimer(
  { job, data, token }: TimerJobRun<SlaTimerJobData>,
  { ds, tickets }: SlaDeps,
): Promise<void> {
  const { ticketId, target, revision } = data;
  const deadline = job.name === (JobName.SlaDeadline as string);
  const rows = await readRows<{ sla: TicketSlaView | null }>(ds, CLOCKS_OF, [ticketId]);
  const due = rows.length ? timerDue(rows[0].sla, target, revision, deadline) : null;
  if (due !== null) {
    if (due === undefined) return;
    // Fired early (clocks of two hosts): back to delayed until it is due, never dropped.
    if (due > Date.now() && token) {
      await job.moveToDelayed(due, token);
      throw new DelayedError();
    }
  }
  await tickets.checkSla(ticketId, { target, revision });
}

/** RecalculateSla over every ticket not yet closed, then the job records itself done. */
async function recompute(
  { job, data, logger }: TimerJobRun<SlaRecomputeJobData>,
  { ds, tickets }: SlaDeps,
): Promise<void> {
  // Recorded done (the row is written after the last ticket): a redelivered job, or the dispatcher
  // routing a configuration event again, has nothing left to do, and a rerun costs one command per
  // open ticket.
  const done = (await ds.query(`SELECT 1 FROM es_inbox WHERE handler = $1 AND message_id = $2`, [
    RECOMPUTE_HANDLER,
    job.id,
  ])) as unknown[];
  if (done.length) return;
  let after = '';
  let n = 0;
  for (;;) {
    const rows = (await ds.query(
      `SELECT id FROM ticket_view WHERE status <> 'closed' AND id > $1 ORDER BY id LIMIT 500`,
      [after],
    )) as Array<{ id: string }>;
    for (const { id } of rows) {
      await tickets.recalculateSla(id, data.reason);
      n++;
    }
    if (rows.length < 500) break;
    after = rows[rows.length - 1].id;
  }
  await inTransaction(ds, (tx) => processOnce(tx, RECOMPUTE_HANDLER, job.id!, () => Promise.resolve()));
  logger.log({ tickets: n, reason: data.reason }, 'SLA due times recomputed');
}

/**
 * The SLA timers queue (concurrency from the config). A deadline or warning job runs CheckSla on its
 * ticket: the decider breaches or warns only what is due under the current revision, so a stale or
 * repeated job changes nothing. A recompute job runs RecalculateSla over every ticket not yet closed.
 * After Redis lost its jobs: every running target in the read model gets its deadline and warning
 * jobs back (same ids, so nothing runs twice; a deadline already past fires at once), and every
 * policy or calendar change whose recompute never finished gets its recompute job back.
 */
export const SlaTimerJobs = defineTimerJob({
  name: 'sla.timers',
  queue: QueueName.SlaTimers,
  inject: { tickets: TicketsService },
  concurrency: (config) => config.slaTimerConcurrency,
  route: () => slaTimerRoute,
  async reconcile({ pages, add }, { ds }) {
    // Keyset pages over the tickets with a running deadline (next_sla_due_at is indexed).
    for await (const rows of pages<{ id: string; sla: TicketSlaView }>({
      sql: `SELECT id, sla FROM ticket_view WHERE next_sla_due_at <> 'infinity' AND id > $1 ORDER BY id LIMIT $2`,
      key: 'id',
    })) {
      for (const r of rows) {
        for (const name of TARGET_FIELDS) {
          const t = slaTargetOf(r.sla, name);
          if (t?.status !== 'active' || !t.dueAt || t.revision === undefined) continue;
          await add(
            timerJobs({
              ticketId: r.id,
              target: name,
              revision: t.revision,
              dueAt: t.dueAt,
              warnAt: t.warnAt ?? null,
            }),
          );
        }
      }
    }
    const pending = (await ds.query(
      `SELECT e.event_id, e.event_type FROM es_events e
        WHERE e.stream_type = ANY($1) AND NOT EXISTS (
          SELECT 1 FROM es_inbox i WHERE i.handler = $2 AND i.message_id = 'sla-recompute-' || e.event_id::text)`,
      [[SLA_POLICY_STREAM_TYPE, BUSINESS_CALENDAR_STREAM_TYPE], RECOMPUTE_HANDLER],
    )) as Array<{ event_id: string; event_type: string }>;
    await add(pending.map((p) => recomputeJob(p.event_id, p.event_type)));
  },
  handle: {
    [JobName.SlaDeadline]: checkTimer,
    [JobName.SlaWarning]: checkTimer,
    [JobName.SlaRecompute]: recompute,
  },
});

/**
 * When the timer (deadline, or its warning) of `target` at `revision` is due in these clocks (epoch
 * ms); undefined when it has nothing left to do: the target is no longer running under that
 * revision, or its warning was sent (warnAt is cleared once warned); null when the clocks cannot
 * tell (a row from before revisions existed): the caller runs the full check.
 */
export function timerDue(
  sla: TicketSlaView | null,
  target: SlaTargetName,
  revision: number,
  deadline: boolean,
): number | undefined | null {
  const t = sla ? slaTargetOf(sla, target) : null;
  if (t && t.revision === undefined) return null;
  if (t?.status !== 'active' || t.revision !== revision) return undefined;
  const at = deadline ? t.dueAt : t.warnAt;
  return at ? Date.parse(at) : undefined;
}
