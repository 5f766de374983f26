import { Injectable } from '@nestjs/common';
import { AppConfig, DomainError, HttpRequest, RedisService, ResponseLike } from '@kefu/platform';

const WINDOW_SECONDS = 60;

/**
 * A fixed one-minute window per client address, counted in Redis (shared by every API replica).
 * Sends `RateLimit-Policy` and `RateLimit` (IETF draft fields); over the limit → 429 rate_limited
 * with Retry-After. If Redis is unreachable the request is let through: availability of the survey
 * link beats strict limiting, and the token stays the credential.
 */
@Injectable()
export class SurveyRateLimiter {
  constructor(
    private readonly redis: RedisService,
    private readonly config: AppConfig,
  ) {}

  async check(route: string, req: HttpRequest, res: ResponseLike): Promise<void> {
    const limit = this.config.surveyRateLimitPerMinute;
    const nowSeconds = Math.floor(Date.now() / 1000);
    const window = Math.floor(nowSeconds / WINDOW_SECONDS);
    const reset = (window + 1) * WINDOW_SECONDS - nowSeconds;
    const client = req.ip ?? req.socket.remoteAddress ?? 'unknown';
    const key = this.redis.channel(`ratelimit:${route}:${client}:${window}`);
    let count: number;
    try {
      const r = await this.redis.client
        .multi()
        .incr(key)
        .expire(key, WINDOW_SECONDS + 5)
        .exec();
      count = Number(r?.[0]?.[1] ?? 0);
    } catch {
      return;
    }
    res.setHeader('RateLimit-Policy', `${limit};w=${WINDOW_SECONDS}`);
    res.setHeader('RateLimit', `limit=${limit}, remaining=${Math.max(0, limit - count)}, reset=${reset}`);
    if (count > limit)
      throw new DomainError('rate_limited', 'Too many requests for survey links; try again later.', {
        retryAfterSeconds: reset,
      });
  }
}
