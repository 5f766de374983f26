import { Injectable, Optional } from '@nestjs/common';
import {
  CommandResult,
  Caller,
  CommandBody,
  CommandRunner,
  DomainError,
  IdempotencyRequest,
  Inbox,
  PiiVault,
  Principal,
  Tx,
  isSystem,
  CUSTOMER_CONTACT_FIELDS,
  withDomainErrors,
} from '@kefu/platform';
import { Decider, SYSTEM, Priority } from '@kefu/kernel';
import { randomUUID } from 'node:crypto';
import { segmentsIn } from './customer-segments.service';
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
import { SlaRecalcReason, SlaTargetName } from '../domain/ticket.sla.types';
import { TicketViewProjection } from '../projections/ticket-view.projection';
import { CLIENT_ORIGIN, SYSTEM_ORIGIN, clientVersionOf } from './client-version';
import { TicketQueries } from './ticket-queries';
import { TicketEscalationLadder } from './ticket-escalation-ladder';
import { TicketSlaRules } from './ticket-sla-rules';
import { TicketView, toTicketView } from './ticket-view';

export interface CommandOptions {
  expectedVersion?: number;
  idempotency?: IdempotencyRequest;
}

/** Rule errors from the pure decider become platform DomainErrors, so REST and GraphQL map them. */
const decider: Decider<TicketState, TicketCommand, TicketEvent> = withDomainErrors(ticketDecider);

/** A customer opening their own ticket is named in `openedBy` too. */
const OPENED_BY_CUSTOMER_FIELDS = [...CUSTOMER_CONTACT_FIELDS, 'openedBy.name'];

/** Messages whose author, when a customer, is named in clear: the name is sealed with that customer's key. */
const MESSAGE_EVENTS: ReadonlySet<string> = new Set(['PublicReplyAdded', 'InternalNoteAdded']);

/**
 * What is sealed in the events a ticket command emits: the contact details of TicketOpened and a
 * customer author's name in messages (the decider sees them clear).
 */
function personalFields(e: TicketEvent): readonly string[] {
  if (e.type === 'TicketOpened')
    return e.data.openedBy.kind === 'customer' ? OPENED_BY_CUSTOMER_FIELDS : CUSTOMER_CONTACT_FIELDS;
  if (MESSAGE_EVENTS.has(e.type) && 'author' in e.data && e.data.author.kind === 'customer')
    return ['author.name'];
  return [];
}

/** The ticket commands: each one transaction, responding with the updated read model. */
@Injectable()
export class TicketsService {
  constructor(
    private readonly commands: CommandRunner,
    private readonly projection: TicketViewProjection,
    private readonly queries: TicketQueries,
    private readonly vault: PiiVault,
    // Optional so the spine works (and tests build it) without the SLA module.
    @Optional() private readonly slaRules: TicketSlaRules = new TicketSlaRules(),
    @Optional() private readonly ladder: TicketEscalationLadder = new TicketEscalationLadder(),
  ) {}

  async open(
    principal: Principal,
    data: Omit<OpenTicketData, 'ticketId' | 'number'>,
    opts: CommandOptions = {},
  ): Promise<CommandResult<TicketView>> {
    const ticketId = randomUUID();
    // The number comes from a sequence inside the transaction (handleIn), with the other reads.
    const command = this.opening(principal, ticketId, data);
    return this.run(ticketId, { ...opts, isNew: true, successStatus: 201 }, command);
  }

  /** An OpenTicket command: a partner's tickets come in on its key's channel unless it says otherwise. */
  private opening(caller: Caller, ticketId: string, data: Omit<OpenTicketData, 'ticketId' | 'number'>) {
    const channel =
      data.channel ?? (!isSystem(caller) && caller.kind === 'partner' ? caller.channel : undefined);
    return this.commands.stamp<TicketCommand>(caller, {
      type: 'OpenTicket',
      data: { ...data, ...(channel ? { channel } : {}), ticketId, number: UNNUMBERED },
    });
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
    caller: Caller,
    data: Omit<OpenTicketData, 'ticketId' | 'number'>,
  ): Promise<TicketView> {
    const ticketId = randomUUID();
    return this.handleIn(tx, ticketId, this.opening(caller, ticketId, data), { isNew: true });
  }

  /**
   * Any other ticket command inside the caller's transaction (escalate, assign, set status, reply…),
   * with the same access rules as the public methods: a principal who may not see the ticket gets
   * not_found. Pass the kernel's SYSTEM for worker-driven changes (routing, escalation triggers).
   */
  async executeIn<T extends Exclude<TicketCommand, { type: 'OpenTicket' }>['type']>(
    tx: Tx,
    caller: Caller,
    ticketId: string,
    type: T,
    data: Extract<TicketCommand, { type: T }>['data'],
    opts: { expectedVersion?: number } = {},
  ): Promise<TicketView> {
    const command = this.commands.stamp<TicketCommand>(caller, { type, data } as CommandBody<TicketCommand>);
    return this.handleIn(tx, ticketId, command, opts);
  }

  /**
   * The worker's auto-close after the quiet period. Does nothing if the ticket left `solved` or was
   * solved again more recently; `inbox` makes a redelivered job a no-op as well.
   */
  closeSolved(
    ticketId: string,
    quietPeriodSeconds: number,
    inbox?: Inbox,
  ): Promise<CommandResult<TicketView>> {
    return this.run(
      ticketId,
      { inbox },
      this.commands.stamp<TicketCommand>(SYSTEM, { type: 'CloseSolvedTicket', data: { quietPeriodSeconds } }),
    );
  }

  /** An SLA timer fired: breaches or warns whatever is due (a stale timer changes nothing). */
  checkSla(ticketId: string, data: { target?: SlaTargetName; revision?: number } = {}) {
    return this.system(ticketId, { type: 'CheckSla', data });
  }

  /** A policy, calendar or priority changed: new due times (new revisions) where they moved. */
  recalculateSla(ticketId: string, reason: SlaRecalcReason) {
    return this.system(ticketId, { type: 'RecalculateSla', data: { reason } });
  }

  /**
   * Jobs' commands. Their callers read the SLA clocks and status only, so the ticket comes back with
   * its contact details still sealed (no data-key lookup, no decryption per timer).
   */
  private system(
    ticketId: string,
    command: Pick<Extract<TicketCommand, { type: 'CheckSla' | 'RecalculateSla' }>, 'type' | 'data'>,
  ): Promise<CommandResult<TicketView>> {
    return this.run(
      ticketId,
      { sealed: true },
      this.commands.stamp<TicketCommand>(SYSTEM, command as CommandBody<TicketCommand>),
    );
  }

  private simple<
    T extends Exclude<
      TicketCommand,
      { type: 'OpenTicket' | 'CloseSolvedTicket' | 'CheckSla' | 'RecalculateSla' }
    >['type'],
  >(
    principal: Principal,
    ticketId: string,
    opts: CommandOptions,
    type: T,
    data: Extract<TicketCommand, { type: T }>['data'],
    successStatus = 200,
  ): Promise<CommandResult<TicketView>> {
    return this.run(
      ticketId,
      { ...opts, successStatus },
      this.commands.stamp<TicketCommand>(principal, { type, data } as CommandBody<TicketCommand>),
    );
  }

  private run(
    ticketId: string,
    opts: CommandOptions & {
      isNew?: boolean;
      successStatus?: number;
      inbox?: Inbox;
      /** Internal callers that never show the customer: skip opening the contact details. */
      sealed?: boolean;
    },
    command: TicketCommand,
  ): Promise<CommandResult<TicketView>> {
    // Kept across conflict retries: a ticket number is drawn once.
    let numbered: TicketCommand | undefined;
    return this.commands.transaction(
      {
        idempotency: opts.idempotency,
        successStatus: opts.successStatus,
        // A pinned version is the client version, checked again after every reload: a race with a
        // timer on the append is retried, a stale client version is not (see client-version.ts).
        retries: 5,
        // A redelivered job: already applied, so respond with the ticket as it is.
        inbox: opts.inbox && {
          ...opts.inbox,
          redelivered: async (tx) => (await this.queries.byIdIn(tx, ticketId))!,
        },
        // The stored idempotent response keeps the contact details sealed; the caller gets them opened,
        // with the keys the command itself sealed with at hand (a replay has none: it reads them).
        reveal: opts.sealed
          ? undefined
          : async (view, committed) => {
              const keys = committed && this.vault.keysUsedIn(committed);
              return {
                ...view,
                customer: await this.vault.reveal(view.customer, undefined, keys && new Map(keys)),
              };
            },
      },
      (tx) => this.handleIn(tx, ticketId, numbered ?? command, opts, (c) => (numbered = c)),
    );
  }

  private async handleIn(
    tx: Tx,
    ticketId: string,
    command: TicketCommand,
    opts: { expectedVersion?: number; isNew?: boolean },
    onNumbered?: (c: TicketCommand) => void,
  ): Promise<TicketView> {
    // An escalation that names no tier follows the ladder (read on every attempt: the tier may move).
    if (command.type === 'EscalateTicket' && !command.data.toTier) {
      const toTier = await this.ladder.tierIn(tx, ticketId, command.data.trigger ?? 'agent');
      if (toTier) command = { ...command, data: { ...command.data, toTier } };
    }
    const actor = command.actor;
    // Contact details are encrypted on the way in, with the key of the customer they belong to.
    // A customer acting on their own ticket: their name as a message author is sealed with their key.
    const subject =
      command.type === 'OpenTicket'
        ? (command.data.customer?.id ?? actor.customerId)?.trim()
        : actor.role === 'customer' && actor.name
          ? actor.customerId?.trim()
          : undefined;
    // The reads a command needs go out together (one round trip on a pipelined transaction): the
    // ticket number, the SLA policies and calendars as of this transaction, the customer's data key.
    const needsNumber = command.type === 'OpenTicket' && command.data.number === UNNUMBERED;
    // An opened ticket also takes the segments an admin set for its customer (the partner's come
    // with the customer; the decider keeps the union).
    const [number, sla, seal, segments] = await Promise.all([
      needsNumber ? nextTicketNumber(tx) : undefined,
      // A timer's CheckSla only breaches and warns what the clocks say is due: no rules needed.
      command.type === 'CheckSla' ? undefined : this.slaRules.rulesIn(tx),
      subject ? this.vault.sealerFor(tx, subject) : undefined,
      command.type === 'OpenTicket' && subject ? segmentsIn(tx, subject) : undefined,
    ]);
    if (command.type === 'OpenTicket' && (number !== undefined || segments?.segments.length)) {
      command = {
        ...command,
        data: {
          ...command.data,
          ...(number !== undefined ? { number } : {}),
          ...(segments?.segments.length ? { segments: segments.segments } : {}),
        },
      };
      onNumbered?.(command);
    }
    return this.commands.handleIn(tx, {
      streamType: TICKET_STREAM_TYPE,
      streamId: ticketId,
      decider,
      seal: { with: seal, paths: personalFields },
      command: sla ? { ...command, sla } : command,
      expectedVersion: opts.expectedVersion,
      clientVersion: (events) => clientVersionOf(events),
      // What the worker does on its own does not move the client version.
      metadata: actor.role === 'system' ? SYSTEM_ORIGIN : CLIENT_ORIGIN,
      mustExist: opts.isNew ? undefined : { what: 'Ticket', id: ticketId },
      isNew: opts.isNew,
      authorize: (state) => {
        if (state.exists && !canSeeTicket(actor, state)) throw DomainError.notFound('Ticket', ticketId);
      },
      project: (t, events) => this.projection.apply(t, events),
      // ticket_view reads stream positions, types and data only: sent behind the append.
      projectAhead: true,
      // The row the projection just wrote when it is the latest (an opened ticket), else read back.
      respond: async (t, { version }) => {
        const row = this.projection.writtenRow(t, ticketId, version);
        return row ? toTicketView(row) : (await this.queries.byIdIn(t, ticketId))!;
      },
    });
  }
}

/** An OpenTicket command whose number is drawn in its transaction. */
const UNNUMBERED = 0;

async function nextTicketNumber(tx: Tx): Promise<number> {
  const row = await tx.one<{ n: string }>(`SELECT nextval('ticket_number_seq')::text AS n`);
  return Number(row!.n);
}
