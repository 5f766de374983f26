import { Body, Controller, Post, Res } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import {
  ApiIdempotencyKey,
  ApiProblems,
  CurrentPrincipal,
  IdempotencyKey,
  IdempotencyRequest,
  PartnerOnly,
  Principal,
  ResponseLike,
  sendCommandResult,
} from '@kefu/platform';
import { AgentQueries } from '@kefu/agents';
import { FeedbackService } from '../../application/feedback.service';
import { assertKnownAgent } from '../graphql/feedback.resolver';
import { CreateFeedbackDto, FeedbackResource, toFeedbackResource } from './feedback.dto';

/** Free feedback from a partner channel on a customer's behalf. */
@ApiTags('feedback')
@ApiSecurity('apiKey')
@PartnerOnly()
@ApiProblems('unauthenticated', 'forbidden', 'rate_limited')
@Controller('v1/feedback')
export class FeedbackController {
  constructor(
    private readonly feedback: FeedbackService,
    private readonly agents: AgentQueries,
  ) {}

  @Post()
  @ApiOperation({
    summary: 'Submit a suggestion, praise or complaint (a complaint about an agent goes to a supervisor)',
  })
  @ApiIdempotencyKey()
  @ApiResponse({ status: 201, type: FeedbackResource })
  @ApiProblems(
    'validation_failed',
    'not_found',
    'payload_too_large',
    'idempotency_key_reused',
    'idempotency_request_in_progress',
  )
  async create(
    @CurrentPrincipal() principal: Principal,
    @Body() dto: CreateFeedbackDto,
    @IdempotencyKey() idempotency: IdempotencyRequest | undefined,
    @Res({ passthrough: true }) res: ResponseLike,
  ): Promise<FeedbackResource> {
    await assertKnownAgent(this.agents, dto.agentId);
    const r = await this.feedback.submit(
      principal,
      {
        kind: dto.kind,
        body: dto.body,
        customerId: dto.customer.id,
        ticketId: dto.ticketId,
        agentId: dto.agentId,
      },
      { idempotency },
    );
    sendCommandResult(res, r, 201);
    return toFeedbackResource(r.result);
  }
}
