import { Injectable } from '@nestjs/common';
import {
  CommandResult,
  CommandRunner,
  Decider,
  DomainError,
  IdempotencyRequest,
  Principal,
  Tx,
  processOnce,
} from '@kefu/platform';
import { randomUUID } from 'node:crypto';
import { Actor } from '../domain/decider';
import {
  EscalateTicketData,
  MessageInput,
  OpenTicketData,
  SetTicketStatusData,
  TagTicketData,
  TicketCommand,
} from '../domain/ticket.commands';
import { TICKET_STREAM_TYPE, ticketDecider } from '../domain/ticket.decider';
import { TicketEvent } from '../domain/ticket.events';
import { canSeeTicket } from '../domain/ticket.permissions';
import { TicketState } from '../domain/ticket.state';
import { Priority } from '../domain/ticket.types';
import { TicketViewProjection } from '../projections/ticket-view.projection';
import { SYSTEM_DOMAIN_ACTOR, actorFromPrincipal, translateRuleError } from './actor';
import { TicketQueries } from './ticket-queries';
import { TicketView } from './ticket-view';

export interface CommandOptions {
  expectedVersion?: number;
  idempotency?: IdempotencyRequest;
}

/** Rule errors from the pure decider become platform DomainErrors, so REST and GraphQL map them. */
const decider: Decider<TicketState, TicketCommand, TicketEvent> = {
  ...ticketDecider,
  decide: (c, s) => {
    try {
      return ticketDecider.decide(c, s);
    } catch (e) {
      throw translateRuleError(e);
    }
  },
};

/** The ticket commands: each one transaction, responding with the updated read model. */
@Injectable()
export class TicketsService {
  constructor(
    private readonly commands: CommandRunner,
    private readonly projection: TicketViewProjection,
    private readonly queries: TicketQueries,
  ) {}

  async open(
    principal: Principal,
    data: Omit<OpenTicketData, 'ticketId' | 'number'>,
    opts: CommandOptions = {},
  ): Promise<CommandResult<TicketView>> {
    const ticketId = randomUUID();
    const actor = actorFromPrincipal(principal);
    // A partner's tickets come in on its key's channel unless it says otherwise.
    const channel = data.channel ?? (principal.kind === 'partner' ? principal.channel : undefined);
    return this.run(actor, ticketId, { ...opts, isNew: true, successStatus: 201 }, async (tx) => ({
      type: 'OpenTicket',
      actor,
      now: new Date().toISOString(),
      data: { ...data, ...(channel ? { channel } : {}), ticketId, number: await nextTicketNumber(tx) },
    }));
  }

  reply(p: Principal, ticketId: string, input: Omit<MessageInput, 'messageId'>, opts: CommandOptions = {}) {
    return this.simple(p, ticketId, opts, 'ReplyToTicket', { ...input, messageId: randomUUID() }, 201);
  }

  addInternalNote(
    p: Principal,
    ticketId: string,
    input: Omit<MessageInput, 'messageId'>,
    opts: CommandOptions = {},
  ) {
    return this.simple(p, ticketId, opts, 'AddInternalNote', { ...input, messageId: randomUUID() });
  }

  assign(p: Principal, ticketId: string, agentId: string, opts: CommandOptions = {}) {
    return this.simple(p, ticketId, opts, 'AssignTicket', { agentId });
  }

  setStatus(p: Principal, ticketId: string, data: SetTicketStatusData, opts: CommandOptions = {}) {
    return this.simple(p, ticketId, opts, 'SetTicketStatus', data);
  }

  tag(p: Principal, ticketId: string, data: TagTicketData, opts: CommandOptions = {}) {
    return this.simple(p, ticketId, opts, 'TagTicket', data);
  }

  setPriority(p: Principal, ticketId: string, priority: Priority, opts: CommandOptions = {}) {
    return this.simple(p, ticketId, opts, 'SetTicketPriority', { priority });
  }

  requestEscalation(p: Principal, ticketId: string, reason: string, opts: CommandOptions = {}) {
    return this.simple(p, ticketId, opts, 'RequestEscalation', { reason }, 201);
  }

  escalate(p: Principal, ticketId: string, data: EscalateTicketData, opts: CommandOptions = {}) {
    return this.simple(p, ticketId, opts, 'EscalateTicket', data);
  }

  /**
   * Opens a ticket inside a transaction the caller controls: other modules (disputes, refunds, account
   * recovery, feedback) open or link the ticket atomically with their own first events. No idempotency
   * here; the caller's transaction carries it.
   */
  async openIn(
    tx: Tx,
    principal: Principal,
    data: Omit<OpenTicketData, 'ticketId' | 'number'>,
  ): Promise<TicketView> {
    const ticketId = randomUUID();
    const actor = actorFromPrincipal(principal);
    const channel = data.channel ?? (principal.kind === 'partner' ? principal.channel : undefined);
    const command: TicketCommand = {
      type: 'OpenTicket',
      actor,
      now: new Date().toISOString(),
      data: { ...data, ...(channel ? { channel } : {}), ticketId, number: await nextTicketNumber(tx) },
    };
    return this.handleIn(tx, actor, ticketId, command, { isNew: true });
  }

  /**
   * Any other ticket command inside the caller's transaction (escalate, assign, set status, reply…),
   * with the same access rules as the public methods: a principal who may not see the ticket gets
   * not_found. Pass `'system'` for worker-driven changes (routing, escalation triggers).
   */
  async executeIn<T extends Exclude<TicketCommand, { type: 'OpenTicket' }>['type']>(
    tx: Tx,
    principal: Principal | 'system',
    ticketId: string,
    type: T,
    data: Extract<TicketCommand, { type: T }>['data'],
    opts: { expectedVersion?: number } = {},
  ): Promise<TicketView> {
    const actor = principal === 'system' ? SYSTEM_DOMAIN_ACTOR : actorFromPrincipal(principal);
    const command = { type, actor, now: new Date().toISOString(), data } as TicketCommand;
    return this.handleIn(tx, actor, ticketId, command, opts);
  }

  /**
   * The worker's auto-close after the quiet period. Does nothing if the ticket left `solved` or was
   * solved again more recently; `inbox` makes a redelivered job a no-op as well.
   */
  closeSolved(
    ticketId: string,
    quietPeriodSeconds: number,
    inbox?: { handler: string; messageId: string },
  ): Promise<CommandResult<TicketView>> {
    const actor = SYSTEM_DOMAIN_ACTOR;
    return this.run(actor, ticketId, { inbox }, () =>
      Promise.resolve({
        type: 'CloseSolvedTicket',
        actor,
        now: new Date().toISOString(),
        data: { quietPeriodSeconds },
      }),
    );
  }

  private simple<T extends Exclude<TicketCommand, { type: 'OpenTicket' | 'CloseSolvedTicket' }>['type']>(
    principal: Principal,
    ticketId: string,
    opts: CommandOptions,
    type: T,
    data: Extract<TicketCommand, { type: T }>['data'],
    successStatus = 200,
  ): Promise<CommandResult<TicketView>> {
    const actor = actorFromPrincipal(principal);
    return this.run(actor, ticketId, { ...opts, successStatus }, () =>
      Promise.resolve({ type, actor, now: new Date().toISOString(), data } as TicketCommand),
    );
  }

  private run(
    actor: Actor,
    ticketId: string,
    opts: CommandOptions & {
      isNew?: boolean;
      successStatus?: number;
      inbox?: { handler: string; messageId: string };
    },
    build: (tx: Tx) => Promise<TicketCommand>,
  ): Promise<CommandResult<TicketView>> {
    // The command is built inside the transaction (the ticket number comes from a sequence there).
    let command: TicketCommand | undefined;
    return this.commands.transaction(
      {
        idempotency: opts.idempotency,
        successStatus: opts.successStatus,
        retries: opts.expectedVersion === undefined ? 5 : 0,
      },
      async (tx) => {
        const handle = async () => {
          command ??= await build(tx);
          return this.handleIn(tx, actor, ticketId, command, opts);
        };
        if (!opts.inbox) return handle();
        let result: TicketView | undefined;
        const applied = await processOnce(tx, opts.inbox.handler, opts.inbox.messageId, async () => {
          result = await handle();
        });
        // A redelivered job: already applied, so respond with the ticket as it is.
        return applied ? result! : (await this.queries.byIdIn(tx, ticketId))!;
      },
    );
  }

  private handleIn(
    tx: Tx,
    actor: Actor,
    ticketId: string,
    command: TicketCommand,
    opts: { expectedVersion?: number; isNew?: boolean },
  ): Promise<TicketView> {
    return this.commands.handleIn(tx, {
      streamType: TICKET_STREAM_TYPE,
      streamId: ticketId,
      decider,
      command,
      expectedVersion: opts.expectedVersion,
      mustExist: opts.isNew ? undefined : { what: 'Ticket', id: ticketId },
      isNew: opts.isNew,
      authorize: (state) => {
        if (state.exists && !canSeeTicket(actor, state)) throw DomainError.notFound('Ticket', ticketId);
      },
      project: (t, events) => this.projection.apply(t, events),
      respond: async (t) => (await this.queries.byIdIn(t, ticketId))!,
    });
  }
}

async function nextTicketNumber(tx: Tx): Promise<number> {
  const row = await tx.one<{ n: string }>(`SELECT nextval('ticket_number_seq')::text AS n`);
  return Number(row!.n);
}
