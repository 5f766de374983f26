import { Body, Controller, Get, Param, Post, Res } from '@nestjs/common';
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
  uuidParam,
} from '@kefu/platform';
import { RefundQueries } from '../../application/refund-queries';
import { RefundsService } from '../../application/refunds.service';
import { CreateRefundDto, PayoutResultDto, RefundResource, toRefundResource } from './refund.dto';

const UUID = uuidParam('id', 'a refund id');

/** Refunds over REST: partners request and follow them; the payments core reports payouts. */
@ApiTags('refunds')
@ApiSecurity('apiKey')
@ApiSecurity('bearer')
@ApiProblems('unauthenticated', 'forbidden', 'rate_limited')
@Controller('v1/refunds')
export class RefundsController {
  constructor(
    private readonly refunds: RefundsService,
    private readonly queries: RefundQueries,
  ) {}

  @Post()
  @ApiOperation({
    summary: 'Request a refund (opens a refund ticket when no ticketId is given)',
    description:
      "The total of a transaction's refunds that are not rejected, canceled or failed never exceeds its amount.",
  })
  @ApiIdempotencyKey()
  @ApiResponse({ status: 201, type: RefundResource })
  @ApiProblems(
    'validation_failed',
    'not_found',
    'refund_window_expired',
    'refund_exceeds_transaction',
    'idempotency_key_reused',
    'idempotency_request_in_progress',
  )
  async create(
    @CurrentPrincipal() principal: Principal,
    @Body() dto: CreateRefundDto,
    @IdempotencyKey() idempotency: IdempotencyRequest | undefined,
    @Res({ passthrough: true }) res: ResponseLike,
  ): Promise<RefundResource> {
    const r = await this.refunds.request(principal, dto, { idempotency });
    sendCommandResult(res, r);
    return toRefundResource(r.result);
  }

  @Get(':id')
  @ApiOperation({ summary: 'A refund' })
  @ApiResponse({ status: 200, type: RefundResource })
  @ApiProblems('validation_failed', 'not_found')
  async get(
    @CurrentPrincipal() principal: Principal,
    @Param('id', UUID) id: string,
  ): Promise<RefundResource> {
    return toRefundResource(await this.queries.get(principal, id));
  }

  @Post(':id/payout-result')
  @PartnerOnly()
  @ApiOperation({
    summary: "The payments core reports a payout's result",
    description:
      'Partners with the payments_core scope for any refund, other partners for their own. The same ' +
      'status and reference again answers 200 with the refund unchanged.',
  })
  @ApiIdempotencyKey()
  @ApiResponse({ status: 200, type: RefundResource })
  @ApiProblems('validation_failed', 'not_found', 'invalid_transition', 'idempotency_key_reused')
  async payoutResult(
    @CurrentPrincipal() principal: Principal,
    @Param('id', UUID) id: string,
    @Body() dto: PayoutResultDto,
    @IdempotencyKey() idempotency: IdempotencyRequest | undefined,
    @Res({ passthrough: true }) res: ResponseLike,
  ): Promise<RefundResource> {
    const r = await this.refunds.recordPayoutResult(principal, id, dto, { idempotency });
    sendCommandResult(res, r);
    return toRefundResource(r.result);
  }
}
