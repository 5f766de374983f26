import { Body, Controller, Get, HttpCode, Param, Post, Res } from '@nestjs/common';
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
import { RecoveryPresenter } from '../../application/recovery-presenter';
import { RecoveryQueries } from '../../application/recovery-queries';
import { RecoveryService } from '../../application/recovery.service';
import { OpenRecoveryCaseDto, RecoveryCaseResource, SubmitVerificationDto } from './recovery.dto';

const UUID = uuidParam('id', 'a recovery case id');

/** Partner channels' REST surface for account recovery (API.md). Identity data is never returned in full. */
@ApiTags('account-recovery')
@ApiSecurity('apiKey')
@ApiSecurity('bearer')
@ApiProblems('unauthenticated', 'forbidden', 'rate_limited')
@Controller('v1/account-recovery')
export class RecoveryController {
  constructor(
    private readonly recovery: RecoveryService,
    private readonly queries: RecoveryQueries,
    private readonly presenter: RecoveryPresenter,
  ) {}

  @Post()
  @ApiOperation({
    summary: 'Open a recovery case (and its ticket); `stolen` freezes the account in the same transaction',
  })
  @ApiIdempotencyKey()
  @ApiResponse({ status: 201, type: RecoveryCaseResource })
  @ApiProblems(
    'validation_failed',
    'payload_too_large',
    'idempotency_key_reused',
    'idempotency_request_in_progress',
  )
  async open(
    @CurrentPrincipal() principal: Principal,
    @Body() dto: OpenRecoveryCaseDto,
    @IdempotencyKey() idempotency: IdempotencyRequest | undefined,
    @Res({ passthrough: true }) res: ResponseLike,
  ): Promise<RecoveryCaseResource> {
    const r = await this.recovery.open(principal, dto, { idempotency });
    sendCommandResult(res, r);
    return this.presenter.present(principal, r.result);
  }

  @Get(':id')
  @ApiOperation({ summary: 'A recovery case (identity data masked: document number → last 4)' })
  @ApiResponse({ status: 200, type: RecoveryCaseResource })
  @ApiProblems('validation_failed', 'not_found')
  async get(
    @CurrentPrincipal() principal: Principal,
    @Param('id', UUID) id: string,
  ): Promise<RecoveryCaseResource> {
    return this.presenter.present(principal, await this.queries.get(principal, id));
  }

  @Post(':id/verification')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Submit identity verification for review by a senior agent',
    description: 'After too many failed verifications the case locks: 429 rate_limited with Retry-After.',
  })
  @ApiIdempotencyKey()
  @ApiResponse({ status: 202, type: RecoveryCaseResource })
  @ApiProblems(
    'validation_failed',
    'not_found',
    'invalid_transition',
    'rate_limited',
    'idempotency_key_reused',
    'idempotency_request_in_progress',
  )
  async submitVerification(
    @CurrentPrincipal() principal: Principal,
    @Param('id', UUID) id: string,
    @Body() dto: SubmitVerificationDto,
    @IdempotencyKey() idempotency: IdempotencyRequest | undefined,
    @Res({ passthrough: true }) res: ResponseLike,
  ): Promise<RecoveryCaseResource> {
    const r = await this.recovery.submitVerification(
      principal,
      id,
      {
        fullName: dto.fullName,
        documentType: dto.documentType,
        documentNumber: dto.documentNumber,
        ...(dto.phone !== undefined ? { phone: dto.phone } : {}),
        ...(dto.email !== undefined ? { email: dto.email } : {}),
      },
      { idempotency },
    );
    sendCommandResult(res, r, 202);
    return this.presenter.present(principal, r.result);
  }
}
