import { loadConfig } from '../config/config';
import { AuthFailureLimiter } from './auth-failure-limiter';

describe('AuthFailureLimiter', () => {
  const make = (limit: string) => {
    const l = new AuthFailureLimiter(
      loadConfig({ AUTH_FAILURE_LIMIT: limit, AUTH_FAILURE_WINDOW_SECONDS: '60' }),
    );
    let t = 1_000_000;
    l.now = () => t;
    return { l, advance: (ms: number) => (t += ms) };
  };

  it('refuses an IP once it used up its failures, until the window ends; other IPs are unaffected', () => {
    const { l, advance } = make('3');
    l.assertAllowed('1.1.1.1');
    expect(l.recordFailure('1.1.1.1')).toEqual({ limit: 3, remaining: 2, resetSeconds: 60 });
    l.recordFailure('1.1.1.1');
    l.recordFailure('1.1.1.1');
    expect(() => l.assertAllowed('1.1.1.1')).toThrow(expect.objectContaining({ code: 'rate_limited' }));
    l.assertAllowed('2.2.2.2');
    advance(30_000);
    try {
      l.assertAllowed('1.1.1.1');
      throw new Error('not limited');
    } catch (e) {
      expect((e as { details: { retryAfterSeconds: number } }).details.retryAfterSeconds).toBe(30);
    }
    advance(30_000);
    l.assertAllowed('1.1.1.1');
    expect(l.recordFailure('1.1.1.1')?.remaining).toBe(2);
  });

  it('0 turns it off', () => {
    const { l } = make('0');
    for (let i = 0; i < 100; i++) expect(l.recordFailure('1.1.1.1')).toBeUndefined();
    l.assertAllowed('1.1.1.1');
  });

  it('headers follow the RateLimit draft', () => {
    const { l } = make('5');
    const s = l.recordFailure('x');
    expect(s && l.headersOf(s)).toEqual({
      'RateLimit-Policy': '5;w=60',
      'RateLimit-Limit': '5',
      'RateLimit-Remaining': '4',
      'RateLimit-Reset': '60',
    });
  });
});
