import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import {
  ApiIdempotencyKey,
  ApiProblems,
  CurrentPrincipal,
  DomainError,
  IdempotencyKey,
  IdempotencyRequest,
  Principal,
  ResponseLike,
  sendCommandResult,
  uuidParam,
} from '@kefu/platform';
import { TicketQueries } from '../../application/ticket-queries';
import { TicketsService } from '../../application/tickets.service';
import { TICKET_STATUSES, TicketStatus } from '../../domain/ticket.types';
import { TicketUpdatesPublisher } from '../graphql/ticket-updates.publisher';
import {
  CreateEscalationRequestDto,
  CreateMessageDto,
  CreateTicketDto,
  ListTicketsQueryDto,
} from './ticket.dto';
import {
  TicketListResource,
  TicketResource,
  TicketWithMessagesResource,
  toMessageResource,
  toTicketResource,
} from './ticket.resource';

const UUID = uuidParam('id', 'a ticket id');

/** Partner channels' REST surface for tickets. Scoped: a partner sees its channel's tickets only. */
@ApiTags('tickets')
@ApiSecurity('apiKey')
@ApiSecurity('bearer')
@ApiProblems('unauthenticated', 'forbidden', 'rate_limited')
@Controller('v1/tickets')
export class TicketsController {
  constructor(
    private readonly tickets: TicketsService,
    private readonly queries: TicketQueries,
    private readonly updates: TicketUpdatesPublisher,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Open a ticket' })
  @ApiIdempotencyKey()
  @ApiResponse({ status: 201, type: TicketResource })
  @ApiProblems(
    'validation_failed',
    'payload_too_large',
    'idempotency_key_reused',
    'idempotency_request_in_progress',
  )
  async create(
    @CurrentPrincipal() principal: Principal,
    @Body() dto: CreateTicketDto,
    @IdempotencyKey() idempotency: IdempotencyRequest | undefined,
    @Res({ passthrough: true }) res: ResponseLike,
  ): Promise<TicketResource> {
    const r = await this.tickets.open(principal, dto, { idempotency });
    sendCommandResult(res, r);
    // A replay's result is the stored first response (the same TicketView, through JSON).
    return toTicketResource(r.result);
  }

  @Get()
  @ApiOperation({ summary: "The channel's tickets, least recently updated first (resume with updatedSince)" })
  @ApiResponse({ status: 200, type: TicketListResource })
  @ApiProblems('validation_failed')
  async list(
    @CurrentPrincipal() principal: Principal,
    @Query() q: ListTicketsQueryDto,
  ): Promise<TicketListResource> {
    const statuses = q.status
      ?.split(',')
      .map((s) => s.trim().toLowerCase())
      .filter(Boolean);
    const bad = statuses?.filter((s) => !(TICKET_STATUSES as readonly string[]).includes(s));
    if (bad?.length) {
      throw DomainError.validation([
        {
          field: 'status',
          message: `unknown status ${bad.join(', ')}; one of ${TICKET_STATUSES.join(', ')}`,
        },
      ]);
    }
    const limit = Math.min(q.limit ?? 20, 100);
    const page = await this.queries.list(
      principal,
      {
        status: statuses as TicketStatus[] | undefined,
        updatedSince: q.updatedSince ? new Date(q.updatedSince) : undefined,
      },
      { field: 'updated_at', direction: 'asc' },
      limit,
      q.cursor,
    );
    return {
      data: page.items.map((i) => toTicketResource(i.node)),
      nextCursor: page.hasNextPage ? (page.items[page.items.length - 1]?.cursor ?? null) : null,
    };
  }

  @Get(':id')
  @ApiOperation({ summary: 'A ticket with its public messages' })
  @ApiResponse({ status: 200, type: TicketWithMessagesResource })
  @ApiProblems('validation_failed', 'not_found')
  async get(
    @CurrentPrincipal() principal: Principal,
    @Param('id', UUID) id: string,
  ): Promise<TicketWithMessagesResource> {
    return this.withMessages(await this.queries.get(principal, id));
  }

  @Post(':id/messages')
  @ApiOperation({ summary: "Add the customer's message; reopens a pending or solved ticket" })
  @ApiIdempotencyKey()
  @ApiResponse({ status: 201, type: TicketWithMessagesResource })
  @ApiProblems(
    'validation_failed',
    'not_found',
    'invalid_transition',
    'version_conflict',
    'idempotency_key_reused',
    'idempotency_request_in_progress',
  )
  async addMessage(
    @CurrentPrincipal() principal: Principal,
    @Param('id', UUID) id: string,
    @Body() dto: CreateMessageDto,
    @IdempotencyKey() idempotency: IdempotencyRequest | undefined,
    @Res({ passthrough: true }) res: ResponseLike,
  ): Promise<TicketWithMessagesResource> {
    const r = await this.tickets.reply(
      principal,
      id,
      { body: dto.body, attachments: dto.attachments },
      { idempotency },
    );
    await this.updates.ticketChanged(r.result); // GraphQL ticketUpdated subscribers (agents' consoles)
    sendCommandResult(res, r);
    // Replays return the ticket as it was right after the first request.
    return this.withMessages(r.result, r.result.version);
  }

  @Post(':id/escalation-requests')
  @HttpCode(202)
  @ApiOperation({ summary: 'The customer asks for a senior agent (routed asynchronously)' })
  @ApiIdempotencyKey()
  @ApiResponse({ status: 202, type: TicketResource })
  @ApiProblems('validation_failed', 'not_found', 'invalid_transition', 'idempotency_key_reused')
  async requestEscalation(
    @CurrentPrincipal() principal: Principal,
    @Param('id', UUID) id: string,
    @Body() dto: CreateEscalationRequestDto,
    @IdempotencyKey() idempotency: IdempotencyRequest | undefined,
    @Res({ passthrough: true }) res: ResponseLike,
  ): Promise<TicketResource> {
    const r = await this.tickets.requestEscalation(principal, id, dto.reason, { idempotency });
    await this.updates.ticketChanged(r.result);
    sendCommandResult(res, r, 202);
    return toTicketResource(r.result);
  }

  private async withMessages(
    t: Parameters<typeof toTicketResource>[0],
    upToVersion?: number,
  ): Promise<TicketWithMessagesResource> {
    const messages = (await this.queries.publicMessagesOf([t.id])).get(t.id) ?? [];
    const shown = upToVersion === undefined ? messages : messages.filter((m) => m.seq <= upToVersion);
    return { ...toTicketResource(t), messages: shown.map(toMessageResource) };
  }
}
