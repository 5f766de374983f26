import { Injectable } from '@nestjs/common';
import { AppConfig, DomainError, HttpRequest, Principal, RedisService } from '@kefu/platform';

const WINDOW_SECONDS = 60;

/**
 * Suggestions write an event each, and the GraphQL one is public: a fixed one-minute window per
 * caller (partner, user, or client address when anonymous), counted in Redis so every API replica
 * shares it. Over the limit → 429 rate_limited with Retry-After. If Redis is down the request goes
 * through: answering customers beats strict limiting.
 */
@Injectable()
export class AnswersRateLimiter {
  constructor(
    private readonly redis: RedisService,
    private readonly config: AppConfig,
  ) {}

  async check(
    principal: Principal | undefined,
    req: HttpRequest | undefined,
  ): Promise<{ limit: number; remaining: number; reset: number }> {
    const limit = this.config.answersRateLimitPerMinute;
    const nowSeconds = Math.floor(Date.now() / 1000);
    const window = Math.floor(nowSeconds / WINDOW_SECONDS);
    const reset = (window + 1) * WINDOW_SECONDS - nowSeconds;
    const caller = principal
      ? principal.kind === 'partner'
        ? `partner-${principal.partner}`
        : `user-${principal.sub}`
      : `ip-${req?.ip ?? req?.socket?.remoteAddress ?? 'unknown'}`;
    const key = this.redis.channel(`ratelimit:answers:${caller}:${window}`);
    let count: number;
    try {
      const r = await this.redis.client
        .multi()
        .incr(key)
        .expire(key, WINDOW_SECONDS + 5)
        .exec();
      count = Number(r?.[0]?.[1] ?? 0);
    } catch {
      return { limit, remaining: limit, reset };
    }
    if (count > limit)
      throw new DomainError('rate_limited', 'Too many questions; try again in a minute.', {
        retryAfterSeconds: reset,
      });
    return { limit, remaining: Math.max(0, limit - count), reset };
  }
}
