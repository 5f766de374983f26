import { Body, Controller, Get, Param, Post, Res } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import {
  ApiIdempotencyKey,
  ApiProblems,
  CurrentPrincipal,
  IdempotencyKey,
  IdempotencyRequest,
  Principal,
  ResponseLike,
  sendCommandResult,
  uuidParam,
} from '@kefu/platform';
import { DisputeQueries } from '../../application/dispute-queries';
import { DisputesService } from '../../application/disputes.service';
import { CreateDisputeDto, CreateEvidenceDto, DisputeResource, toDisputeResource } from './dispute.dto';

const UUID = uuidParam('id', 'a dispute id');

/** Disputes over REST: partners open them for customers and add customer or merchant evidence. */
@ApiTags('disputes')
@ApiSecurity('apiKey')
@ApiSecurity('bearer')
@ApiProblems('unauthenticated', 'forbidden', 'rate_limited')
@Controller('v1/disputes')
export class DisputesController {
  constructor(
    private readonly disputes: DisputesService,
    private readonly queries: DisputeQueries,
  ) {}

  @Post()
  @ApiOperation({
    summary: 'Open a dispute (opens a transaction_dispute ticket when no ticketId is given)',
    description: 'At most one open dispute per transaction: another one is 409 dispute_already_open.',
  })
  @ApiIdempotencyKey()
  @ApiResponse({ status: 201, type: DisputeResource })
  @ApiProblems(
    'validation_failed',
    'not_found',
    'dispute_already_open',
    'idempotency_key_reused',
    'idempotency_request_in_progress',
  )
  async create(
    @CurrentPrincipal() principal: Principal,
    @Body() dto: CreateDisputeDto,
    @IdempotencyKey() idempotency: IdempotencyRequest | undefined,
    @Res({ passthrough: true }) res: ResponseLike,
  ): Promise<DisputeResource> {
    const r = await this.disputes.open(principal, dto, { idempotency });
    sendCommandResult(res, r);
    return toDisputeResource(r.result);
  }

  @Get(':id')
  @ApiOperation({ summary: 'A dispute with its evidence' })
  @ApiResponse({ status: 200, type: DisputeResource })
  @ApiProblems('validation_failed', 'not_found')
  async get(
    @CurrentPrincipal() principal: Principal,
    @Param('id', UUID) id: string,
  ): Promise<DisputeResource> {
    return toDisputeResource(await this.queries.get(principal, id));
  }

  @Post(':id/evidence')
  @ApiOperation({
    summary: "Add the customer's or the merchant's evidence",
    description:
      "Each party's window closes at its deadline (422 evidence_window_closed). The merchant's first " +
      'evidence moves the dispute to review.',
  })
  @ApiIdempotencyKey()
  @ApiResponse({ status: 201, type: DisputeResource })
  @ApiProblems(
    'validation_failed',
    'not_found',
    'invalid_transition',
    'evidence_window_closed',
    'idempotency_key_reused',
  )
  async addEvidence(
    @CurrentPrincipal() principal: Principal,
    @Param('id', UUID) id: string,
    @Body() dto: CreateEvidenceDto,
    @IdempotencyKey() idempotency: IdempotencyRequest | undefined,
    @Res({ passthrough: true }) res: ResponseLike,
  ): Promise<DisputeResource> {
    const r = await this.disputes.submitEvidence(principal, id, dto, { idempotency });
    sendCommandResult(res, r);
    return toDisputeResource(r.result);
  }
}
