import { ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { ApiKeyService, JwtService } from '@kefu/platform';
import {
  TS_REGISTER,
  createTestDatabase,
  openDataSource,
  testConfig,
  TestDatabase,
} from '@kefu/test-fixtures';

// Logs never contain personal data or secrets: a full recovery flow against the real API process,
// logging at `trace`, and a grep of everything it wrote for what the customer submitted.
const NAME = 'Ouyang Mingyue';
const DOC = 'E55667788';
const EMAIL = 'ouyang.my@example.org';
const PHONE = '+86 137 2468 1357';

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

describe('account recovery logs (e2e, spawned API at LOG_LEVEL=trace)', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let child: ChildProcess;
  let output = '';
  let base = '';

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = await openDataSource(db);
    const config = testConfig(db);
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    child = spawn(
      process.execPath,
      ['-r', TS_REGISTER, join(__dirname, '..', '..', 'apps', 'api', 'src', 'main.ts')],
      {
        cwd: join(__dirname, '..', '..'),
        env: {
          PATH: process.env.PATH ?? '',
          TZ: 'UTC',
          NODE_ENV: 'test',
          DATABASE_URL: config.databaseUrl,
          REDIS_URL: config.redisUrl,
          QUEUE_PREFIX: config.queuePrefix,
          PORT: String(port),
          LOG_LEVEL: 'trace',
          DB_POOL_SIZE: '5',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
    const deadline = Date.now() + 90_000;
    for (;;) {
      const up = await fetch(`${base}/health/live`).then(
        (r) => r.ok,
        () => false,
      );
      if (up) break;
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`API did not start:\n${output}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }, 120_000);

  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    await ds?.destroy();
    await db?.drop();
  });

  it('a full recovery flow (with refusals) leaves no name, document number, contact detail or credential in the logs', async () => {
    const apiKey = (await new ApiKeyService(ds).create('phone', 'call-centre')).secret;
    const jwt = new JwtService(testConfig(db));
    const senior = `Bearer ${jwt.sign({ sub: 'senior-9', role: 'senior_agent', name: 'Sam' })}`;
    const admin = `Bearer ${jwt.sign({ sub: 'admin-9', role: 'admin' })}`;
    const rest = async (path: string, body: object, headers: Record<string, string> = {}) => {
      const r = await fetch(`${base}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': apiKey, ...headers },
        body: JSON.stringify(body),
      });
      return { status: r.status, body: (await r.json()) as Record<string, unknown> };
    };
    const gql = async (authz: string, query: string, variables: object) => {
      const r = await fetch(`${base}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: authz },
        body: JSON.stringify({ query, variables }),
      });
      return (await r.json()) as { data?: Record<string, unknown>; errors?: unknown[] };
    };
    const customer = { id: 'acc-logs', name: NAME, email: EMAIL, phone: PHONE };
    const verification = {
      fullName: NAME,
      documentType: 'passport',
      documentNumber: DOC,
      email: EMAIL,
      phone: PHONE,
    };

    const opened = await rest(
      '/v1/account-recovery',
      { kind: 'stolen', customer, description: 'stolen phone' },
      { 'idempotency-key': 'logs-1' },
    );
    expect(opened.status).toBe(201);
    const id = opened.body.id as string;
    // Refusals log too: a validation error carrying the data, a bad document number, a wrong state.
    expect(
      (
        await rest('/v1/account-recovery', {
          kind: 'stolen',
          customer: { ...customer, email: 'bad' },
          description: 'x',
        })
      ).status,
    ).toBe(400);
    expect(
      (await rest(`/v1/account-recovery/${id}/verification`, { ...verification, documentNumber: `${DOC}!!` }))
        .status,
    ).toBe(400);
    const review = `mutation($i: ReviewIdentityVerificationInput!) { reviewIdentityVerification(input: $i) { status } }`;
    for (let i = 0; i < 3; i++) {
      expect((await rest(`/v1/account-recovery/${id}/verification`, verification)).status).toBe(202);
      expect(
        (await gql(senior, review, { i: { caseId: id, approved: false, reason: `not ${NAME}` } })).errors,
      ).toBeUndefined();
    }
    expect((await rest(`/v1/account-recovery/${id}/verification`, verification)).status).toBe(429);
    const submitGql = `mutation($i: SubmitIdentityVerificationInput!) { submitIdentityVerification(input: $i) { status } }`;
    expect((await gql(senior, submitGql, { i: { caseId: id, ...verification } })).errors).toBeDefined();
    expect(
      (await gql(admin, `mutation($c: ID!) { forgetCustomer(customerId: $c) }`, { c: 'acc-logs' })).data,
    ).toEqual({ forgetCustomer: true });

    await new Promise((r) => setTimeout(r, 300)); // let the last access lines flush
    expect(output).toContain('request completed'); // the logs were captured at all
    expect(output).toContain(`/v1/account-recovery/${id}/verification`);
    for (const secret of [
      NAME,
      'Ouyang',
      DOC,
      '55667788',
      EMAIL,
      PHONE,
      '2468 1357',
      apiKey,
      senior.slice(7),
    ])
      expect({ secret, found: output.includes(secret) }).toEqual({ secret, found: false });
  }, 60_000);
});
