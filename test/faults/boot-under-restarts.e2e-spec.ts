import { DataSource } from 'typeorm';
import { loadConfig, typeOrmOptions } from '@kefu/platform';
import { MIGRATIONS } from '@kefu/migrations';
import { ApiProcess, WorkerProcess, spawnApi, spawnWorker } from '@kefu/test-fixtures';
import { OwnPostgres, OwnRedis, freePort, ownPostgresUnavailable } from './support/services';

// The real API and worker processes start while Postgres restarts again and again under them: their
// init hooks (checkpoints, routes, settings) meet cut connections. Each must come up on its own,
// retrying the start (startWithRetry), instead of exiting and waiting for an orchestrator. The
// fault suite once lost its worker this way: respawned after kill -9, it was still booting under
// CI load when the suite restarted Postgres.

const PG_UNAVAILABLE = ownPostgresUnavailable();
const MAX_RESTARTS = 30;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const alive = (p: WorkerProcess) => p.child.exitCode === null && p.child.signalCode === null;

(PG_UNAVAILABLE ? describe.skip : describe)('boot while Postgres restarts (real processes)', () => {
  jest.setTimeout(180_000);

  let pg: OwnPostgres;
  let redis: OwnRedis;
  let api: ApiProcess | undefined;
  let worker: WorkerProcess | undefined;
  let databaseUrl: string;
  let port: number;

  beforeAll(async () => {
    pg = await OwnPostgres.withDatabase('kefu');
    databaseUrl = pg.url('kefu');
    redis = await OwnRedis.start();
    const migrate = new DataSource(
      typeOrmOptions(loadConfig({ NODE_ENV: 'test', DATABASE_URL: databaseUrl, REDIS_URL: redis.url }), {
        migrations: MIGRATIONS,
      }),
    );
    await migrate.initialize();
    await migrate.runMigrations({ transaction: 'each' });
    await migrate.destroy();
    port = await freePort();
  }, 120_000);

  afterAll(async () => {
    await api?.kill('SIGKILL');
    await worker?.kill('SIGKILL');
    await redis?.stop();
    pg?.stop();
  }, 60_000);

  it('the worker and the API come up, each once, while Postgres keeps restarting', async () => {
    const config = loadConfig({
      NODE_ENV: 'test',
      DATABASE_URL: databaseUrl,
      REDIS_URL: redis.url,
      QUEUE_PREFIX: 'kf',
    });
    const env = { LOG_LEVEL: 'info', RECONCILE_INTERVAL_SECONDS: '0' };
    worker = spawnWorker(config, env);
    api = spawnApi(config, port, env);
    const w = worker;
    const a = api;
    const workerStarted = () => w.output().includes('worker started');
    const apiStarted = () => a.output().includes('Kefu API listening');

    // Restart Postgres back to back (it is up only between two restarts) while either is still
    // starting and neither has died.
    let restarts = 0;
    while ((!workerStarted() || !apiStarted()) && alive(w) && alive(a) && restarts < MAX_RESTARTS) {
      pg.restart();
      restarts++;
      await sleep(0);
    }
    const retried = {
      worker: (w.output().match(/kefu-worker: start attempt/g) ?? []).length,
      api: (a.output().match(/kefu-api: start attempt/g) ?? []).length,
    };
    process.stdout.write(
      `Postgres restarted ${restarts} times during boot; start retries: ${JSON.stringify(retried)}\n`,
    );

    const deadline = Date.now() + 60_000;
    while ((!workerStarted() || !apiStarted()) && alive(w) && alive(a) && Date.now() < deadline)
      await sleep(200);
    const state = { worker: alive(w) && workerStarted(), api: alive(a) && apiStarted() };
    if (!state.worker) process.stdout.write(`worker output:\n${w.output().slice(-4000)}\n`);
    if (!state.api) process.stdout.write(`API output:\n${a.output().slice(-4000)}\n`);
    expect(state).toEqual({ worker: true, api: true });
    // The restarts did reach the boot: at least one of them had to start again.
    expect(restarts).toBeGreaterThan(0);

    // Both work afterwards: the API answers from Postgres and Redis, the worker's consumers run.
    await a.ready(30_000);
    const health = await fetch(`${a.url}/health/ready`);
    expect(health.status).toBe(200);
    expect(w.output()).toContain('consumers started');
  });
});
