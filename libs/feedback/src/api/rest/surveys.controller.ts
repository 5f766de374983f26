import { Body, Controller, Get, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import {
  ApiClientRateLimit,
  ApiIdempotencyKey,
  ApiProblems,
  HttpRequest,
  IdempotencyKey,
  IdempotencyRequest,
  Public,
  ResponseLike,
  sendCommandResult,
} from '@kefu/platform';
import { SurveysService } from '../../application/surveys.service';
import { SurveyResource, SurveyResponseDto, toSurveyResource } from './feedback.dto';
import { SurveyRateLimiter } from './rate-limit';

/** The survey link's routes: public, the token is the credential; rate-limited per client address. */
@ApiTags('surveys')
@Public()
@ApiParam({ name: 'token', description: 'The single-use token from the survey.sent webhook' })
@ApiProblems('not_found', 'rate_limited')
@ApiClientRateLimit()
@Controller('v1/surveys')
export class SurveysController {
  constructor(
    private readonly surveys: SurveysService,
    private readonly limiter: SurveyRateLimiter,
  ) {}

  @Get(':token')
  @ApiOperation({ summary: 'Read a survey by its token' })
  @ApiResponse({ status: 200, type: SurveyResource })
  async get(
    @Param('token') token: string,
    @Req() req: HttpRequest,
    @Res({ passthrough: true }) res: ResponseLike,
  ): Promise<SurveyResource> {
    await this.limiter.check('survey-read', req, res);
    return toSurveyResource(await this.surveys.byToken(token));
  }

  @Post(':token/responses')
  @HttpCode(201)
  @ApiOperation({ summary: 'Answer a survey: score 1–5 and an optional comment, once' })
  @ApiIdempotencyKey()
  @ApiResponse({ status: 201, type: SurveyResource })
  @ApiProblems(
    'validation_failed',
    'survey_already_answered',
    'survey_expired',
    'idempotency_key_reused',
    'idempotency_request_in_progress',
  )
  async respond(
    @Param('token') token: string,
    @Body() dto: SurveyResponseDto,
    @IdempotencyKey() idempotency: IdempotencyRequest | undefined,
    @Req() req: HttpRequest,
    @Res({ passthrough: true }) res: ResponseLike,
  ): Promise<SurveyResource> {
    await this.limiter.check('survey-answer', req, res);
    const r = await this.surveys.respond(token, { score: dto.score, comment: dto.comment }, { idempotency });
    sendCommandResult(res, r, 201);
    return toSurveyResource(r.result);
  }
}
