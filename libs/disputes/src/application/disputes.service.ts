import { Injectable, Logger } from '@nestjs/common';
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
import { RefundsService } from '@kefu/refunds';
import { TicketQueries, TicketsService, customerOfTicket, visibleTicketIn } from '@kefu/tickets';
import { SYSTEM, CustomerRef, TransactionRef } from '@kefu/kernel';
import { Attachment } from '@kefu/tickets/domain';
import { createHash, randomUUID } from 'node:crypto';
import { DisputeCommand } from '../domain/dispute.commands';
import { DISPUTE_STREAM_TYPE, DisputeState, disputeDecider, isActive } from '../domain/dispute.decider';
import { DisputeEvent } from '../domain/dispute.events';
import {
  DISPUTE_SLOT_STREAM_TYPE,
  DisputeSlotCommand,
  DisputeSlotEvent,
  DisputeSlotState,
  disputeSlotDecider,
  disputeSlotStreamId,
} from '../domain/dispute-slot.decider';
import { DisputeOutcome, DisputeParty } from '../domain/dispute.types';
import { DisputeViewProjection } from '../projections/dispute-view.projection';
import { DisputeQueries } from './dispute-queries';
import { DisputeView } from './dispute-view';

export interface OpenDisputeInput {
  ticketId?: string;
  customer?: CustomerRef;
  transaction: TransactionRef;
  reason: string;
  claimedAmount: number;
}

export interface DisputeCommandOptions {
  expectedVersion?: number;
  idempotency?: IdempotencyRequest;
}

const decider = withDomainErrors<DisputeState, DisputeCommand, DisputeEvent>(disputeDecider);
const slotDecider = withDomainErrors<DisputeSlotState, DisputeSlotCommand, DisputeSlotEvent>(
  disputeSlotDecider,
);

/**
 * The refund a dispute's award creates: derived from the dispute id, so however often a decision is
 * retried there is one refund stream (a second `no_stream` append could never succeed).
 */
export function refundIdForDispute(disputeId: string): string {
  const h = createHash('sha1').update(`kefu:dispute-award:${disputeId}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h[16], 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

type OpenDispute = Extract<DisputeCommand, { type: 'OpenDispute' }>;
/** A dispute command without who and when (the pipeline stamps them). */
type Body = CommandBody<Exclude<DisputeCommand, { type: 'OpenDispute' }>>;
/** Sealed in dispute events: the customer's contact details, a customer opener's name. */
const PERSONAL = customerFieldsOf('DisputeOpened');

@Injectable()
export class DisputesService {
  private readonly logger = new Logger(DisputesService.name);

  constructor(
    private readonly commands: CommandRunner,
    private readonly projection: DisputeViewProjection,
    private readonly queries: DisputeQueries,
    private readonly tickets: TicketsService,
    private readonly ticketQueries: TicketQueries,
    private readonly refunds: RefundsService,
    private readonly config: AppConfig,
    private readonly vault: PiiVault,
  ) {}

  /**
   * Opens a dispute in one transaction: the ticket (a new `transaction_dispute` one unless given), the
   * dispute's first events, the claim on the transaction's slot (dispute_already_open if taken), the
   * ticket link for webhooks, and the escalation to L2 above the configured amount.
   */
  open(
    p: Principal,
    input: OpenDisputeInput,
    opts: DisputeCommandOptions = {},
  ): Promise<CommandResult<DisputeView>> {
    return this.commands.transaction({ ...this.queries.answering(opts), successStatus: 201 }, (tx) =>
      this.openIn(tx, p, input),
    );
  }

  /** Opens a dispute inside the caller's transaction (see `open`). */
  async openIn(tx: Tx, caller: Caller, input: OpenDisputeInput): Promise<DisputeView> {
    const disputeId = randomUUID();
    let ticketId = input.ticketId;
    let customer = input.customer;
    if (ticketId) {
      const ticket = await visibleTicketIn(tx, this.ticketQueries, caller, ticketId);
      customer = await openedCustomerIn(this.vault, tx, customerOfTicket(ticket, customer));
    }
    const command = this.commands.stamp<OpenDispute>(caller, {
      type: 'OpenDispute',
      data: {
        disputeId,
        ticketId: ticketId ?? '',
        customer,
        transaction: input.transaction,
        reason: input.reason,
        claimedAmount: input.claimedAmount,
        policy: {
          merchantResponseSeconds: this.config.disputeMerchantResponseSeconds,
          customerEvidenceSeconds: this.config.disputeCustomerEvidenceSeconds,
        },
      },
    });
    decider.decide(command, decider.initialState()); // refuse bad input before opening a ticket
    const slotId = disputeSlotStreamId(input.transaction.id);
    await lockStream(tx, slotId);
    await this.slot(tx, slotId, command, {
      type: 'ClaimDisputeSlot',
      data: { disputeId, transactionId: input.transaction.id },
    });
    if (!ticketId) {
      const ticket = await this.tickets.openIn(tx, caller, {
        subject: `Dispute of transaction ${input.transaction.id}`,
        description: input.reason,
        category: 'transaction_dispute',
        customer,
        transaction: input.transaction,
      });
      ticketId = ticket.id;
      customer ??= await openedCustomerIn(this.vault, tx, ticket.customer);
    }
    await this.handleIn(
      tx,
      disputeId,
      { ...command, data: { ...command.data, ticketId, customer } },
      { isNew: true },
    );
    await linkStreamToTicket(tx, disputeId, ticketId);
    if (input.claimedAmount > this.config.disputeEscalationAmount)
      await this.escalate(tx, ticketId, disputeId, input);
    return (await this.queries.byIdIn(tx, disputeId))!;
  }

  submitEvidence(
    p: Principal,
    id: string,
    data: { party: DisputeParty; kind: string; description: string; attachments?: Attachment[] },
    opts: DisputeCommandOptions = {},
  ) {
    return this.run(
      p,
      id,
      { ...opts, successStatus: 201 },
      {
        type: 'SubmitDisputeEvidence',
        data: { ...data, evidenceId: randomUUID() },
      },
    );
  }

  /**
   * The decision, final. A won dispute (or a settlement with an amount) creates its refund through the
   * refunds module's public service in the same transaction, requested by the system and approved by
   * the decider: linked both ways (DisputeDecided.refundId, RefundRequested.disputeId) and exactly once.
   */
  decide(
    p: Principal,
    id: string,
    data: { outcome: DisputeOutcome; awardedAmount?: number; rationale: string },
    opts: DisputeCommandOptions = {},
  ) {
    return this.run(p, id, opts, {
      type: 'DecideDispute',
      data: { ...data, refundId: refundIdForDispute(id) },
    });
  }

  withdraw(p: Principal, id: string, reason: string | undefined, opts: DisputeCommandOptions = {}) {
    return this.run(p, id, opts, { type: 'WithdrawDispute', data: reason === undefined ? {} : { reason } });
  }

  /** The merchant-deadline timer: a dispute still awaiting the merchant moves to review. */
  async merchantDeadline(disputeId: string, inbox: Inbox): Promise<boolean> {
    const r = await this.commands.transaction(
      { inbox: { ...inbox, redelivered: () => Promise.resolve(false) } },
      async (tx) => {
        const before = await this.queries.byIdIn(tx, disputeId);
        const state = await this.handleIn(
          tx,
          disputeId,
          this.commands.stamp<DisputeCommand>(SYSTEM, { type: 'MerchantDeadlinePassed', data: {} }),
        );
        // before.status: moved by this job, not by the merchant's evidence earlier.
        return before?.status === 'awaiting_merchant' && state.status === 'under_review';
      },
    );
    return r.result;
  }

  private run(
    p: Principal,
    id: string,
    opts: DisputeCommandOptions & { successStatus?: number },
    body: Body,
  ): Promise<CommandResult<DisputeView>> {
    return this.commands.transaction(
      { ...this.queries.answering(opts), successStatus: opts.successStatus },
      (tx) => this.executeIn(tx, p, id, body, opts.expectedVersion),
    );
  }

  private async executeIn(
    tx: Tx,
    p: Principal,
    id: string,
    body: Body,
    expectedVersion?: number,
  ): Promise<DisputeView> {
    const before = await this.queries.visibleIn(tx, p, id);
    const slotId = disputeSlotStreamId(before.transaction.id);
    await lockStream(tx, slotId);
    const command = this.commands.stamp<DisputeCommand>(p, body);
    const state = await this.handleIn(tx, id, command, { expectedVersion });
    if (!isActive(state) && isActive(before)) {
      await this.slot(tx, slotId, command, {
        type: 'ReleaseDisputeSlot',
        data: { disputeId: id, because: state.status },
      });
    }
    if (body.type === 'DecideDispute' && state.refundId && !before.refundId) {
      // The award: a refund requested by Kefu itself, approved by whoever decided.
      await this.refunds.openIn(
        tx,
        SYSTEM,
        {
          ticketId: state.ticketId,
          customer: await openedCustomerIn(this.vault, tx, state.customer),
          transaction: state.transaction,
          amount: state.awardedAmount ?? 0,
          reason: `Dispute ${id} ${state.outcome}: ${body.data.rationale}`.slice(0, 2000),
        },
        { refundId: state.refundId, disputeId: id },
      );
      await this.refunds.approveIn(tx, p, state.refundId);
    }
    return (await this.queries.byIdIn(tx, id))!;
  }

  private async escalate(
    tx: Tx,
    ticketId: string,
    disputeId: string,
    input: OpenDisputeInput,
  ): Promise<void> {
    const ticket = await this.ticketQueries.byIdIn(tx, ticketId);
    // Already with a senior (or closed): nothing to raise.
    if (!ticket || ticket.tier !== 'L1' || ticket.status === 'closed') return;
    await this.tickets.executeIn(tx, SYSTEM, ticketId, 'EscalateTicket', {
      trigger: 'dispute_amount',
      toTier: 'L2',
      reason:
        `Dispute ${disputeId} claims ${input.claimedAmount} ${input.transaction.currency}, above ` +
        `${this.config.disputeEscalationAmount}.`,
    });
    this.logger.log({ disputeId, ticketId }, 'dispute above the escalation amount: ticket escalated to L2');
  }

  private async handleIn(
    tx: Tx,
    disputeId: string,
    command: DisputeCommand,
    opts: { isNew?: boolean; expectedVersion?: number } = {},
  ): Promise<DisputeState> {
    // Contact details are encrypted on the way in, with the key of the customer they belong to.
    const subject = sealingSubject(command.type === 'OpenDispute' ? command.data : undefined, command.actor);
    return this.commands.handleIn(tx, {
      streamType: DISPUTE_STREAM_TYPE,
      streamId: disputeId,
      decider,
      command,
      seal: { with: subject ? await this.vault.sealerFor(tx, subject) : undefined, paths: PERSONAL },
      isNew: opts.isNew,
      expectedVersion: opts.expectedVersion,
      mustExist: command.type === 'OpenDispute' ? undefined : { what: 'Dispute', id: disputeId },
      project: (t, events) => this.projection.apply(t, events),
      respond: (_t, { state }) => Promise.resolve(state),
    });
  }

  /** The slot command that goes with a dispute command: same actor, same time. */
  private async slot(
    tx: Tx,
    streamId: string,
    by: Pick<DisputeCommand, 'actor' | 'now'>,
    c: CommandBody<DisputeSlotCommand>,
  ): Promise<void> {
    await this.commands.handleIn(tx, {
      streamType: DISPUTE_SLOT_STREAM_TYPE,
      streamId,
      decider: slotDecider,
      command: { ...c, actor: by.actor, now: by.now } as DisputeSlotCommand,
      respond: () => Promise.resolve(undefined),
    });
  }
}
