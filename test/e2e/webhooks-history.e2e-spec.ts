import { INestApplicationContext } from '@nestjs/common';
import request from 'supertest';
import { ApiKeyService } from '@kefu/platform';
import { WebhookReceiver, createTestDatabase } from '@kefu/test-fixtures';
import { createWorker } from '../../apps/worker/src/bootstrap';
import { ApiTestApp, startApiApp } from './support/api-app';

describe('a new webhook endpoint gets no history (e2e)', () => {
  let api: ApiTestApp;
  let worker: INestApplicationContext | undefined;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    const db = await createTestDatabase();
    api = await startApiApp({ db });
    receiver = await WebhookReceiver.start(() => 200);
  });
  afterAll(async () => {
    await worker?.close();
    await receiver?.close();
    await api?.close();
  });

  it('delivers only events recorded after the endpoint was registered, even when the fan-out runs late', async () => {
    const key = (await api.app.get(ApiKeyService).create('phone', 'call-centre')).secret;
    const open = (subject: string) =>
      request(api.server)
        .post('/v1/tickets')
        .set('X-Api-Key', key)
        .send({ subject, description: 'd', category: 'fees', customer: { id: 'c-1' } });

    // No worker yet: the fan-out is "late" for everything below.
    expect((await open('before the endpoint')).status).toBe(201);
    const hook = await request(api.server)
      .post('/v1/webhooks')
      .set('X-Api-Key', key)
      .send({ url: receiver.url, events: ['ticket.created'] });
    expect(hook.status).toBe(201);
    const after = await open('after the endpoint');
    expect(after.status).toBe(201);

    worker = await createWorker(api.config);
    await receiver.waitFor((r) => r.ofType('ticket.created').length >= 1);
    await new Promise((r) => setTimeout(r, 1500)); // would a second (historical) one arrive?
    const got = receiver
      .ofType('ticket.created')
      .map((r) => (r.json.data as { ticket: { id: string } }).ticket.id);
    expect(got).toEqual([after.body.id]);
  });
});
