import { Injectable } from '@nestjs/common';
import { SYSTEM, Decider, PRIORITIES } from '@kefu/kernel';
import { randomUUID } from 'node:crypto';
import {
  AppConfig,
  CommandResult,
  CommandRunner,
  DomainError,
  IdempotencyRequest,
  PiiVault,
  Principal,
  Tx,
  linkStreamToTicket,
  CommandBody,
  fromRuleError,
} from '@kefu/platform';
import {
  TicketQueries,
  TicketView,
  TicketsService,
  actorFromPrincipal,
  visibleTicketIn,
} from '@kefu/tickets';
import {
  OpenRecoveryCaseData,
  RecoveryCommand,
  ReviewIdentityVerificationData,
  SubmitIdentityVerificationData,
} from '../domain/recovery.commands';
import {
  PERSONAL_FIELDS,
  RECOVERY_STREAM_TYPE,
  canSeeCase,
  recoveryDecider,
} from '../domain/recovery.decider';
import { RecoveryEvent } from '../domain/recovery.events';
import { RecoveryState } from '../domain/recovery.state';
import { RecoveryKind, TICKET_FOR_KIND } from '../domain/recovery.types';
import { RecoveryCaseProjection } from '../projections/recovery-case-view.projection';
import { RecoveryQueries } from './recovery-queries';
import { RecoveryCaseView } from './recovery-view';

export interface OpenRecoveryCaseInput {
  kind: RecoveryKind;
  customer?: { id: string; name?: string; email?: string; phone?: string };
  description: string;
  language?: string;
  /** Link an existing ticket of the customer instead of opening one. */
  ticketId?: string;
}

type OpenRecoveryCase = Extract<RecoveryCommand, { type: 'OpenRecoveryCase' }>;

export interface RecoveryCommandOptions {
  idempotency?: IdempotencyRequest;
  expectedVersion?: number;
}

/**
 * Account recovery: each command one transaction. Personal fields of the decided events are sealed
 * with the customer's data key before they are appended, so no clear identity data is stored —
 * not in events, not in the read model, not in stored idempotent responses (they hold the view).
 */
@Injectable()
export class RecoveryService {
  private readonly base: ReturnType<typeof recoveryDecider>;

  constructor(
    private readonly commands: CommandRunner,
    private readonly tickets: TicketsService,
    private readonly ticketQueries: TicketQueries,
    private readonly vault: PiiVault,
    private readonly projection: RecoveryCaseProjection,
    private readonly queries: RecoveryQueries,
    config: AppConfig,
  ) {
    this.base = recoveryDecider({
      maxFailedVerifications: config.recoveryMaxFailedVerifications,
      lockoutSeconds: config.recoveryLockoutSeconds,
    });
  }

  /**
   * Opens the case and its ticket in one transaction; a `stolen` case is frozen in the same
   * decision (its AccountFrozen commits with the opening or not at all).
   */
  open(principal: Principal, input: OpenRecoveryCaseInput, opts: RecoveryCommandOptions = {}) {
    return this.commands.transaction(
      { idempotency: opts.idempotency, successStatus: 201, retries: 0 },
      async (tx): Promise<RecoveryCaseView> => {
        const actor = actorFromPrincipal(principal);
        const linked = input.ticketId ? await this.linkable(tx, principal, input.ticketId) : undefined;
        if (linked && input.customer && input.customer.id !== linked.customer.id)
          throw DomainError.validation([
            { field: 'customer.id', message: `must be the ticket's customer (${linked.customer.id})` },
          ]);
        const customer =
          input.customer ??
          (linked ? { id: linked.customer.id } : actor.customerId ? { id: actor.customerId } : undefined);
        const channel = principal.kind === 'partner' ? principal.channel : 'web';
        const caseId = randomUUID();
        const data: OpenRecoveryCaseData = {
          caseId,
          ticketId: '',
          kind: input.kind,
          customer: customer ?? { id: '' },
          description: input.description,
          language: input.language,
          channel,
        };
        const opening = this.commands.stamp<OpenRecoveryCase>(principal, { type: 'OpenRecoveryCase', data });
        // Validate (and check who may open) before the ticket exists: a bad request writes nothing.
        this.decide(opening, this.base.initialState());
        const t = TICKET_FOR_KIND[input.kind];
        const ticket = linked
          ? await this.raisePriority(tx, linked, t.priority)
          : await this.tickets.openIn(tx, principal, {
              subject: t.subject,
              description: input.description,
              category: t.category,
              priority: t.priority,
              language: input.language,
              // Only the account id: contact details stay in the (sealed) recovery case.
              customer: { id: data.customer.id.trim() },
              tags: ['account-recovery'],
              ...(principal.kind === 'partner' ? {} : { channel }),
            });
        await linkStreamToTicket(tx, caseId, ticket.id);
        return this.handleIn(tx, caseId, data.customer.id.trim(), {
          command: { ...opening, data: { ...data, ticketId: ticket.id, channel: ticket.channel } },
          isNew: true,
        });
      },
    );
  }

  /** A ticket the caller may see, not closed, and without a recovery case in progress. */
  private async linkable(tx: Tx, principal: Principal, ticketId: string): Promise<TicketView> {
    const t = await visibleTicketIn(tx, this.ticketQueries, principal, ticketId);
    if (t.status === 'closed') throw DomainError.invalidTransition(`Ticket ${ticketId} is closed.`);
    const busy = await tx.one(
      `SELECT id FROM recovery_case_view WHERE ticket_id = $1 AND status NOT IN ('closed', 'rejected') LIMIT 1`,
      [ticketId],
    );
    if (busy)
      throw DomainError.invalidTransition(`Ticket ${ticketId} already has a recovery case in progress.`);
    return t;
  }

  /** A linked ticket gets at least the kind's priority (a stolen account is urgent). */
  private async raisePriority(tx: Tx, t: TicketView, priority: string): Promise<TicketView> {
    const rank = (p: string) => PRIORITIES.indexOf(p as (typeof PRIORITIES)[number]);
    if (rank(t.priority) >= rank(priority)) return t;
    // As the system: partners and customers may link a ticket but do not set priorities themselves.
    return this.tickets.executeIn(tx, SYSTEM, t.id, 'SetTicketPriority', {
      priority: priority as (typeof PRIORITIES)[number],
    });
  }

  submitVerification(
    principal: Principal,
    caseId: string,
    data: SubmitIdentityVerificationData,
    opts: RecoveryCommandOptions = {},
  ): Promise<CommandResult<RecoveryCaseView>> {
    return this.simple(principal, caseId, opts, 202, { type: 'SubmitIdentityVerification', data });
  }

  review(
    principal: Principal,
    caseId: string,
    data: ReviewIdentityVerificationData,
    opts: RecoveryCommandOptions = {},
  ) {
    return this.simple(
      principal,
      caseId,
      opts,
      200,
      { type: 'ReviewIdentityVerification', data },
      async (tx, view, events) => {
        if (!events.some((e) => e.type === 'RecoveryCaseLockedOut')) return;
        // Locked out: the ticket goes to L2 (the reviewer's decision: trigger `agent`), unless already there.
        const ticket = await this.ticketQueries.byIdIn(tx, view.ticketId);
        if (ticket && ticket.tier === 'L1')
          await this.tickets.executeIn(tx, principal, view.ticketId, 'EscalateTicket', {
            trigger: 'agent',
            toTier: 'L2',
            reason: `Account recovery locked after ${view.failedVerifications} failed identity verifications.`,
          });
      },
    );
  }

  restore(principal: Principal, caseId: string, opts: RecoveryCommandOptions = {}) {
    return this.simple(principal, caseId, opts, 200, { type: 'RestoreAccount', data: {} });
  }

  reject(principal: Principal, caseId: string, reason: string, opts: RecoveryCommandOptions = {}) {
    return this.simple(principal, caseId, opts, 200, { type: 'RejectRecoveryCase', data: { reason } });
  }

  close(principal: Principal, caseId: string, opts: RecoveryCommandOptions = {}) {
    return this.simple(principal, caseId, opts, 200, { type: 'CloseRecoveryCase', data: {} });
  }

  private simple(
    principal: Principal,
    caseId: string,
    opts: RecoveryCommandOptions,
    successStatus: number,
    body: CommandBody<RecoveryCommand>,
    after?: (tx: Tx, view: RecoveryCaseView, events: RecoveryEvent[]) => Promise<void>,
  ): Promise<CommandResult<RecoveryCaseView>> {
    return this.commands.transaction(
      { idempotency: opts.idempotency, successStatus, expectedVersion: opts.expectedVersion },
      async (tx) => {
        const current = await this.queries.byIdIn(tx, caseId);
        if (!current) throw DomainError.notFound('Recovery case', caseId);
        let decided: RecoveryEvent[] = [];
        const view = await this.handleIn(tx, caseId, current.customerId, {
          command: this.commands.stamp<RecoveryCommand>(principal, body),
          expectedVersion: opts.expectedVersion,
          onDecided: (events) => {
            decided = events;
          },
        });
        if (after) await after(tx, view, decided);
        return view;
      },
    );
  }

  private decide(command: RecoveryCommand, state: RecoveryState): RecoveryEvent[] {
    try {
      return this.base.decide(command, state);
    } catch (e) {
      throw fromRuleError(e);
    }
  }

  private async handleIn(
    tx: Tx,
    caseId: string,
    customerId: string,
    opts: {
      command: RecoveryCommand;
      isNew?: boolean;
      expectedVersion?: number;
      onDecided?: (events: RecoveryEvent[]) => void;
    },
  ): Promise<RecoveryCaseView> {
    const actor = opts.command.actor;
    const decider: Decider<RecoveryState, RecoveryCommand, RecoveryEvent> = {
      initialState: this.base.initialState,
      evolve: this.base.evolve,
      decide: (c, s) => {
        const events = this.decide(c, s);
        opts.onDecided?.(events);
        return events;
      },
    };
    return this.commands.handleIn(tx, {
      streamType: RECOVERY_STREAM_TYPE,
      streamId: caseId,
      decider,
      command: opts.command,
      // Personal fields of the decided events, sealed with the customer's key before they are appended.
      seal: { with: await this.vault.sealerFor(tx, customerId), paths: (e) => PERSONAL_FIELDS[e.type] },
      isNew: opts.isNew,
      expectedVersion: opts.expectedVersion,
      mustExist: opts.isNew ? undefined : { what: 'Recovery case', id: caseId },
      authorize: (s) => {
        if (s.exists && !canSeeCase(actor, s)) throw DomainError.notFound('Recovery case', caseId);
      },
      project: (t, events) => this.projection.apply(t, events),
      respond: async (t) => (await this.queries.byIdIn(t, caseId))!,
    });
  }
}
