import { Injectable, Logger } from '@nestjs/common';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { AppConfig } from '../config/config';
import { DomainError } from '../errors/domain-error';
import { RedisService } from '../redis/redis.service';

export interface RateLimitState {
  limit: number;
  remaining: number;
  /** Seconds until the window resets. */
  resetSeconds: number;
}

/**
 * Counts authentication failures (401s) per client IP in a fixed window; once an IP reaches the
 * limit, every request of it that needs authentication is refused with `rate_limited` until the
 * window ends (credential guessing gets nowhere). Counted in Redis with rate-limiter-flexible (an
 * atomic Lua increment), so every API replica shares one count per IP and the limit does not
 * multiply with the number of replicas. While Redis is unreachable, each process falls back to an
 * in-memory count (the library's insurance limiter): degraded, never open. 0 turns it off.
 */
@Injectable()
export class AuthFailureLimiter {
  private readonly logger = new Logger(AuthFailureLimiter.name);
  private readonly limit: number;
  private readonly windowSeconds: number;
  private readonly limiter?: RateLimiterRedis;

  constructor(
    config: AppConfig,
    private readonly redis: RedisService,
  ) {
    this.limit = config.authFailureLimit;
    this.windowSeconds = config.authFailureWindowSeconds;
    if (!this.enabled) return;
    const opts = { points: this.limit, duration: this.windowSeconds };
    this.limiter = new RateLimiterRedis({
      ...opts,
      storeClient: redis.client,
      keyPrefix: redis.channel('auth-failures'),
      // While the client is not connected, count in memory at once instead of making every
      // authenticated request wait for a reconnect.
      rejectIfRedisNotReady: true,
      insuranceLimiter: new RateLimiterMemory(opts),
    });
  }

  get enabled(): boolean {
    return this.limit > 0;
  }

  /** Throws rate_limited when this IP has used up its failures. */
  async assertAllowed(ip: string): Promise<void> {
    if (!this.limiter) return;
    // Every authenticated request asks: one plain GET of the counter instead of the library's
    // MULTI/GET/PTTL/EXEC (a third of the write path's Redis CPU). Only an IP at its limit needs the
    // window's remaining time; anything unusual (Redis not ready, an error) takes the library's path,
    // with its in-memory insurance count.
    const counted = await this.failuresCounted(ip);
    if (counted !== undefined && counted < this.limit) return;
    const s = await this.state(ip);
    if (s && s.remaining <= 0) {
      throw new DomainError('rate_limited', 'Too many failed authentication attempts; retry later.', {
        retryAfterSeconds: s.resetSeconds,
        rateLimit: s,
      });
    }
  }

  /** Counts one failure; returns the state to report in RateLimit headers. */
  async recordFailure(ip: string): Promise<RateLimitState | undefined> {
    if (!this.limiter) return undefined;
    try {
      return this.stateOf(await this.limiter.consume(ip));
    } catch (e) {
      // Over the limit: the library rejects with the (still counted) state.
      if (e instanceof RateLimiterRes) return this.stateOf(e);
      this.logger.warn({ err: (e as Error).message }, 'auth failure not counted');
      return undefined;
    }
  }

  async state(ip: string): Promise<RateLimitState | undefined> {
    if (!this.limiter) return undefined;
    try {
      const r = await this.limiter.get(ip);
      return r ? this.stateOf(r) : undefined;
    } catch (e) {
      this.logger.warn({ err: (e as Error).message }, 'auth failure count unavailable');
      return undefined;
    }
  }

  private async failuresCounted(ip: string): Promise<number | undefined> {
    if (!this.limiter || this.redis.client.status !== 'ready') return undefined;
    try {
      const v = await this.redis.client.get(this.limiter.getKey(ip));
      const n = v === null ? 0 : Number(v);
      return Number.isFinite(n) ? n : undefined;
    } catch {
      return undefined;
    }
  }

  /** The RateLimit headers (IETF draft-ietf-httpapi-ratelimit-headers) for a state. */
  headersOf(s: RateLimitState): Record<string, string> {
    return {
      'RateLimit-Policy': `${this.limit};w=${this.windowSeconds}`,
      'RateLimit-Limit': String(s.limit),
      'RateLimit-Remaining': String(s.remaining),
      'RateLimit-Reset': String(s.resetSeconds),
    };
  }

  private stateOf(r: RateLimiterRes): RateLimitState {
    return {
      limit: this.limit,
      remaining: Math.max(0, this.limit - r.consumedPoints),
      resetSeconds: Math.max(1, Math.ceil(r.msBeforeNext / 1000)),
    };
  }
}
