import { Injectable, Logger } from '@nestjs/common';
import { CommandBody, CommandRunner, Tx, loadState, withDomainErrors } from '@kefu/platform';
import { Decider, SYSTEM, Tier } from '@kefu/kernel';
import { TicketsService } from '@kefu/tickets';
import { DataSource } from 'typeorm';
import {
  DequeueEscalationData,
  ESCALATION_STREAM_TYPE,
  EscalationCommand,
  EscalationState,
  RouteEscalationData,
  escalationDecider,
  escalationStreamId,
} from '../domain/escalation.decider';
import { DequeueReason, EscalationEvent, EscalationRef } from '../domain/escalation.events';
import { RoutingCandidate, pickAgent } from '../domain/routing';
import { EscalationQueueProjection } from '../projections/escalation-queue.projection';
import { RoutableTicket, candidatesOf, lockTier, noteAssignment, routableTicket } from './routing-reads';

const decider: Decider<EscalationState, EscalationCommand, EscalationEvent> =
  withDomainErrors(escalationDecider);

export type RouteOutcome = 'routed' | 'queued' | 'already_handled' | 'skipped';

/** How many waiting tickets one drain looks at; a longer queue is drained by the next job. */
const DRAIN_BATCH = 200;

/**
 * Routes escalations: on each TicketEscalated, assigns the ticket to the best agent of the new tier
 * or queues it there; when agents free up, drains the tier's queue oldest first. One transaction per
 * job, holding the tier's routing lock; the ticket's AssignTicket and the escalation stream's event
 * commit together, and the escalation stream's version makes a second decision impossible.
 */
@Injectable()
export class EscalationRouter {
  private readonly logger = new Logger(EscalationRouter.name);

  constructor(
    private readonly commands: CommandRunner,
    private readonly tickets: TicketsService,
    private readonly queue: EscalationQueueProjection,
    private readonly ds: DataSource,
  ) {}

  /** Routes one escalation (the job of a TicketEscalated). `inbox` absorbs redeliveries. */
  async route(escalation: EscalationRef, inbox: { messageId: string }): Promise<RouteOutcome> {
    const { result } = await this.commands.transaction<RouteOutcome>(
      {
        inbox: {
          handler: 'escalation.route',
          ...inbox,
          redelivered: () => Promise.resolve('already_handled'),
        },
      },
      (tx) => this.routeIn(tx, escalation),
    );
    this.logger.log({ ticketId: escalation.ticketId, toTier: escalation.toTier, outcome: result }, 'routed');
    return result;
  }

  private async routeIn(tx: Tx, escalation: EscalationRef): Promise<RouteOutcome> {
    await lockTier(tx, escalation.toTier);
    const stream = await this.load(tx, escalation.ticketId);
    if (stream.state.outcomes[escalation.escalationId]) return 'already_handled';
    const ticket = await routableTicket(tx, escalation.ticketId);
    // Closed, or escalated again since (the newer escalation routes it): nothing to route.
    if (!ticket || ticket.status === 'closed' || ticket.tier !== escalation.toTier) return 'skipped';
    if (ticket.assigneeId) {
      await this.decide(tx, stream.version, 'RouteEscalation', {
        escalation,
        agentId: ticket.assigneeId,
        by: 'already_assigned',
      });
      return 'routed';
    }
    const chosen = pickAgent(await candidatesOf(tx, escalation.toTier), ticket);
    if (!chosen) {
      await this.decide(tx, stream.version, 'RouteEscalation', { escalation });
      return 'queued';
    }
    await this.assign(tx, ticket, chosen, stream.version, escalation);
    return 'routed';
  }

  /**
   * Assigns waiting tickets of the tier, oldest first, while someone can take them. Returns how
   * many were assigned. Idempotent by nature: it only acts on what is still waiting.
   */
  async drain(tier: Tier, inbox: { messageId: string }): Promise<number> {
    // Most drains (every solved ticket asks for one) find an empty queue: skip the transaction.
    const waiting = (await this.ds.query(`SELECT 1 FROM escalation_queue WHERE tier = $1 LIMIT 1`, [
      tier,
    ])) as unknown[];
    if (waiting.length === 0) return 0;
    const { result } = await this.commands.transaction(
      { inbox: { handler: 'escalation.drain', ...inbox, redelivered: () => Promise.resolve(0) } },
      (tx) => this.drainIn(tx, tier),
    );
    if (result > 0) this.logger.log({ tier, assigned: result }, 'queue drained');
    return result;
  }

  private async drainIn(tx: Tx, tier: Tier): Promise<number> {
    await lockTier(tx, tier);
    const waiting = await tx.rows<{ ticket_id: string; escalation_id: string }>(
      `SELECT ticket_id, escalation_id FROM escalation_queue WHERE tier = $1
        ORDER BY queued_at, ticket_id LIMIT ${DRAIN_BATCH}`,
      [tier],
    );
    if (waiting.length === 0) return 0;
    const candidates = await candidatesOf(tx, tier);
    let assigned = 0;
    for (const w of waiting) {
      const ticket = await routableTicket(tx, w.ticket_id);
      const stream = await this.load(tx, w.ticket_id);
      const pending = stream.state.waiting;
      if (!pending || pending.escalationId !== w.escalation_id) continue;
      const gone = leftQueueBecause(ticket, tier);
      if (gone) {
        await this.decide(tx, stream.version, 'DequeueEscalation', {
          escalationId: w.escalation_id,
          ticketId: w.ticket_id,
          reason: gone,
        });
        continue;
      }
      const chosen = pickAgent(candidates, ticket!);
      if (!chosen) continue;
      const ref = await this.refOf(tx, w.ticket_id, w.escalation_id);
      if (!ref) continue;
      await this.assign(tx, ticket!, chosen, stream.version, ref);
      // The same transaction goes on choosing: count the ticket against the agent right away.
      chosen.openTickets += 1;
      chosen.lastAssignedAt = this.commands.now();
      assigned += 1;
    }
    return assigned;
  }

  private async assign(
    tx: Tx,
    ticket: RoutableTicket,
    agent: RoutingCandidate,
    expectedVersion: number,
    escalation: EscalationRef,
  ): Promise<void> {
    await this.tickets.executeIn(tx, SYSTEM, ticket.id, 'AssignTicket', { agentId: agent.id });
    await this.decide(tx, expectedVersion, 'RouteEscalation', {
      escalation,
      agentId: agent.id,
      by: 'routing',
      load: agent.openTickets,
    });
    await noteAssignment(tx, agent.id, this.commands.now());
  }

  /** The queued event of a waiting escalation carries what routing records with it. */
  private async refOf(tx: Tx, ticketId: string, escalationId: string): Promise<EscalationRef | undefined> {
    const row = await tx.one<{ data: EscalationRef }>(
      `SELECT data FROM es_events WHERE stream_id = $1 AND event_type = 'EscalationQueued'
          AND data->>'escalationId' = $2 ORDER BY stream_position DESC LIMIT 1`,
      [escalationStreamId(ticketId), escalationId],
    );
    if (!row) return undefined;
    const { escalationId: id, trigger, fromTier, toTier } = row.data;
    return { escalationId: id, ticketId, trigger, fromTier, toTier };
  }

  private load(tx: Tx, ticketId: string) {
    return loadState(this.commands.store, tx, escalationStreamId(ticketId), decider);
  }

  private async decide<T extends EscalationCommand['type']>(
    tx: Tx,
    expectedVersion: number,
    type: T,
    data: T extends 'RouteEscalation' ? RouteEscalationData : DequeueEscalationData,
  ): Promise<void> {
    const ticketId = 'escalation' in data ? data.escalation.ticketId : data.ticketId;
    await this.commands.handleIn(tx, {
      streamType: ESCALATION_STREAM_TYPE,
      streamId: escalationStreamId(ticketId),
      decider,
      command: this.commands.stamp<EscalationCommand>(SYSTEM, {
        type,
        data,
      } as CommandBody<EscalationCommand>),
      // The choice was made on this version: if another job moved the stream, reload and retry.
      expectedVersion,
      project: (t, events) => this.queue.apply(t, events),
      respond: () => Promise.resolve(undefined),
    });
  }
}

function leftQueueBecause(ticket: RoutableTicket | undefined, tier: Tier): DequeueReason | undefined {
  if (!ticket || ticket.status === 'closed') return 'ticket_closed';
  if (ticket.tier !== tier) return 'tier_changed';
  if (ticket.assigneeId) return 'assigned_elsewhere';
  return undefined;
}
