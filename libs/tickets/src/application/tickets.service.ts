import { Injectable, Optional } from '@nestjs/common';
import {
  CommandResult,
  CommandRunner,
  Decider,
  DomainError,
  IdempotencyRequest,
  PiiVault,
  Principal,
  Tx,
  processOnce,
  sealPaths,
  withDomainErrors,
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
import { SlaRecalcReason, SlaTargetName } from '../domain/ticket.sla.types';
import { Priority } from '../domain/ticket.types';
import { TicketViewProjection } from '../projections/ticket-view.projection';
import { SYSTEM_DOMAIN_ACTOR, actorFromPrincipal } from './actor';
import { TicketQueries } from './ticket-queries';
import { TicketSlaRules } from './ticket-sla-rules';
import { TicketView } from './ticket-view';

export interface CommandOptions {
  expectedVersion?: number;
  idempotency?: IdempotencyRequest;
}

/** Rule errors from the pure decider become platform DomainErrors, so REST and GraphQL map them. */
const decider: Decider<TicketState, TicketCommand, TicketEvent> = withDomainErrors(ticketDecider);

/** The customer's contact details in TicketOpened: personal data, sealed with the customer's key. */
const CUSTOMER_CONTACT_FIELDS = ['customer.name', 'customer.email', 'customer.phone'] as const;

/** A customer opening their own ticket is named in `openedBy` too. */
const OPENED_BY_CUSTOMER_FIELDS = [...CUSTOMER_CONTACT_FIELDS, 'openedBy.name'];

/** Messages whose author, when a customer, is named in clear: the name is sealed with that customer's key. */
const MESSAGE_EVENTS: ReadonlySet<string> = new Set(['PublicReplyAdded', 'InternalNoteAdded']);

/**
 * The same decider, sealing the contact details of the TicketOpened it emits and a customer author's
 * name in the messages it emits (the decider sees them clear).
 */
function sealingDecider(seal: (clear: string) => string): Decider<TicketState, TicketCommand, TicketEvent> {
  return {
    ...decider,
    decide: (c, s) =>
      decider.decide(c, s).map((e) => {
        if (e.type === 'TicketOpened') {
          const paths =
            e.data.openedBy.kind === 'customer' ? OPENED_BY_CUSTOMER_FIELDS : CUSTOMER_CONTACT_FIELDS;
          return { ...e, data: sealPaths(e.data, paths, seal) };
        }
        if (MESSAGE_EVENTS.has(e.type) && 'author' in e.data && e.data.author.kind === 'customer')
          return { ...e, data: sealPaths(e.data, ['author.name'], seal) } as TicketEvent;
        return e;
      }),
  };
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

  /** An SLA timer fired: breaches or warns whatever is due (a stale timer changes nothing). */
  checkSla(ticketId: string, data: { target?: SlaTargetName; revision?: number } = {}) {
    return this.system(ticketId, { type: 'CheckSla', data });
  }

  /** A policy, calendar or priority changed: new due times (new revisions) where they moved. */
  recalculateSla(ticketId: string, reason: SlaRecalcReason) {
    return this.system(ticketId, { type: 'RecalculateSla', data: { reason } });
  }

  private system(
    ticketId: string,
    command: Pick<Extract<TicketCommand, { type: 'CheckSla' | 'RecalculateSla' }>, 'type' | 'data'>,
  ): Promise<CommandResult<TicketView>> {
    const actor = SYSTEM_DOMAIN_ACTOR;
    return this.run(actor, ticketId, {}, () =>
      Promise.resolve({ ...command, actor, now: new Date().toISOString() } as TicketCommand),
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
    // The stored idempotent response keeps the contact details sealed; the caller gets them opened.
    return this.reveal(
      this.commands.transaction(
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
      ),
    );
  }

  private async reveal(pending: Promise<CommandResult<TicketView>>): Promise<CommandResult<TicketView>> {
    const r = await pending;
    return { ...r, result: { ...r.result, customer: await this.vault.reveal(r.result.customer) } };
  }

  private async handleIn(
    tx: Tx,
    actor: Actor,
    ticketId: string,
    command: TicketCommand,
    opts: { expectedVersion?: number; isNew?: boolean },
  ): Promise<TicketView> {
    // The SLA policies and calendars as of this transaction ride along with the command.
    const sla = await this.slaRules.rulesIn(tx);
    // Contact details are encrypted on the way in, with the key of the customer they belong to.
    // A customer acting on their own ticket: their name as a message author is sealed with their key.
    const subject =
      command.type === 'OpenTicket'
        ? (command.data.customer?.id ?? actor.customerId)?.trim()
        : actor.role === 'customer' && actor.name
          ? actor.customerId?.trim()
          : undefined;
    const seal = subject ? await this.vault.sealerFor(tx, subject) : undefined;
    return this.commands.handleIn(tx, {
      streamType: TICKET_STREAM_TYPE,
      streamId: ticketId,
      decider: seal ? sealingDecider(seal) : decider,
      command: sla ? { ...command, sla } : command,
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
