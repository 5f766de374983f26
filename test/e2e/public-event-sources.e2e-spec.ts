import { INestApplicationContext, Injectable, Module, OnModuleInit } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import {
  ApiKeyService,
  EventStore,
  LOG_START,
  PublicEventSource,
  PublicEventSources,
  encodeCursor,
  inTransaction,
  linkStreamToTicket,
} from '@kefu/platform';
import { createTestDatabase, TestDatabase, testConfig, WebhookReceiver } from '@kefu/test-fixtures';
import { TicketsService } from '@kefu/tickets';
import { createWorker } from '../../apps/worker/src/bootstrap';
import { ApiTestApp, startApiApp } from './support/api-app';

// The registry that lets disputes, refunds, recovery cases and surveys publish events without the
// webhooks knowing them: a made-up `widget` stream stands in for such a module here.

const widgetSource: PublicEventSource = {
  streamType: 'widget',
  publicTypes: { WidgetOpened: 'dispute.opened', WidgetApproved: 'refund.approved' },
  toPublic: (e, ticket) => {
    const d = e.data as { amount?: number; secretNote?: string };
    if (e.type === 'WidgetOpened')
      return { ticket: { id: ticket.id, number: ticket.number }, widgetId: e.streamId };
    return { ticket: { id: ticket.id, number: ticket.number }, widgetId: e.streamId, amount: d.amount };
  },
};

@Injectable()
class WidgetSourceRegistration implements OnModuleInit {
  constructor(private readonly sources: PublicEventSources) {}
  onModuleInit(): void {
    this.sources.register(widgetSource);
  }
}

@Module({ providers: [WidgetSourceRegistration] })
class WidgetModule {}

interface FeedItem {
  id: string;
  type: string;
  data: Record<string, unknown>;
}

describe('public events of module streams (e2e: feed + webhooks through PublicEventSources)', () => {
  jest.setTimeout(60_000);
  let db: TestDatabase;
  let t: ApiTestApp;
  let worker: INestApplicationContext;
  let ds: DataSource;
  let tickets: TicketsService;
  const keys: Record<'phone' | 'chat' | 'payments', string> = { phone: '', chat: '', payments: '' };
  const receivers: WebhookReceiver[] = [];

  const feedUntil = async (key: string, count: number): Promise<FeedItem[]> => {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const items: FeedItem[] = [];
      let cursor = encodeCursor(LOG_START);
      for (;;) {
        const res = await request(t.server).get('/v1/events').query({ after: cursor }).set('X-Api-Key', key);
        expect(res.status).toBe(200);
        items.push(...(res.body.data as FeedItem[]));
        if (res.body.data.length === 0) break;
        cursor = res.body.nextCursor as string;
      }
      if (items.length >= count || Date.now() > deadline) return items;
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  /** A widget on `ticketId`: opened (linked to the ticket in the same transaction), then approved. */
  const widget = async (ticketId: string, link = true) => {
    const id = `widget-${randomUUID()}`;
    await inTransaction(ds, async (tx) => {
      await t.app.get(EventStore).append(tx, {
        streamId: id,
        streamType: 'widget',
        expectedVersion: 'no_stream',
        events: [
          { type: 'WidgetOpened', data: { at: new Date().toISOString() } },
          { type: 'WidgetNoted', data: { secretNote: 'never public' } },
          { type: 'WidgetApproved', data: { amount: 1200, secretNote: 'never public' } },
        ],
      });
      if (link) await linkStreamToTicket(tx, id, ticketId);
    });
    return id;
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    t = await startApiApp({ db, imports: [WidgetModule] });
    worker = await createWorker(testConfig(db), [WidgetModule]);
    ds = t.app.get(DataSource);
    tickets = t.app.get(TicketsService);
    const apiKeys = t.app.get(ApiKeyService);
    keys.phone = (await apiKeys.create('phone', 'call-centre')).secret;
    keys.chat = (await apiKeys.create('chat', 'chat-vendor')).secret;
    keys.payments = (await apiKeys.create('partner', 'payments-core', 'admin', ['payments_core'])).secret;
  });
  afterAll(async () => {
    for (const r of receivers) await r.close();
    await worker?.close();
    await t?.close();
    await db?.drop();
  });

  it("routes a module stream's public events to its ticket's partner and the scoped partner, nobody else", async () => {
    const hooks = {
      phone: await WebhookReceiver.start(),
      chat: await WebhookReceiver.start(),
      payments: await WebhookReceiver.start(),
    };
    receivers.push(...Object.values(hooks));
    for (const [who, r] of Object.entries(hooks)) {
      const res = await request(t.server)
        .post('/v1/webhooks')
        .set('X-Api-Key', keys[who as keyof typeof keys])
        .send({ url: r.url, events: ['dispute.opened', 'refund.approved'] });
      expect(res.status).toBe(201);
    }
    const phoneKey = (await t.app.get(ApiKeyService).list()).find((k) => k.partner === 'call-centre')!;
    const { result: phoneTicket } = await tickets.open(
      {
        kind: 'partner',
        apiKeyId: phoneKey.id,
        channel: 'phone',
        name: 'call-centre',
        partner: 'call-centre',
      },
      { subject: 'Refund please', description: 'x', category: 'refund', customer: { id: 'acc-1' } },
    );
    // A ticket nobody's partner brought in (an agent opened it): only the scoped partner hears of it.
    const { result: staffTicket } = await tickets.open(
      { kind: 'user', sub: 'agent-1', role: 'agent', name: 'Ana' },
      { subject: 'Refund please', description: 'y', category: 'refund', customer: { id: 'acc-2' } },
    );
    const w1 = await widget(phoneTicket.id);
    const w2 = await widget(staffTicket.id);

    const phoneFeed = await feedUntil(keys.phone, 3);
    expect(phoneFeed.map((i) => [i.type, i.data.widgetId ?? null])).toEqual([
      ['ticket.created', null],
      ['dispute.opened', w1],
      ['refund.approved', w1],
    ]);
    expect(phoneFeed[2].data).toEqual({
      ticket: { id: phoneTicket.id, number: phoneTicket.number },
      widgetId: w1,
      amount: 1200,
    });
    expect(JSON.stringify(phoneFeed)).not.toContain('never public');
    // The scoped partner: refund.approved of every ticket, not dispute.opened (outside its scope).
    const paymentsFeed = await feedUntil(keys.payments, 2);
    expect(paymentsFeed.map((i) => [i.type, i.data.widgetId])).toEqual([
      ['refund.approved', w1],
      ['refund.approved', w2],
    ]);
    expect((await feedUntil(keys.chat, 0)).length).toBe(0);

    await hooks.phone.waitFor((r) => r.requests.length >= 2);
    await hooks.payments.waitFor((r) => r.requests.length >= 2);
    const typesOf = (r: WebhookReceiver) =>
      r.requests
        .map((q) => {
          const b = q.json;
          return `${b.type}:${String(b.data.widgetId)}`;
        })
        .sort();
    expect(typesOf(hooks.phone)).toEqual([`dispute.opened:${w1}`, `refund.approved:${w1}`].sort());
    expect(typesOf(hooks.payments)).toEqual([`refund.approved:${w1}`, `refund.approved:${w2}`].sort());
    // The chat vendor's endpoint gets nothing, however long we wait for the fan-out to pass.
    await new Promise((r) => setTimeout(r, 500));
    expect(hooks.chat.requests).toHaveLength(0);
  });

  it('a revoked scoped key takes the privilege with it', async () => {
    const apiKeys = t.app.get(ApiKeyService);
    const { apiKey, secret } = await apiKeys.create('partner', 'wallet-core', 'admin', ['wallet_core']);
    await apiKeys.revoke(apiKey.id);
    const res = await request(t.server).get('/v1/events').set('X-Api-Key', secret);
    expect(res.status).toBe(401);
  });

  it('refuses two sources for one stream type and one event type mapped twice', () => {
    const sources = t.app.get(PublicEventSources);
    expect(() => sources.register({ ...widgetSource })).toThrow(/already registered/);
    expect(() => sources.register({ ...widgetSource, streamType: 'gadget' })).toThrow(/mapped twice/);
    expect(() => sources.register(widgetSource)).not.toThrow(); // the same object again: a no-op
  });
});
