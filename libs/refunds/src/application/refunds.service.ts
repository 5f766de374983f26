import { Injectable } from '@nestjs/common';
import {
  AppConfig,
  Caller,
  CommandBody,
  CommandResult,
  CommandRunner,
  IdempotencyRequest,
  Inbox,
  PiiVault,
  Principal,
  Tx,
  customerFieldsOf,
  linkStreamToTicket,
  lockStream,
  openedCustomerIn,
  sealingSubject,
  withDomainErrors,
} from '@kefu/platform';
import { Actor, SYSTEM, CustomerRef, TransactionRef } from '@kefu/kernel';
import { TicketQueries, TicketsService, customerOfTicket, visibleTicketIn } from '@kefu/tickets';
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
/** Sealed in refund events: the customer's contact details, a customer requester's name. */
const PERSONAL = customerFieldsOf('RefundRequested');

type RequestRefund = Extract<RefundCommand, { type: 'RequestRefund' }>;
/** A refund command without who and when (the pipeline stamps them). */
type Body = CommandBody<Exclude<RefundCommand, { type: 'RequestRefund' }>>;

/**
 * Refund commands on the platform's pipeline. The public service other modules use: a won dispute
 * calls `openIn` + `approveIn` inside its own transaction (the refunds module knows nothing of disputes).
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
    return this.commands.transaction({ ...this.queries.answering(opts), successStatus: 201 }, (tx) =>
      this.openIn(tx, p, input),
    );
  }

  /**
   * Requests a refund inside the caller's transaction: opens a `refund` ticket when none is given,
   * appends the refund's first event and its reservation on the transaction's ledger stream together
   * (the cap), and links the refund to its ticket for webhooks.
   */
  async openIn(
    tx: Tx,
    caller: Caller,
    input: RequestRefundInput,
    link: { refundId?: string; disputeId?: string } = {},
  ): Promise<RefundView> {
    const refundId = link.refundId ?? randomUUID();
    let ticketId = input.ticketId;
    let customer = input.customer;
    if (ticketId) {
      const ticket = await visibleTicketIn(tx, this.ticketQueries, caller, ticketId);
      customer = await openedCustomerIn(this.vault, tx, customerOfTicket(ticket, customer));
    }
    const command = this.commands.stamp<RequestRefund>(caller, {
      type: 'RequestRefund',
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
    });
    // Validate (window, amounts) before opening a ticket: a refused refund leaves nothing behind.
    decider.decide(command, decider.initialState());
    if (!ticketId) {
      const ticket = await this.tickets.openIn(tx, caller, {
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
    await this.ledger(tx, command, {
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
  async handleOverdue(refundId: string, inbox: Inbox): Promise<boolean> {
    const r = await this.commands.transaction(
      { inbox: { ...inbox, redelivered: () => Promise.resolve(false) } },
      async (tx) => {
        const refund = await this.queries.byIdIn(tx, refundId);
        if (!refund) return false;
        const state = await this.stateOf(tx, refundId);
        if (!isOverdue(state, this.commands.now())) return false;
        const followUp = await this.tickets.openIn(tx, SYSTEM, {
          subject: `Refund not received: transaction ${refund.transaction.id}`,
          description:
            `Refund ${refund.id} of ${refund.amount} ${refund.currency} was promised by ${refund.expectedBy} ` +
            `and has not been settled by the payments core.`,
          category: 'refund_not_received',
          customer: await openedCustomerIn(this.vault, tx, refund.customer),
          transaction: refund.transaction,
          tags: ['refund-follow-up'],
        });
        await this.tickets.executeIn(tx, SYSTEM, followUp.id, 'EscalateTicket', {
          trigger: 'refund_overdue',
          reason: `Refund ${refund.id} was not received by its promised date ${refund.expectedBy}.`,
        });
        await this.handleIn(
          tx,
          refundId,
          this.commands.stamp<RefundCommand>(SYSTEM, {
            type: 'MarkRefundOverdue',
            data: { followUpTicketId: followUp.id },
          }),
        );
        return true;
      },
    );
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
    body: Body,
  ): Promise<CommandResult<RefundView>> {
    return this.commands.transaction(this.queries.answering(opts), (tx) =>
      this.executeIn(tx, p, id, body, opts.expectedVersion),
    );
  }

  private async executeIn(
    tx: Tx,
    p: Principal,
    id: string,
    body: Body,
    expectedVersion?: number,
  ): Promise<RefundView> {
    const before = await this.queries.visibleIn(tx, p, id);
    await lockStream(tx, refundLedgerStreamId(before.transaction.id));
    const command = this.commands.stamp<RefundCommand>(p, body);
    const state = await this.handleIn(tx, id, command, { expectedVersion });
    if ((RELEASED_STATUSES as readonly string[]).includes(state.status)) {
      await this.ledger(tx, command, {
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
    return this.commands.handleIn(tx, {
      streamType: REFUND_STREAM_TYPE,
      streamId: refundId,
      decider,
      command,
      seal: { with: subject ? await this.vault.sealerFor(tx, subject) : undefined, paths: PERSONAL },
      isNew: opts.isNew,
      expectedVersion: opts.expectedVersion,
      mustExist: command.type === 'RequestRefund' ? undefined : { what: 'Refund', id: refundId },
      project: (t, events) => this.projection.apply(t, events),
      respond: (_t, { state }) => Promise.resolve(state),
    });
  }

  /** The ledger command that goes with a refund command: same actor, same time. */
  private async ledger(
    tx: Tx,
    by: { actor: Actor; now: string },
    c: CommandBody<RefundLedgerCommand>,
  ): Promise<void> {
    const command = { ...c, actor: by.actor, now: by.now } as RefundLedgerCommand;
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
