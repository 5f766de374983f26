import { createServer, request as httpRequest, Server } from 'node:http';
import { AddressInfo, createServer as netServer } from 'node:net';
import { sign } from 'jsonwebtoken';
import { Client } from 'pg';
import { DEV_JWT_SECRET } from '@kefu/platform';
import {
  ApiProcess,
  TestDatabase,
  WorkerProcess,
  createTestDatabase,
  spawnApi,
  spawnWorker,
  testConfig,
} from '@kefu/test-fixtures';

async function freePort(): Promise<number> {
  const srv = netServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as AddressInfo;
  await new Promise((r) => srv.close(r));
  return port;
}

const until = async (ok: () => boolean | Promise<boolean>, ms = 30_000, what = 'condition') => {
  const deadline = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

// SIGTERM while work is in flight, as an orchestrator stops a container: the API finishes the
// request it is reading, the worker finishes the webhook delivery it is making; nothing is lost.
describe('graceful shutdown (API and worker processes, SIGTERM)', () => {
  let db: TestDatabase;
  let api: ApiProcess;
  let worker: WorkerProcess;
  let receiver: Server;
  const received: string[] = [];
  let releaseDelivery: () => void = () => undefined;
  const held = new Promise<void>((r) => (releaseDelivery = r));
  let pg: Client;

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        received.push(body);
        // The delivery stays in flight until the test has sent SIGTERM.
        void held.then(() => res.writeHead(200).end('ok'));
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    db = await createTestDatabase();
    const config = testConfig(db);
    api = spawnApi(config, await freePort(), { SHUTDOWN_GRACE_SECONDS: '20' });
    worker = spawnWorker(config, { SHUTDOWN_GRACE_SECONDS: '20' });
    pg = new Client({ connectionString: db.url });
    await pg.connect();
    await api.ready();
  }, 90_000);
  afterAll(async () => {
    await Promise.all([api?.kill('SIGKILL'), worker?.kill('SIGKILL')]);
    await pg?.end();
    await db?.drop();
    await new Promise((r) => receiver?.close(r));
  });

  const post = async (path: string, auth: Record<string, string>, body: unknown) => {
    const r = await fetch(`${api.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...auth },
      body: JSON.stringify(body),
    });
    return { status: r.status, body: (await r.json()) as Record<string, unknown> };
  };

  it('the worker finishes its active job before exiting', async () => {
    const admin = {
      authorization: `Bearer ${sign({ sub: 'ops', role: 'admin' }, DEV_JWT_SECRET, { expiresIn: 600 })}`,
    };
    const created = await post('/graphql', admin, {
      query: 'mutation { createApiKey(input: { channel: WEB, name: "p" }) { secret } }',
    });
    const key = {
      'x-api-key': (created.body.data as { createApiKey: { secret: string } }).createApiKey.secret,
    };
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    expect((await post('/v1/webhooks', key, { url, events: ['ticket.created'] })).status).toBe(201);
    const ticket = {
      subject: 'Shutdown',
      description: 'In flight',
      category: 'other',
      customer: { id: 'c-1' },
    };
    expect((await post('/v1/tickets', key, ticket)).status).toBe(201);

    await until(() => received.length === 1, 45_000, 'the delivery to start');
    const exited = worker.kill('SIGTERM'); // the delivery job is active right now
    await new Promise((r) => setTimeout(r, 500));
    expect(worker.child.exitCode).toBeNull(); // still draining
    releaseDelivery();
    await exited;
    const rows = await pg.query<{ status: string; attempts: number }>(
      `SELECT status, attempts FROM webhook_deliveries`,
    );
    expect(rows.rows).toEqual([{ status: 'succeeded', attempts: 1 }]);
    expect(worker.output()).not.toMatch(/still draining/);
  }, 90_000);

  it('the API answers the request it is reading, then exits', async () => {
    const key = (await pg.query<{ id: string }>(`SELECT id FROM api_keys LIMIT 1`)).rows.length;
    expect(key).toBe(1);
    const token = sign({ sub: 'u-1', role: 'customer', customerId: 'c-2' }, DEV_JWT_SECRET, {
      expiresIn: 600,
    });
    const body = JSON.stringify({
      subject: 'Slow',
      description: 'Body in two parts',
      category: 'other',
      customer: { id: 'c-2' },
    });
    const { port } = new URL(api.url);
    const response = new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = httpRequest(
        {
          host: '127.0.0.1',
          port,
          path: '/v1/tickets',
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
            authorization: `Bearer ${token}`,
          },
        },
        (res) => {
          let text = '';
          res.on('data', (c: Buffer) => (text += c.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        },
      );
      req.on('error', reject);
      req.write(body.slice(0, 20)); // the request is in flight…
      setTimeout(() => {
        void api.kill('SIGTERM'); // …when the API is told to stop…
        setTimeout(() => req.end(body.slice(20)), 700); // …and the rest of the body arrives later
      }, 300);
    });
    const r = await response;
    expect(r.status).toBe(201);
    const id = (JSON.parse(r.text) as { id: string }).id;
    await api.exited;
    expect((await pg.query(`SELECT 1 FROM ticket_view WHERE id = $1`, [id])).rowCount).toBe(1);
    expect(api.output()).not.toMatch(/still draining/);
  }, 60_000);
});
