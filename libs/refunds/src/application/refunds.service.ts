import { Injectable } from '@nestjs/common';
import {
  AppConfig,
  CommandResult,
  CommandRunner,
  IdempotencyRequest,
  PiiVault,
  Principal,
  Tx,
  linkStreamToTicket,
  processOnce,
  withDomainErrors,
} from '@kefu/platform';
import { Actor } from '@kefu/tickets/domain/decider';
import { CustomerRef, TransactionRef } from '@kefu/tickets/domain/ticket.types';
import { TicketQueries, TicketsService, actorFromPrincipal } from '@kefu/tickets';
import { randomUUID } from 'node:crypto';
import { RefundCommand } from '../domain/refund.commands';
import { REFUND_STREAM_TYPE, RefundState, isOverdue, refundDecider } from '../domain/refund.decider';
import { RefundEvent } from '../domain/refund.events';
import {
  REFUND_LEDGER_STREAM_TYPE,
  RefundLedgerCommand,
  RefundLedgerEvent,
  RefundLedgerState,
  refundLedgerDecider,
  refundLedgerStreamId,
} from '../domain/refund-ledger.decider';
import { PayoutResult, RELEASED_STATUSES } from '../domain/refund.types';
import { RefundViewProjection } from '../projections/refund-view.projection';
import {
  SYSTEM_PRINCIPAL,
  customerOfTicket,
  lockStream,
  openedCustomerIn,
  sealingCustomerOf,
  sealingSubject,
  visibleTicketIn,
} from './money-principal';
import { RefundQueries } from './refund-queries';
import { RefundView } from './refund-view';

export interface RequestRefundInput {
  ticketId?: string;
  customer?: CustomerRef;
  transaction: TransactionRef;
  amount: number;
  reason: string;
}

export interface RefundCommandOptions {
  expectedVersion?: number;
  idempotency?: IdempotencyRequest;
}

const decider = withDomainErrors<RefundState, RefundCommand, RefundEvent>(refundDecider);
const ledgerDecider = withDomainErrors<RefundLedgerState, RefundLedgerCommand, RefundLedgerEvent>(
  refundLedgerDecider,
);

/**
 * Refund commands, each one transaction. The public service other modules use: a won dispute calls
 * `requestIn` + `approveIn` inside its own transaction (the refunds module knows nothing of disputes).
 */
@Injectable()
export class RefundsService {
  constructor(
    private readonly commands: CommandRunner,
    private readonly projection: RefundViewProjection,
    private readonly queries: RefundQueries,
    private readonly tickets: TicketsService,
    private readonly ticketQueries: TicketQueries,
    private readonly config: AppConfig,
    private readonly vault: PiiVault,
  ) {}

  request(
    p: Principal,
    input: RequestRefundInput,
    opts: RefundCommandOptions = {},
  ): Promise<CommandResult<RefundView>> {
    return this.opened(
      this.commands.transaction({ idempotency: opts.idempotency, successStatus: 201 }, (tx) =>
        this.requestIn(tx, p, input),
      ),
    );
  }

  /**
   * Requests a refund inside the caller's transaction: opens a `refund` ticket when none is given,
   * appends the refund's first event and its reservation on the transaction's ledger stream together
   * (the cap), and links the refund to its ticket for webhooks.
   */
  async requestIn(
    tx: Tx,
    p: Principal,
    input: RequestRefundInput,
    link: { refundId?: string; disputeId?: string } = {},
  ): Promise<RefundView> {
    const actor = actorFromPrincipal(p);
    const now = new Date().toISOString();
    const refundId = link.refundId ?? randomUUID();
    let ticketId = input.ticketId;
    let customer = input.customer;
    if (ticketId) {
      customer = await openedCustomerIn(
        this.vault,
        tx,
        customerOfTicket(await visibleTicketIn(tx, this.ticketQueries, p, ticketId), customer),
      );
    }
    const command: RefundCommand = {
      type: 'RequestRefund',
      actor,
      now,
      data: {
        refundId,
        ticketId: ticketId ?? '',
        customer,
        transaction: input.transaction,
        amount: input.amount,
        reason: input.reason,
        ...(link.disputeId ? { disputeId: link.disputeId } : {}),
        policy: {
          windowDays: this.config.refundWindowDays,
          seniorApprovalAmount: this.config.refundSeniorApprovalAmount,
        },
      },
    };
    // Validate (window, amounts) before opening a ticket: a refused refund leaves nothing behind.
    decider.decide(command, decider.initialState());
    if (!ticketId) {
      const ticket = await this.tickets.openIn(tx, p, {
        subject: `Refund request for transaction ${input.transaction.id}`,
        description: input.reason,
        category: 'refund',
        customer,
        transaction: input.transaction,
      });
      ticketId = ticket.id;
      customer ??= await openedCustomerIn(this.vault, tx, ticket.customer);
    }
    const data = { ...command.data, ticketId, customer };
    const ledgerId = refundLedgerStreamId(input.transaction.id);
    await lockStream(tx, ledgerId);
    await this.handleIn(tx, refundId, { ...command, data }, { isNew: !link.refundId });
    await this.ledger(tx, actor, now, {
      type: 'ReserveRefundAmount',
      data: {
        refundId,
        transaction: {
          id: input.transaction.id,
          amount: input.transaction.amount,
          currency: input.transaction.currency.trim().toUpperCase(),
        },
        amount: input.amount,
      },
    });
    await linkStreamToTicket(tx, refundId, ticketId);
    return (await this.queries.byIdIn(tx, refundId))!;
  }

  startReview(p: Principal, id: string, opts: RefundCommandOptions = {}) {
    return this.run(p, id, opts, { type: 'StartRefundReview', data: {} });
  }

  approve(p: Principal, id: string, opts: RefundCommandOptions = {}) {
    return this.run(p, id, opts, {
      type: 'ApproveRefund',
      data: { processingSeconds: this.config.refundProcessingSeconds },
    });
  }

  /** Approval inside the caller's transaction (a dispute's award is approved by its decision). */
  approveIn(tx: Tx, p: Principal, id: string): Promise<RefundView> {
    return this.executeIn(tx, p, id, {
      type: 'ApproveRefund',
      data: { processingSeconds: this.config.refundProcessingSeconds },
    });
  }

  reject(p: Principal, id: string, reason: string, opts: RefundCommandOptions = {}) {
    return this.run(p, id, opts, { type: 'RejectRefund', data: { reason } });
  }

  cancel(p: Principal, id: string, reason: string | undefined, opts: RefundCommandOptions = {}) {
    return this.run(p, id, opts, { type: 'CancelRefund', data: reason === undefined ? {} : { reason } });
  }

  /** The payments core's callback; the same result with the same reference again changes nothing. */
  recordPayoutResult(
    p: Principal,
    id: string,
    data: { status: PayoutResult; reference: string; failureReason?: string },
    opts: RefundCommandOptions = {},
  ) {
    return this.run(p, id, opts, { type: 'RecordPayoutResult', data });
  }

  /**
   * The overdue timer: a refund still processing after `expectedBy` gets a `refund_not_received`
   * follow-up ticket, escalated, and is marked overdue: all in one transaction, once (inbox + state).
   */
  async handleOverdue(refundId: string, inbox: { handler: string; messageId: string }): Promise<boolean> {
    const r = await this.commands.transaction({}, async (tx) => {
      let acted = false;
      await processOnce(tx, inbox.handler, inbox.messageId, async () => {
        const refund = await this.queries.byIdIn(tx, refundId);
        if (!refund) return;
        const state = await this.stateOf(tx, refundId);
        const now = new Date().toISOString();
        if (!isOverdue(state, now)) return;
        const followUp = await this.tickets.openIn(tx, SYSTEM_PRINCIPAL, {
          subject: `Refund not received: transaction ${refund.transaction.id}`,
          description:
            `Refund ${refund.id} of ${refund.amount} ${refund.currency} was promised by ${refund.expectedBy} ` +
            `and has not been settled by the payments core.`,
          category: 'refund_not_received',
          customer: await openedCustomerIn(this.vault, tx, refund.customer),
          transaction: refund.transaction,
          tags: ['refund-follow-up'],
        });
        await this.tickets.executeIn(tx, 'system', followUp.id, 'EscalateTicket', {
          trigger: 'refund_overdue',
          reason: `Refund ${refund.id} was not received by its promised date ${refund.expectedBy}.`,
        });
        await this.handleIn(tx, refundId, {
          type: 'MarkRefundOverdue',
          actor: SYSTEM_ACTOR,
          now,
          data: { followUpTicketId: followUp.id },
        });
        acted = true;
      });
      return acted;
    });
    return r.result;
  }

  private async stateOf(tx: Tx, refundId: string): Promise<RefundState> {
    const events = await this.commands.store.readStream(tx, refundId);
    return events.reduce(
      (s, e) => refundDecider.evolve(s, { type: e.type, data: e.data } as RefundEvent),
      refundDecider.initialState(),
    );
  }

  private run(
    p: Principal,
    id: string,
    opts: RefundCommandOptions,
    body: CommandBody,
  ): Promise<CommandResult<RefundView>> {
    return this.opened(
      this.commands.transaction(
        { idempotency: opts.idempotency, retries: opts.expectedVersion === undefined ? 5 : 0 },
        (tx) => this.executeIn(tx, p, id, body, opts.expectedVersion),
      ),
    );
  }

  /** The stored idempotent response keeps the contact details sealed; the caller gets them opened. */
  private async opened(pending: Promise<CommandResult<RefundView>>): Promise<CommandResult<RefundView>> {
    const r = await pending;
    return { ...r, result: (await this.queries.reveal([r.result]))[0] };
  }

  private async executeIn(
    tx: Tx,
    p: Principal,
    id: string,
    body: CommandBody,
    expectedVersion?: number,
  ): Promise<RefundView> {
    const before = await this.queries.visibleIn(tx, p, id);
    const actor = actorFromPrincipal(p);
    const now = new Date().toISOString();
    const ledgerId = refundLedgerStreamId(before.transaction.id);
    await lockStream(tx, ledgerId);
    const state = await this.handleIn(tx, id, { ...body, actor, now } as RefundCommand, {
      expectedVersion,
    });
    if ((RELEASED_STATUSES as readonly string[]).includes(state.status)) {
      await this.ledger(tx, actor, now, {
        type: 'ReleaseRefundAmount',
        data: { refundId: id, because: state.status },
      });
    }
    return (await this.queries.byIdIn(tx, id))!;
  }

  private async handleIn(
    tx: Tx,
    refundId: string,
    command: RefundCommand,
    opts: { isNew?: boolean; expectedVersion?: number } = {},
  ): Promise<RefundState> {
    // Contact details are encrypted on the way in, with the key of the customer they belong to.
    const subject = sealingSubject(
      command.type === 'RequestRefund' ? command.data : undefined,
      command.actor,
    );
    const seal = subject ? await this.vault.sealerFor(tx, subject) : undefined;
    return this.commands.handleIn(tx, {
      streamType: REFUND_STREAM_TYPE,
      streamId: refundId,
      decider: seal ? sealingCustomerOf(decider, 'RefundRequested', seal) : decider,
      command,
      isNew: opts.isNew,
      expectedVersion: opts.expectedVersion,
      mustExist: command.type === 'RequestRefund' ? undefined : { what: 'Refund', id: refundId },
      project: (t, events) => this.projection.apply(t, events),
      respond: (_t, { state }) => Promise.resolve(state),
    });
  }

  private async ledger(
    tx: Tx,
    actor: Actor,
    now: string,
    c: Omit<RefundLedgerCommand, 'actor' | 'now'>,
  ): Promise<void> {
    const command = { ...c, actor, now } as RefundLedgerCommand;
    const streamId = refundLedgerStreamId(
      command.type === 'ReserveRefundAmount'
        ? command.data.transaction.id
        : await this.transactionOf(tx, command.data.refundId),
    );
    await this.commands.handleIn(tx, {
      streamType: REFUND_LEDGER_STREAM_TYPE,
      streamId,
      decider: ledgerDecider,
      command,
      respond: () => Promise.resolve(undefined),
    });
  }

  private async transactionOf(tx: Tx, refundId: string): Promise<string> {
    return (await this.queries.byIdIn(tx, refundId))!.transaction.id;
  }
}

/** A refund command without who and when (the service adds them). */
type CommandBody = DistributiveOmit<Exclude<RefundCommand, { type: 'RequestRefund' }>, 'actor' | 'now'>;
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

const SYSTEM_ACTOR: Actor = { role: 'system', id: 'kefu-worker' };
