import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/config';
import { DomainError } from '../errors/domain-error';

export interface RateLimitState {
  limit: number;
  remaining: number;
  /** Seconds until the window resets. */
  resetSeconds: number;
}

/**
 * Counts authentication failures (401s) per client IP in a fixed window; once an IP reaches the
 * limit, every request of it that needs authentication is refused with `rate_limited` until the
 * window ends (credential guessing gets nowhere). In memory, per API process: N instances behind a
 * load balancer allow N × the limit, which still makes brute force hopeless. 0 turns it off.
 */
@Injectable()
export class AuthFailureLimiter {
  private readonly windows = new Map<string, { count: number; resetAt: number }>();
  private readonly limit: number;
  private readonly windowMs: number;

  /** Replaceable in unit tests. */
  now: () => number = Date.now;

  constructor(config: AppConfig) {
    this.limit = config.authFailureLimit;
    this.windowMs = config.authFailureWindowSeconds * 1000;
  }

  get enabled(): boolean {
    return this.limit > 0;
  }

  /** Throws rate_limited when this IP has used up its failures. */
  assertAllowed(ip: string): void {
    const s = this.state(ip);
    if (s && s.remaining <= 0) {
      throw new DomainError('rate_limited', 'Too many failed authentication attempts; retry later.', {
        retryAfterSeconds: s.resetSeconds,
        rateLimit: s,
      });
    }
  }

  /** Counts one failure; returns the state to report in RateLimit headers. */
  recordFailure(ip: string): RateLimitState | undefined {
    if (!this.enabled) return undefined;
    const t = this.now();
    let w = this.windows.get(ip);
    if (!w || w.resetAt <= t) {
      if (this.windows.size > 100_000) this.sweep(t); // bounded memory under an address-spraying attack
      w = { count: 0, resetAt: t + this.windowMs };
      this.windows.set(ip, w);
    }
    w.count++;
    return this.state(ip);
  }

  state(ip: string): RateLimitState | undefined {
    if (!this.enabled) return undefined;
    const t = this.now();
    const w = this.windows.get(ip);
    if (!w || w.resetAt <= t) return undefined;
    return {
      limit: this.limit,
      remaining: Math.max(0, this.limit - w.count),
      resetSeconds: Math.max(1, Math.ceil((w.resetAt - t) / 1000)),
    };
  }

  /** The RateLimit headers (IETF draft-ietf-httpapi-ratelimit-headers) for a state. */
  headersOf(s: RateLimitState): Record<string, string> {
    return {
      'RateLimit-Policy': `${this.limit};w=${this.windowMs / 1000}`,
      'RateLimit-Limit': String(s.limit),
      'RateLimit-Remaining': String(s.remaining),
      'RateLimit-Reset': String(s.resetSeconds),
    };
  }

  private sweep(t: number): void {
    for (const [ip, w] of this.windows) if (w.resetAt <= t) this.windows.delete(ip);
  }
}
