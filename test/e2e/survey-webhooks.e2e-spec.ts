import { INestApplicationContext } from '@nestjs/common';
import request from 'supertest';
import { ApiKeyService, Principal } from '@kefu/platform';
import { SurveysService } from '@kefu/feedback';
import { createTestDatabase, TestDatabase, testConfig, WebhookReceiver } from '@kefu/test-fixtures';
import { TicketsService } from '@kefu/tickets';
import { createWorker } from '../../apps/worker/src/bootstrap';
import { ApiTestApp, startApiApp } from './support/api-app';

const ENV = { SURVEY_LINK_TEMPLATE: 'https://help.test/survey?t={token}' };
const agent: Principal = { kind: 'user', sub: 'agent-1', role: 'agent', name: 'Ana' };

// The whole loop: a partner's ticket is solved, the worker sends the survey through the partner's
// webhook, the customer answers with the token from that webhook, the partner hears the answer.
describe('survey webhooks (e2e: API + worker + an HTTP receiver)', () => {
  let db: TestDatabase;
  let t: ApiTestApp;
  let worker: INestApplicationContext;
  let receiver: WebhookReceiver;
  let key: string;
  let otherKey: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    t = await startApiApp({ db, env: ENV });
    worker = await createWorker(testConfig(db, ENV));
    key = (await t.app.get(ApiKeyService).create('phone', 'call-centre')).secret;
    otherKey = (await t.app.get(ApiKeyService).create('chat', 'chat-vendor')).secret;
    await t.app
      .get(SurveysService)
      .updateSettings({ delaySeconds: 1, reminderAfterSeconds: 2, expiresAfterSeconds: 60 });
    receiver = await WebhookReceiver.start();
  });
  afterAll(async () => {
    await receiver?.close();
    await worker?.close();
    await t?.close();
    await db?.drop();
  });

  it('sends survey.sent with token and link, survey.reminder once, survey.responded after the answer', async () => {
    const endpoint = await request(t.server)
      .post('/v1/webhooks')
      .set('X-Api-Key', key)
      .send({ url: receiver.url, events: ['survey.sent', 'survey.reminder', 'survey.responded'] });
    expect(endpoint.status).toBe(201);
    // Another partner subscribed to the same events hears nothing of this ticket.
    const other = await WebhookReceiver.start();
    try {
      await request(t.server)
        .post('/v1/webhooks')
        .set('X-Api-Key', otherKey)
        .send({ url: other.url, events: ['survey.sent', 'survey.reminder', 'survey.responded'] });
      const opened = await request(t.server)
        .post('/v1/tickets')
        .set('X-Api-Key', key)
        .send({
          subject: 'Refund missing',
          description: 'Merchant says it was sent',
          category: 'refund_not_received',
          customer: { id: 'acc-1' },
        });
      const ticketId = opened.body.id as string;
      await t.app.get(TicketsService).setStatus(agent, ticketId, { status: 'solved' });

      await receiver.waitFor((r) => r.ofType('survey.reminder').length === 1, 20_000);
      const [sent] = receiver.ofType('survey.sent');
      const token = sent.json.data.token as string;
      expect(sent.json.data).toMatchObject({
        ticketId,
        ticketNumber: opened.body.number,
        surveyId: expect.any(String),
        token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
        link: `https://help.test/survey?t=${token}`,
      });
      expect(receiver.ofType('survey.reminder')[0].body).not.toContain(token);

      const answer = await request(t.server)
        .post(`/v1/surveys/${token}/responses`)
        .send({ score: 5, comment: 'Thanks' });
      expect(answer.status).toBe(201);
      await receiver.waitFor((r) => r.ofType('survey.responded').length === 1, 20_000);
      const [responded] = receiver.ofType('survey.responded');
      expect(responded.json.data).toMatchObject({ surveyId: sent.json.data.surveyId, score: 5 });
      expect(responded.body).not.toContain('Thanks');
      // Still exactly one of each (the reminder went out once).
      await new Promise((r) => setTimeout(r, 1000));
      expect(receiver.ofType('survey.sent')).toHaveLength(1);
      expect(receiver.ofType('survey.reminder')).toHaveLength(1);
      expect(other.requests).toHaveLength(0);

      // The partner feed carries them too, in order.
      const feed = await request(t.server).get('/v1/events?limit=100').set('X-Api-Key', key);
      const types = (feed.body.data as Array<{ type: string }>)
        .map((e) => e.type)
        .filter((x) => x.startsWith('survey.'));
      expect(types).toEqual(['survey.sent', 'survey.reminder', 'survey.responded']);
    } finally {
      await other.close();
    }
  }, 45_000);
});
