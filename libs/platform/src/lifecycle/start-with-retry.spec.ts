import { isTransientStartError, startWithRetry } from './start-with-retry';

const err = (props: Record<string, unknown>, message = 'boom') => Object.assign(new Error(message), props);

describe('isTransientStartError', () => {
  it.each([
    ['a refused socket', err({ code: 'ECONNREFUSED' })],
    ['Postgres shutting down a session (57P01)', err({ code: '57P01' })],
    ['Postgres starting up (57P03)', err({ code: '57P03' })],
    ['a connection exception class 08', err({ code: '08006' })],
    ['a TypeORM QueryFailedError around a cut connection', err({ driverError: err({ code: '57P01' }) })],
    ['a cause chain', err({ cause: err({ code: 'ECONNRESET' }) })],
    ['node-pg losing its socket', err({}, 'Connection terminated unexpectedly')],
    [
      'a node-pg client used after Postgres cut it',
      err({}, 'Client has encountered a connection error and is not queryable'),
    ],
    ['ioredis giving up on a command', err({ name: 'MaxRetriesPerRequestError' })],
  ])('%s is worth another try', (_, e) => expect(isTransientStartError(e)).toBe(true));

  it.each([
    ['a missing relation (42P01: run the migrations)', err({ code: '42P01' })],
    ['a bug', new TypeError('x is not a function')],
    ['a password refused (28P01)', err({ code: '28P01' })],
    ['not an error', 'nope'],
    ['nothing', undefined],
  ])('%s is not', (_, e) => expect(isTransientStartError(e)).toBe(false));
});

describe('startWithRetry', () => {
  it('tries again after a transient failure and reports each retry', async () => {
    const lines: string[] = [];
    let calls = 0;
    const value = await startWithRetry(
      'kefu-x',
      async () => {
        calls++;
        if (calls < 3) throw err({ code: 'ECONNREFUSED' }, 'connect ECONNREFUSED');
        return 'up';
      },
      { delayMs: 1, report: (l) => lines.push(l) },
    );
    expect({ value, calls }).toEqual({ value: 'up', calls: 3 });
    expect(lines).toEqual([
      'kefu-x: start attempt 1 of 30 failed on a dependency (connect ECONNREFUSED); retrying in 1 ms',
      'kefu-x: start attempt 2 of 30 failed on a dependency (connect ECONNREFUSED); retrying in 1 ms',
    ]);
  });

  it('fails at once on anything else, and after the last attempt', async () => {
    let calls = 0;
    const bug = new TypeError('bug');
    await expect(startWithRetry('x', () => (calls++, Promise.reject(bug)), { delayMs: 1 })).rejects.toBe(bug);
    expect(calls).toBe(1);
    calls = 0;
    const away = err({ code: '57P03' });
    await expect(
      startWithRetry('x', () => (calls++, Promise.reject(away)), {
        attempts: 3,
        delayMs: 1,
        report: () => undefined,
      }),
    ).rejects.toBe(away);
    expect(calls).toBe(3);
  });
});
