import { Logger } from '@nestjs/common';
import { ReconcilerRegistry } from './reconcilers';

describe('ReconcilerRegistry', () => {
  beforeAll(() => Logger.overrideLogger(false));

  it('runs every reconciler even when one fails, and marks the failed one with -1', async () => {
    const registry = new ReconcilerRegistry();
    const ran: string[] = [];
    registry.register({ name: 'a', reconcile: () => (ran.push('a'), Promise.resolve(2)) });
    registry.register({
      name: 'b',
      reconcile: () => (ran.push('b'), Promise.reject(new Error('redis down'))),
    });
    registry.register({ name: 'c', reconcile: () => (ran.push('c'), Promise.resolve(0)) });
    await expect(registry.runAll()).resolves.toEqual({ a: 2, b: -1, c: 0 });
    expect(ran).toEqual(['a', 'b', 'c']);
  });

  it('refuses two reconcilers with the same name', () => {
    const registry = new ReconcilerRegistry();
    registry.register({ name: 'a', reconcile: () => Promise.resolve(0) });
    expect(() => registry.register({ name: 'a', reconcile: () => Promise.resolve(0) })).toThrow('twice');
  });
});
