import { Body, Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import {
  ApiIdempotencyKey,
  ApiProblems,
  CurrentPrincipal,
  HttpRequest,
  IdempotencyKey,
  IdempotencyRequest,
  Principal,
  ResponseLike,
  sendCommandResult,
  uuidParam,
} from '@kefu/platform';
import { AnswerQueries } from '../../application/answer-queries';
import { AnswersService } from '../../application/answers.service';
import { AnswersRateLimiter } from '../answers-rate-limit';
import {
  AcceptAnswerDto,
  AnswerSessionResource,
  CreateAnswerSessionDto,
  HandOverDto,
  toAnswerSessionResource,
} from './answers.dto';

const UUID = uuidParam('id', 'an answer session id');

/**
 * Self-service answers for partner channels (an IVR or chat vendor answering before a person picks
 * up), and for customers' own apps. A partner sees the sessions it started; staff use GraphQL.
 */
@ApiTags('answers')
@ApiSecurity('apiKey')
@ApiSecurity('bearer')
@ApiProblems('unauthenticated', 'forbidden', 'rate_limited')
@Controller('v1/answers')
export class AnswersController {
  constructor(
    private readonly answers: AnswersService,
    private readonly queries: AnswerQueries,
    private readonly limiter: AnswersRateLimiter,
  ) {}

  @Post()
  @ApiOperation({
    summary:
      'Answer a question: detected language, suggested category and priority, the best help articles (relevance, snippet)',
  })
  @ApiIdempotencyKey()
  @ApiResponse({ status: 201, type: AnswerSessionResource })
  @ApiProblems(
    'validation_failed',
    'payload_too_large',
    'idempotency_key_reused',
    'idempotency_request_in_progress',
  )
  async create(
    @CurrentPrincipal() principal: Principal,
    @Body() dto: CreateAnswerSessionDto,
    @IdempotencyKey() idempotency: IdempotencyRequest | undefined,
    @Req() req: HttpRequest,
    @Res({ passthrough: true }) res: ResponseLike,
  ): Promise<AnswerSessionResource> {
    const quota = await this.limiter.check(principal, req);
    res.setHeader('RateLimit-Policy', `${quota.limit};w=60`);
    res.setHeader('RateLimit', `limit=${quota.limit}, remaining=${quota.remaining}, reset=${quota.reset}`);
    const r = await this.answers.suggest(
      principal,
      { question: dto.question, language: dto.language, channel: dto.channel, customerId: dto.customer?.id },
      { idempotency },
    );
    sendCommandResult(res, r, 201);
    return toAnswerSessionResource(r.result);
  }

  @Get(':id')
  @ApiOperation({ summary: 'An answer session you started' })
  @ApiResponse({ status: 200, type: AnswerSessionResource })
  @ApiProblems('validation_failed', 'not_found')
  async get(
    @CurrentPrincipal() principal: Principal,
    @Param('id', UUID) id: string,
  ): Promise<AnswerSessionResource> {
    return toAnswerSessionResource({ ...(await this.queries.get(principal, id)), token: null });
  }

  @Post(':id/resolution')
  @ApiOperation({ summary: 'The customer says an article answered the question (a deflection: no ticket)' })
  @ApiIdempotencyKey()
  @ApiResponse({ status: 200, type: AnswerSessionResource })
  @ApiProblems(
    'validation_failed',
    'not_found',
    'invalid_transition',
    'payload_too_large',
    'idempotency_key_reused',
    'idempotency_request_in_progress',
  )
  async resolve(
    @CurrentPrincipal() principal: Principal,
    @Param('id', UUID) id: string,
    @Body() dto: AcceptAnswerDto,
    @IdempotencyKey() idempotency: IdempotencyRequest | undefined,
    @Res({ passthrough: true }) res: ResponseLike,
  ): Promise<AnswerSessionResource> {
    const r = await this.answers.accept(principal, id, { articleId: dto.articleId }, { idempotency });
    sendCommandResult(res, r, 200);
    return toAnswerSessionResource(r.result);
  }

  @Post(':id/handover')
  @ApiOperation({
    summary:
      'Hand over to a person: a ticket opens with the question, the suggested (or corrected) category and priority, and a note of the articles already shown',
  })
  @ApiIdempotencyKey()
  @ApiResponse({ status: 201, type: AnswerSessionResource, description: 'The session, with ticketId' })
  @ApiProblems(
    'validation_failed',
    'not_found',
    'invalid_transition',
    'payload_too_large',
    'idempotency_key_reused',
    'idempotency_request_in_progress',
  )
  async handOver(
    @CurrentPrincipal() principal: Principal,
    @Param('id', UUID) id: string,
    @Body() dto: HandOverDto,
    @IdempotencyKey() idempotency: IdempotencyRequest | undefined,
    @Res({ passthrough: true }) res: ResponseLike,
  ): Promise<AnswerSessionResource> {
    const r = await this.answers.handOver(
      principal,
      id,
      { category: dto.category, comment: dto.comment, customer: dto.customer },
      { idempotency },
    );
    sendCommandResult(res, r, 201);
    return toAnswerSessionResource(r.result);
  }
}
