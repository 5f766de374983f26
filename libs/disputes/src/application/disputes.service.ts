import { Injectable, Logger } from '@nestjs/common';
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
import {
  RefundsService,
  SYSTEM_PRINCIPAL,
  customerOfTicket,
  lockStream,
  openedCustomerIn,
  sealingCustomerOf,
  sealingSubject,
  visibleTicketIn,
} from '@kefu/refunds';
import { TicketQueries, TicketsService, actorFromPrincipal } from '@kefu/tickets';
import { Actor } from '@kefu/tickets/domain/decider';
import { Attachment, CustomerRef, TransactionRef } from '@kefu/tickets/domain/ticket.types';
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
const SYSTEM_ACTOR: Actor = { role: 'system', id: 'kefu-worker' };

/**
 * The refund a dispute's award creates: derived from the dispute id, so however often a decision is
 * retried there is one refund stream (a second `no_stream` append could never succeed).
 */
export function refundIdForDispute(disputeId: string): string {
  const h = createHash('sha1').update(`kefu:dispute-award:${disputeId}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h[16], 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

type CommandBody = DistributiveOmit<Exclude<DisputeCommand, { type: 'OpenDispute' }>, 'actor' | 'now'>;
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

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
    return this.opened(this.openIn(p, input, opts));
  }

  private openIn(p: Principal, input: OpenDisputeInput, opts: DisputeCommandOptions) {
    return this.commands.transaction({ idempotency: opts.idempotency, successStatus: 201 }, async (tx) => {
      const actor = actorFromPrincipal(p);
      const now = new Date().toISOString();
      const disputeId = randomUUID();
      let ticketId = input.ticketId;
      let customer = input.customer;
      if (ticketId)
        customer = await openedCustomerIn(
          this.vault,
          tx,
          customerOfTicket(await visibleTicketIn(tx, this.ticketQueries, p, ticketId), customer),
        );
      const command: DisputeCommand = {
        type: 'OpenDispute',
        actor,
        now,
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
      };
      decider.decide(command, decider.initialState()); // refuse bad input before opening a ticket
      const slotId = disputeSlotStreamId(input.transaction.id);
      await lockStream(tx, slotId);
      await this.slot(tx, slotId, {
        type: 'ClaimDisputeSlot',
        actor,
        now,
        data: { disputeId, transactionId: input.transaction.id },
      });
      if (!ticketId) {
        const ticket = await this.tickets.openIn(tx, p, {
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
    });
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
  async merchantDeadline(disputeId: string, inbox: { handler: string; messageId: string }): Promise<boolean> {
    const r = await this.commands.transaction({}, async (tx) => {
      let moved = false;
      await processOnce(tx, inbox.handler, inbox.messageId, async () => {
        const before = await this.queries.byIdIn(tx, disputeId);
        const state = await this.handleIn(tx, disputeId, {
          type: 'MerchantDeadlinePassed',
          actor: SYSTEM_ACTOR,
          now: new Date().toISOString(),
          data: {},
        });
        // before.status: moved by this job, not by the merchant's evidence earlier.
        moved = before?.status === 'awaiting_merchant' && state.status === 'under_review';
      });
      return moved;
    });
    return r.result;
  }

  private run(
    p: Principal,
    id: string,
    opts: DisputeCommandOptions & { successStatus?: number },
    body: CommandBody,
  ): Promise<CommandResult<DisputeView>> {
    return this.opened(this.runIn(p, id, opts, body));
  }

  /** The stored idempotent response keeps the contact details sealed; the caller gets them opened. */
  private async opened(pending: Promise<CommandResult<DisputeView>>): Promise<CommandResult<DisputeView>> {
    const r = await pending;
    return { ...r, result: (await this.queries.reveal([r.result]))[0] };
  }

  private runIn(
    p: Principal,
    id: string,
    opts: DisputeCommandOptions & { successStatus?: number },
    body: CommandBody,
  ): Promise<CommandResult<DisputeView>> {
    return this.commands.transaction(
      {
        idempotency: opts.idempotency,
        successStatus: opts.successStatus,
        retries: opts.expectedVersion === undefined ? 5 : 0,
      },
      async (tx) => {
        const before = await this.queries.visibleIn(tx, p, id);
        const actor = actorFromPrincipal(p);
        const now = new Date().toISOString();
        const slotId = disputeSlotStreamId(before.transaction.id);
        await lockStream(tx, slotId);
        const state = await this.handleIn(tx, id, { ...body, actor, now } as DisputeCommand, {
          expectedVersion: opts.expectedVersion,
        });
        if (!isActive(state) && isActive(before)) {
          await this.slot(tx, slotId, {
            type: 'ReleaseDisputeSlot',
            actor,
            now,
            data: { disputeId: id, because: state.status },
          });
        }
        if (body.type === 'DecideDispute' && state.refundId && !before.refundId) {
          await this.refunds.requestIn(
            tx,
            SYSTEM_PRINCIPAL,
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
      },
    );
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
    await this.tickets.executeIn(tx, 'system', ticketId, 'EscalateTicket', {
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
    const seal = subject ? await this.vault.sealerFor(tx, subject) : undefined;
    return this.commands.handleIn(tx, {
      streamType: DISPUTE_STREAM_TYPE,
      streamId: disputeId,
      decider: seal ? sealingCustomerOf(decider, 'DisputeOpened', seal) : decider,
      command,
      isNew: opts.isNew,
      expectedVersion: opts.expectedVersion,
      mustExist: command.type === 'OpenDispute' ? undefined : { what: 'Dispute', id: disputeId },
      project: (t, events) => this.projection.apply(t, events),
      respond: (_t, { state }) => Promise.resolve(state),
    });
  }

  private async slot(tx: Tx, streamId: string, command: DisputeSlotCommand): Promise<void> {
    await this.commands.handleIn(tx, {
      streamType: DISPUTE_SLOT_STREAM_TYPE,
      streamId,
      decider: slotDecider,
      command,
      respond: () => Promise.resolve(undefined),
    });
  }
}
