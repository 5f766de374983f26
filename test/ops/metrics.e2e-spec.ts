import { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { ApiKeyService, QueueName } from '@kefu/platform';
import { createWorker } from '../../apps/worker/src/bootstrap';
import { ApiTestApp, startApiApp } from '../e2e/support/api-app';
import { namingProblems, ownFamiliesText, parse, promtoolProblems } from './metrics-lint';

const STATES = ['waiting', 'active', 'delayed', 'prioritized', 'failed'];

// The API's and the worker's /metrics, after real work: a ticket (events, SLA timers) and a
// webhook endpoint that refuses connections (failed deliveries). Both expositions parse, follow
// the naming rules, and promtool finds nothing to say about our own families.
describe('/metrics of the API and the worker (e2e)', () => {
  let t: ApiTestApp;
  let worker: NestExpressApplication;
  let workerUrl: string;

  beforeAll(async () => {
    t = await startApiApp({ env: { WEBHOOK_BACKOFF_BASE_MS: '60000' } });
    worker = await createWorker(t.config);
    await worker.listen(0, '127.0.0.1');
    workerUrl = await worker.getUrl();
    // First response due in 1 s (a breach to count), resolution in 2 h (a timer still pending).
    const policy = await request(t.server)
      .post('/graphql')
      .set('Authorization', t.bearer({ sub: 'ops', role: 'admin' }))
      .send({
        query: 'mutation($i: UpsertSlaPolicyInput!) { upsertSlaPolicy(input: $i) { id } }',
        variables: {
          i: {
            name: 'p',
            priority: 'NORMAL',
            firstResponseSeconds: 1,
            nextResponseSeconds: 3600,
            resolutionSeconds: 7200,
          },
        },
      });
    expect(policy.body.errors).toBeUndefined();
    const key = (await t.app.get(ApiKeyService).create('web', 'metrics-partner')).secret;
    const hook = await request(t.server)
      .post('/v1/webhooks')
      .set('X-Api-Key', key)
      .send({ url: 'http://127.0.0.1:9/refused', events: ['ticket.created'] });
    expect(hook.status).toBe(201);
    const ticket = await request(t.server)
      .post('/v1/tickets')
      .set('X-Api-Key', key)
      .send({ subject: 'Metrics', description: 'A ticket', category: 'other', customer: { id: 'c-m' } });
    expect(ticket.status).toBe(201);
  });
  afterAll(async () => {
    await worker?.close();
    await t?.close();
  });

  const scrape = async (url: string) => {
    const r = await fetch(`${url}/metrics`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    return r.text();
  };
  const value = (text: string, name: string, labels: Record<string, string> = {}) => {
    const f = parse(text).get(name);
    const m = f?.metrics.find((s) => Object.entries(labels).every(([k, v]) => s.labels?.[k] === v));
    return m ? Number(m.value ?? m.count) : undefined;
  };

  it('the worker reports queues, dispatcher lag, SLA timers and breaches, and webhook failures', async () => {
    let text: string;
    const deadline = Date.now() + 20_000;
    for (;;) {
      text = await scrape(workerUrl);
      const retried = value(text, 'kefu_webhook_deliveries_total', { outcome: 'retry' }) ?? 0;
      const breached = value(text, 'kefu_sla_breaches_total', { target: 'first_response' }) ?? 0;
      if (retried >= 1 && breached >= 1 && (value(text, 'kefu_sla_timers_pending') ?? 0) >= 1) break;
      if (Date.now() > deadline) throw new Error(`worker metrics never showed the work:\n${text}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const families = parse(text);
    for (const queue of Object.values(QueueName)) {
      for (const state of STATES)
        expect(value(text, 'kefu_queue_jobs', { queue, state })).toBeGreaterThanOrEqual(0);
    }
    expect(value(text, 'kefu_queue_jobs', { queue: 'sla-timers', state: 'delayed' })).toBeGreaterThanOrEqual(
      1,
    );
    expect(families.get('kefu_dispatcher_lag_seconds')?.type).toBe('HISTOGRAM');
    expect(value(text, 'kefu_dispatcher_lag_seconds')).toBeGreaterThanOrEqual(1); // its _count
    expect(value(text, 'kefu_consumer_lag_seconds', { consumer: 'job-dispatcher' })).toBeGreaterThanOrEqual(
      0,
    );
    expect(value(text, 'kefu_sla_breaches_total', { target: 'resolution' })).toBe(0);
    // The breach is an event the worker appended.
    expect(value(text, 'kefu_events_appended_total', { type: 'SlaTargetBreached' })).toBeGreaterThanOrEqual(
      1,
    );
    expect(namingProblems(families)).toEqual([]);
    expect(promtoolProblems(ownFamiliesText(text))).toEqual([]);
  });

  it('the API reports request durations and the events it appended, by type', async () => {
    const text = await scrape(`http://127.0.0.1:${(t.server.address() as { port: number }).port}`);
    const families = parse(text);
    expect(families.get('http_request_duration_seconds')?.type).toBe('HISTOGRAM');
    expect(value(text, 'kefu_events_appended_total', { type: 'TicketOpened' })).toBeGreaterThanOrEqual(1);
    expect(value(text, 'kefu_webhook_deliveries_total', { outcome: 'succeeded' })).toBe(0);
    expect(namingProblems(families)).toEqual([]);
    expect(promtoolProblems(ownFamiliesText(text))).toEqual([]);
  });

  it('the worker answers its health checks on the same port', async () => {
    expect((await fetch(`${workerUrl}/health/live`)).status).toBe(200);
    const ready = await fetch(`${workerUrl}/health/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ok', checks: { postgres: 'up', redis: 'up' } });
  });
});
