import { JobMeta, JobName, QueueName, StoredEvent, TimerJobRun, defineTimerJob, jobId } from '@kefu/platform';
import { TicketsService } from '../application/tickets.service';
import { TICKET_STREAM_TYPE } from '../domain/ticket.decider';
import { TicketStatusChangedData } from '../domain/ticket.events';

export interface AutoCloseJobData {
  ticketId: string;
  quietPeriodSeconds: number;
  meta?: JobMeta;
}

/** Due when the quiet period after the solve ends; keyed by the event that solved the ticket. */
function autoCloseJob(ticketId: string, solveEventId: string, solvedAt: string, quietPeriodSeconds: number) {
  const data: AutoCloseJobData = { ticketId, quietPeriodSeconds };
  return {
    name: JobName.AutoCloseTicket,
    jobId: jobId('auto-close', solveEventId),
    data,
    runAt: new Date(Date.parse(solvedAt) + quietPeriodSeconds * 1000),
  };
}

/** Each `solved` becomes a delayed job due when the quiet period ends. */
export function autoCloseRoute(quietPeriodSeconds: number) {
  return (e: StoredEvent) => {
    if (e.streamType !== TICKET_STREAM_TYPE || e.type !== 'TicketStatusChanged') return undefined;
    const d = e.data as TicketStatusChangedData;
    if (d.to !== 'solved') return undefined;
    return autoCloseJob(e.streamId, e.eventId, d.at, quietPeriodSeconds);
  };
}

/**
 * Closes a solved ticket whose quiet period has passed. The decider re-checks the state (a reply or
 * a later solve makes it a no-op) and the inbox absorbs redeliveries. After Redis lost its jobs,
 * every ticket still solved gets its job back, with the id and due time derived from the event that
 * solved it (the same the dispatcher used).
 */
export const AutoCloseJob = defineTimerJob({
  name: 'tickets.auto-close',
  queue: QueueName.Tickets,
  inject: { tickets: TicketsService },
  route: ({ config }) => autoCloseRoute(config.ticketAutoCloseSeconds),
  async reconcile({ pages, add }, { config }) {
    for await (const rows of pages<{ stream_id: string; event_id: string; at: string }>({
      // Per ticket in key order, its latest solve (the unique (stream_id, stream_position) index):
      // each page costs its own rows, not a sort of the rest of the table.
      sql: `SELECT t.id AS stream_id, s.event_id, s.at
              FROM ticket_view t
              CROSS JOIN LATERAL (
                SELECT e.event_id, e.data->>'at' AS at FROM es_events e
                 WHERE e.stream_id = t.id AND e.event_type = 'TicketStatusChanged' AND e.data->>'to' = 'solved'
                 ORDER BY e.stream_position DESC LIMIT 1) s
             WHERE t.status = 'solved' AND t.id > $1
             ORDER BY t.id LIMIT $2`,
      key: 'stream_id',
    }))
      await add(rows.map((r) => autoCloseJob(r.stream_id, r.event_id, r.at, config.ticketAutoCloseSeconds)));
  },
  handle: {
    async [JobName.AutoCloseTicket]({ data, inbox, logger }: TimerJobRun<AutoCloseJobData>, { tickets }) {
      const r = await tickets.closeSolved(data.ticketId, data.quietPeriodSeconds, inbox);
      logger.log({ ticketId: data.ticketId, status: r.result.status }, 'auto-close checked');
    },
  },
});
