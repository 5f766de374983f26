import { ChildProcess, spawn } from 'node:child_process';
import { connect, createServer } from 'node:net';
import { Redis } from 'ioredis';
import request from 'supertest';
import { ApiTestApp, startApiApp } from './support/api-app';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

async function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function waitForRedis(port: number): Promise<void> {
  for (let i = 0; i < 100 && !(await portOpen(port)); i++) await new Promise((r) => setTimeout(r, 50));
  // Connect only once the port is open: ioredis leaves a 2 s timer behind after a failed connect.
  const probe = new Redis(port, '127.0.0.1', { maxRetriesPerRequest: 0, retryStrategy: () => null });
  try {
    expect(await probe.ping()).toBe('PONG');
  } finally {
    await probe.quit();
  }
}

/** Readiness with this suite's own throwaway Redis, which it kills (the shared one stays up). */
describe('GET /health/ready when Redis is down (e2e)', () => {
  let redis: ChildProcess | undefined;
  let t: ApiTestApp;

  beforeAll(async () => {
    const port = await freePort();
    redis = spawn(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--daemonize',
        'no',
      ],
      {
        stdio: 'ignore',
      },
    );
    await waitForRedis(port);
    t = await startApiApp({ env: { REDIS_URL: `redis://127.0.0.1:${port}` } });
  });

  afterAll(async () => {
    if (redis && redis.exitCode === null) redis.kill('SIGKILL');
    await t?.close();
  });

  it('answers 200 while Redis is up and 503 with redis down once it is gone', async () => {
    await request(t.server)
      .get('/health/ready')
      .expect(200, { status: 'ok', checks: { postgres: 'up', redis: 'up' } });

    const exited = new Promise((r) => redis?.once('exit', r));
    redis?.kill('SIGTERM');
    await exited;

    const started = Date.now();
    const r = await request(t.server).get('/health/ready').expect(503);
    expect(r.body).toEqual({ status: 'error', checks: { postgres: 'up', redis: 'down' } });
    expect(Date.now() - started).toBeLessThan(2500); // each check is bounded by its 1 s timeout
    await request(t.server).get('/health/live').expect(200, { status: 'ok' });
  });
});
