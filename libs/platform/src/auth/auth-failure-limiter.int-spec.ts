import { randomBytes } from 'node:crypto';
import { loadConfig } from '../config/config';
import { RedisService } from '../redis/redis.service';
import { AuthFailureLimiter } from './auth-failure-limiter';

// Two limiters on one Redis stand for two API replicas: they share one count per IP.
describe('AuthFailureLimiter (real Redis)', () => {
  const prefix = `kt-limiter-${randomBytes(4).toString('hex')}`;
  const config = (limit: string, window = '60') =>
    loadConfig({
      QUEUE_PREFIX: prefix,
      REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
      AUTH_FAILURE_LIMIT: limit,
      AUTH_FAILURE_WINDOW_SECONDS: window,
    });
  const redises: RedisService[] = [];
  const limiter = async (limit: string, window?: string) => {
    const c = config(limit, window);
    const r = new RedisService(c);
    redises.push(r);
    expect(await r.ping()).toBe(true); // connected, as in a booted app
    return new AuthFailureLimiter(c, r);
  };
  afterAll(async () => {
    const keys = await redises[0].client.keys(`${prefix}:*`);
    if (keys.length) await redises[0].client.del(...keys);
    await Promise.all(redises.map((r) => r.onApplicationShutdown()));
  });

  it('shares the count between replicas: the limit does not multiply', async () => {
    const a = await limiter('3');
    const b = await limiter('3');
    await a.assertAllowed('1.1.1.1');
    expect(await a.recordFailure('1.1.1.1')).toEqual({ limit: 3, remaining: 2, resetSeconds: 60 });
    expect(await b.recordFailure('1.1.1.1')).toMatchObject({ remaining: 1 });
    expect(await a.recordFailure('1.1.1.1')).toMatchObject({ remaining: 0 });
    for (const l of [a, b]) {
      await expect(l.assertAllowed('1.1.1.1')).rejects.toMatchObject({
        code: 'rate_limited',
        details: { retryAfterSeconds: expect.any(Number) as number },
      });
    }
    // Failures beyond the limit keep answering with a state, and other IPs are unaffected.
    expect(await b.recordFailure('1.1.1.1')).toMatchObject({ remaining: 0 });
    await b.assertAllowed('2.2.2.2');
    expect(await b.state('2.2.2.2')).toBeUndefined();
  });

  it('forgets failures when the window ends', async () => {
    const l = await limiter('1', '1');
    await l.recordFailure('3.3.3.3');
    await expect(l.assertAllowed('3.3.3.3')).rejects.toMatchObject({ code: 'rate_limited' });
    await new Promise((r) => setTimeout(r, 1100));
    await l.assertAllowed('3.3.3.3');
  });

  it('does nothing when the limit is 0', async () => {
    const l = await limiter('0');
    expect(l.enabled).toBe(false);
    for (let i = 0; i < 5; i++) expect(await l.recordFailure('4.4.4.4')).toBeUndefined();
    await l.assertAllowed('4.4.4.4');
  });

  it('falls back to counting in memory while Redis is unreachable', async () => {
    const c = config('2', '1').with({ redisUrl: 'redis://127.0.0.1:1' });
    const r = new RedisService(c);
    try {
      const l = new AuthFailureLimiter(c, r);
      await l.recordFailure('5.5.5.5');
      await l.recordFailure('5.5.5.5');
      await expect(l.assertAllowed('5.5.5.5')).rejects.toMatchObject({ code: 'rate_limited' });
    } finally {
      r.client.disconnect(false);
    }
  });

  it('sends the RateLimit headers of a state', async () => {
    expect((await limiter('5')).headersOf({ limit: 5, remaining: 2, resetSeconds: 7 })).toEqual({
      'RateLimit-Policy': '5;w=60',
      'RateLimit-Limit': '5',
      'RateLimit-Remaining': '2',
      'RateLimit-Reset': '7',
    });
  });
});
