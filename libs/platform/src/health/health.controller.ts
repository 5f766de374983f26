import { Controller, Get, HttpCode, Res } from '@nestjs/common';
import { ApiOperation, ApiProperty, ApiResponse, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { Public } from '../auth/auth.decorators';
import { HttpResponse } from '../http/http-types';
import { RedisService } from '../redis/redis.service';

export type CheckStatus = 'up' | 'down';

export interface ReadinessReport {
  status: 'ok' | 'error';
  checks: { postgres: CheckStatus; redis: CheckStatus };
}

class LivenessResource {
  @ApiProperty({ enum: ['ok'] }) status!: 'ok';
}

class ReadinessChecksResource {
  @ApiProperty({ enum: ['up', 'down'] }) postgres!: CheckStatus;
  @ApiProperty({ enum: ['up', 'down'] }) redis!: CheckStatus;
}

class ReadinessResource {
  @ApiProperty({ enum: ['ok', 'error'] }) status!: 'ok' | 'error';
  @ApiProperty({ type: ReadinessChecksResource }) checks!: ReadinessChecksResource;
}

const CHECK_TIMEOUT_MS = 1000;

async function within(ms: number, probe: () => Promise<boolean>): Promise<CheckStatus> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
    timer.unref();
  });
  try {
    return (await Promise.race([probe().catch(() => false), timeout])) ? 'up' : 'down';
  } finally {
    clearTimeout(timer);
  }
}

/** Liveness (the process answers) and readiness (its dependencies answer), for orchestrators. */
@ApiTags('ops')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly redis: RedisService,
  ) {}

  @Get('live')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Liveness: the process answers',
    description: 'Checks nothing else: restart the process when this fails, not when a dependency does.',
  })
  @ApiResponse({ status: 200, type: LivenessResource })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @ApiOperation({
    summary: 'Readiness: Postgres and Redis answer',
    description: 'Send traffic only while this is 200. Each check times out after a second.',
  })
  @ApiResponse({ status: 200, type: ReadinessResource, description: 'Both dependencies answer' })
  @ApiResponse({ status: 503, type: ReadinessResource, description: 'A dependency does not answer' })
  // @Res without passthrough: Nest would overwrite a 503 with the route's default status.
  async ready(@Res() res: HttpResponse): Promise<void> {
    const [postgres, redis] = await Promise.all([
      within(CHECK_TIMEOUT_MS, async () => {
        await this.dataSource.query('SELECT 1');
        return true;
      }),
      within(CHECK_TIMEOUT_MS, () => this.redis.ping(CHECK_TIMEOUT_MS)),
    ]);
    const ok = postgres === 'up' && redis === 'up';
    const report: ReadinessReport = { status: ok ? 'ok' : 'error', checks: { postgres, redis } };
    res.statusCode = ok ? 200 : 503;
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.end(JSON.stringify(report));
  }
}
