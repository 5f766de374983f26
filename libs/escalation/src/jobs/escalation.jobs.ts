import { DataSource } from 'typeorm';
import { JobName, QueueName, TimerJobRun, defineTimerJob, jobId } from '@kefu/platform';
import { TICKET_STREAM_TYPE } from '@kefu/tickets/domain';
import { TIERS, Tier } from '@kefu/kernel';
import { EscalationRouter } from '../application/escalation-router';
import { EscalationSettings } from '../application/escalation-settings';
import { EscalationTriggers } from '../application/escalation-triggers';
import {
  DrainJobData,
  EscalateJobData,
  RouteJobData,
  SLA_BREACHED_EVENT,
  drainRoute,
  routingRoute,
  triggerRoute,
} from './escalation.routes';

const TRIGGER_TYPES = [SLA_BREACHED_EVENT, 'TicketEscalationRequested', 'TicketReopened'];

async function tierOf(ds: DataSource, d: DrainJobData): Promise<Tier | undefined> {
  if (d.tier) return d.tier;
  const rows = (
    d.agentId
      ? await ds.query(`SELECT tier FROM agent_view WHERE id = $1`, [d.agentId])
      : await ds.query(
          `SELECT a.tier FROM ticket_view t JOIN agent_view a ON a.id = t.assignee_id WHERE t.id = $1`,
          [d.ticketId],
        )
  ) as Array<{ tier: Tier }>;
  return rows[0]?.tier;
}

/**
 * The escalations queue: triggers → TicketEscalated, TicketEscalated → an agent or the tier's queue,
 * and queue drains. Several jobs run at once; the tier lock and the escalation stream's version keep
 * them from assigning twice. The services keep their own inbox handlers, so only the job id is passed.
 *
 * After Redis lost its jobs (ADR 0003): every trigger and every TicketEscalated of a ticket not yet
 * closed whose job never committed (no inbox row) gets its job back with the same id, and each tier
 * with waiting tickets gets a drain.
 */
export const EscalationJobs = defineTimerJob({
  name: 'escalation',
  queue: QueueName.Escalations,
  inject: { triggers: EscalationTriggers, router: EscalationRouter, settings: EscalationSettings },
  concurrency: 8,
  route: ({ settings }) => {
    const triggers = triggerRoute(settings.reopenThreshold);
    return (e) => [triggers(e), routingRoute(e), drainRoute(e)].filter((j) => j !== undefined);
  },
  async reconcile({ pages, add }, { ds, settings }) {
    const triggers = triggerRoute(settings.reopenThreshold);
    for await (const rows of pages<{
      global_position: string;
      event_id: string;
      stream_id: string;
      event_type: string;
      data: unknown;
    }>({
      sql: `SELECT e.global_position, e.event_id, e.stream_id, e.event_type, e.data
              FROM ticket_view t
              JOIN es_events e ON e.stream_id = t.id AND e.event_type = ANY($3)
             WHERE t.status <> 'closed' AND e.global_position > $1
               AND NOT EXISTS (
                 SELECT 1 FROM es_inbox i
                  WHERE (i.handler = 'escalation.trigger' AND i.message_id = 'escalate-' || e.event_id::text)
                     OR (i.handler = 'escalation.route' AND i.message_id = 'route-' || e.event_id::text))
             ORDER BY e.global_position LIMIT $2`,
      params: [[...TRIGGER_TYPES, 'TicketEscalated']],
      key: 'global_position',
      from: 0,
    })) {
      for (const r of rows) {
        const e = {
          streamType: TICKET_STREAM_TYPE,
          streamId: r.stream_id,
          type: r.event_type,
          data: r.data,
          eventId: r.event_id,
        };
        const job = triggers(e) ?? routingRoute(e);
        if (job) await add([job]);
      }
    }
    const waiting = (await ds.query(`SELECT DISTINCT tier FROM escalation_queue`)) as Array<{ tier: Tier }>;
    // A new id per reconcile run, so each run drains once more (the inbox keeps the ids apart).
    const run = Date.now();
    await add(
      waiting
        .filter((w) => TIERS.includes(w.tier))
        .map(({ tier }) => ({
          name: JobName.DrainEscalationQueue,
          jobId: jobId('drain', tier, 'reconcile', run),
          data: { tier } satisfies DrainJobData,
        })),
    );
  },
  handle: {
    [JobName.EscalateTicket]: ({ data, job }: TimerJobRun<EscalateJobData>, { triggers }) =>
      triggers.escalate(data, { messageId: job.id! }),
    [JobName.RouteEscalation]: ({ data, job }: TimerJobRun<RouteJobData>, { router }) =>
      router.route(data, { messageId: job.id! }),
    async [JobName.DrainEscalationQueue]({ data, job }: TimerJobRun<DrainJobData>, { ds, router }) {
      const tier = await tierOf(ds, data);
      return tier ? router.drain(tier, { messageId: job.id! }) : 0;
    },
  },
});
