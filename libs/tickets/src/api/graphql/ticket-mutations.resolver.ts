import { Args, Mutation, Resolver } from '@nestjs/graphql';
import {
  CommandResult,
  CurrentPrincipal,
  DomainError,
  Principal,
  orUndefined,
  TransactionInput,
  isStaff,
} from '@kefu/platform';
import { CommandOptions, TicketsService } from '../../application/tickets.service';
import { TicketView } from '../../application/ticket-view';
import { AgentDirectory } from './agent-directory';
import {
  AddInternalNoteInput,
  AssignTicketInput,
  AttachmentInput,
  CreateTicketInput,
  EscalateTicketInput,
  ReplyToTicketInput,
  SetTicketStatusInput,
  TagTicketInput,
} from './ticket.input';
import { toTicketModel } from './ticket.mapper';
import { TicketModel } from './ticket.model';
import { TicketUpdatesPublisher } from './ticket-updates.publisher';

function transactionOf(t: TransactionInput) {
  return {
    id: t.id,
    amount: t.amount,
    currency: t.currency,
    ...(t.occurredAt ? { occurredAt: t.occurredAt.toISOString() } : {}),
    ...(t.merchantId ? { merchantId: t.merchantId } : {}),
  };
}

function attachmentsOf(list: AttachmentInput[] | null | undefined) {
  return list?.map((a) => ({
    name: a.name,
    contentType: a.contentType,
    size: a.size,
    url: a.url,
    ...(a.sha256 ? { sha256: a.sha256 } : {}),
  }));
}

const pinned = (input: { expectedVersion?: number | null }): CommandOptions => ({
  expectedVersion: orUndefined(input.expectedVersion),
});

/**
 * The ticket commands. Who may do what is the decider's table (customers and partners open and
 * reply; staff do the rest); the answer is the read model right after the commit, and
 * `ticketUpdated` subscribers hear about it.
 */
@Resolver(() => TicketModel)
export class TicketMutationsResolver {
  constructor(
    private readonly tickets: TicketsService,
    private readonly agents: AgentDirectory,
    private readonly updates: TicketUpdatesPublisher,
  ) {}

  @Mutation(() => TicketModel)
  async createTicket(
    @CurrentPrincipal() p: Principal,
    @Args('input') input: CreateTicketInput,
  ): Promise<TicketModel> {
    const customer = input.customer
      ? {
          id: input.customer.id,
          ...(input.customer.name ? { name: input.customer.name } : {}),
          ...(input.customer.email ? { email: input.customer.email } : {}),
          ...(input.customer.phone ? { phone: input.customer.phone } : {}),
          ...(input.customer.segments ? { segments: input.customer.segments } : {}),
        }
      : undefined;
    const r = await this.tickets.open(p, {
      subject: input.subject,
      description: input.description,
      category: input.category,
      priority: orUndefined(input.priority),
      channel: orUndefined(input.channel),
      language: orUndefined(input.language),
      customer,
      transaction: input.transaction ? transactionOf(input.transaction) : undefined,
      tags: orUndefined(input.tags),
    });
    return this.answer(r);
  }

  @Mutation(() => TicketModel)
  async replyToTicket(
    @CurrentPrincipal() p: Principal,
    @Args('input') input: ReplyToTicketInput,
  ): Promise<TicketModel> {
    const r = await this.tickets.reply(
      p,
      input.ticketId,
      { body: input.body, attachments: attachmentsOf(input.attachments) },
      pinned(input),
    );
    return this.answer(r);
  }

  @Mutation(() => TicketModel)
  async addInternalNote(
    @CurrentPrincipal() p: Principal,
    @Args('input') input: AddInternalNoteInput,
  ): Promise<TicketModel> {
    return this.answer(
      await this.tickets.addInternalNote(p, input.ticketId, { body: input.body }, pinned(input)),
    );
  }

  @Mutation(() => TicketModel, { description: 'NOT_FOUND when the agent is not registered.' })
  async assignTicket(
    @CurrentPrincipal() p: Principal,
    @Args('input') input: AssignTicketInput,
  ): Promise<TicketModel> {
    // Only staff get this far in the decider; others learn nothing about which agents exist.
    if (isStaff(p) && !(await this.agents.exists(input.agentId)))
      throw DomainError.notFound('Agent', input.agentId);
    return this.answer(await this.tickets.assign(p, input.ticketId, input.agentId, pinned(input)));
  }

  @Mutation(() => TicketModel)
  async setTicketStatus(
    @CurrentPrincipal() p: Principal,
    @Args('input') input: SetTicketStatusInput,
  ): Promise<TicketModel> {
    return this.answer(
      await this.tickets.setStatus(p, input.ticketId, { status: input.status }, pinned(input)),
    );
  }

  @Mutation(() => TicketModel, {
    description: 'Raises the tier (L1 → L2 → L3) and hands the ticket to its queue.',
  })
  async escalateTicket(
    @CurrentPrincipal() p: Principal,
    @Args('input') input: EscalateTicketInput,
  ): Promise<TicketModel> {
    return this.answer(
      await this.tickets.escalate(p, input.ticketId, { reason: input.reason }, pinned(input)),
    );
  }

  @Mutation(() => TicketModel)
  async tagTicket(
    @CurrentPrincipal() p: Principal,
    @Args('input') input: TagTicketInput,
  ): Promise<TicketModel> {
    const data = { add: orUndefined(input.add), remove: orUndefined(input.remove) };
    return this.answer(await this.tickets.tag(p, input.ticketId, data, pinned(input)));
  }

  private async answer(r: CommandResult<TicketView>): Promise<TicketModel> {
    await this.updates.ticketChanged(r.result);
    return toTicketModel(r.result);
  }
}
