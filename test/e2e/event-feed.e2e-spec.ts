import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { DataSource, QueryRunner } from 'typeorm';
import { ApiKeyService, EventStore, LOG_START, Principal, Tx, encodeCursor } from '@kefu/platform';
import { TicketsService } from '@kefu/tickets';
import { ApiTestApp, startApiApp } from './support/api-app';

const phone: Principal = {
  kind: 'partner',
  apiKeyId: 'k-phone',
  channel: 'phone',
  name: 'call-centre',
  partner: 'call-centre',
};
const chat: Principal = {
  kind: 'partner',
  apiKeyId: 'k-chat',
  channel: 'chat',
  name: 'chat-vendor',
  partner: 'chat-vendor',
};
const agent: Principal = { kind: 'user', sub: 'agent-1', role: 'agent', name: 'Ana' };
const NOTE = 'INTERNAL-ONLY-feed: do not show';

interface FeedItem {
  id: string;
  type: string;
  occurredAt: string;
  data: Record<string, unknown>;
}

describe('partner event feed GET /v1/events (e2e, real Postgres)', () => {
  // Generous: 1,000 commands on a shared 2-core machine; usually a fraction of this.
  jest.setTimeout(120_000);
  let t: ApiTestApp;
  let ds: DataSource;
  let tickets: TicketsService;
  let phoneKey: string;
  let chatKey: string;

  const feed = (key: string, query: Record<string, string | number> = {}) =>
    request(t.server).get('/v1/events').query(query).set('X-Api-Key', key);
  const open = (p: Principal, n = 0) =>
    tickets.open(p, {
      subject: `Payment failed ${n}`,
      description: 'Merchant declined the wallet',
      category: 'payment_failed',
      customer: { id: `acc-${n}`, name: 'Li Wei', email: 'li.wei@example.com' },
    });
  /** The channel's public events as the log holds them, in commit-safe order: what the feed must return. */
  const groundTruth = async (channel: string) =>
    (
      (await ds.query(
        `SELECT e.event_id FROM es_events e JOIN ticket_view t ON t.id = e.stream_id
          WHERE t.opened_by_kind = 'partner' AND t.opened_by_id = $1
            AND e.event_type IN ('TicketOpened', 'PublicReplyAdded', 'TicketStatusChanged', 'TicketAssigned', 'TicketEscalated')
          ORDER BY e.transaction_id, e.global_position`,
        [channel],
      )) as Array<{ event_id: string }>
    ).map((r) => r.event_id);

  /** Pages through the feed from `cursor` until an empty page; returns what it saw and where it stopped. */
  async function readAll(
    key: string,
    cursor: string | undefined,
    limits = [100],
  ): Promise<{ items: FeedItem[]; cursor: string }> {
    const items: FeedItem[] = [];
    for (let i = 0; ; i++) {
      const res = await feed(key, { ...(cursor ? { after: cursor } : {}), limit: limits[i % limits.length] });
      expect(res.status).toBe(200);
      items.push(...(res.body.data as FeedItem[]));
      expect(typeof res.body.nextCursor).toBe('string');
      if (res.body.data.length === 0) {
        expect(res.body.nextCursor).toBe(cursor ?? encodeCursor(LOG_START));
        return { items, cursor: res.body.nextCursor };
      }
      cursor = res.body.nextCursor;
    }
  }

  /**
   * The feed only serves events below the cluster-wide `pg_snapshot_xmin`, so a transaction still open in any
   * other database (parallel test files) can hold back an event this file just committed. Re-read from the same
   * cursor until at least `count` events are visible, as a polling partner would.
   */
  async function readAtLeast(
    key: string,
    cursor: string | undefined,
    count: number,
    limits = [100],
  ): Promise<{ items: FeedItem[]; cursor: string }> {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const got = await readAll(key, cursor, limits);
      if (got.items.length >= count || Date.now() > deadline) return got;
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  beforeAll(async () => {
    t = await startApiApp();
    ds = t.app.get(DataSource);
    tickets = t.app.get(TicketsService);
    const keys = t.app.get(ApiKeyService);
    phoneKey = (await keys.create('phone', 'call-centre')).secret;
    chatKey = (await keys.create('chat', 'chat-vendor')).secret;
  });
  afterAll(async () => t?.close());

  it("returns the channel's public events in order, mapped like the webhooks (masked, no internal notes)", async () => {
    const empty = await feed(phoneKey);
    expect(empty.status).toBe(200);
    expect(empty.body).toEqual({ data: [], nextCursor: encodeCursor(LOG_START) });

    const { result: ticket } = await open(phone, 1);
    await tickets.addInternalNote(agent, ticket.id, { body: NOTE });
    await tickets.reply(agent, ticket.id, { body: 'We are looking into it' });
    await tickets.assign(agent, ticket.id, 'agent-1');
    await open(chat, 2);

    const { items, cursor } = await readAtLeast(phoneKey, undefined, 4, [2]);
    expect(items.map((i) => i.type)).toEqual([
      'ticket.created',
      'ticket.message_added',
      'ticket.status_changed',
      'ticket.assigned',
    ]);
    expect(items.map((i) => i.id)).toEqual(await groundTruth('call-centre'));
    expect(items[0].data).toMatchObject({
      ticket: {
        id: ticket.id,
        number: ticket.number,
        channel: 'phone',
        customer: { id: 'acc-1', name: 'L***', email: 'l***@example.com' },
      },
    });
    const text = JSON.stringify(items);
    expect(text).not.toContain('INTERNAL-ONLY');
    expect(text).not.toContain('Li Wei');

    // Polling from the end: an empty page that hands back the same cursor; new events appear after it.
    const again = await feed(phoneKey, { after: cursor });
    expect(again.body).toEqual({ data: [], nextCursor: cursor });
    await tickets.setStatus(agent, ticket.id, { status: 'pending' });
    const next = await readAtLeast(phoneKey, cursor, 1);
    expect(next.items.map((i) => [i.type, i.data.to])).toEqual([['ticket.status_changed', 'pending']]);

    // Another channel sees only its own.
    const other = await readAtLeast(chatKey, undefined, 1);
    expect(other.items.map((i) => i.type)).toEqual(['ticket.created']);
  });

  it.each([
    ['a made-up cursor', { after: 'not-a-cursor' }],
    [
      'a cursor of another list',
      { after: Buffer.from(JSON.stringify(['webhook-endpoints', 'x', 'y'])).toString('base64url') },
    ],
    ['limit 0', { limit: 0 }],
    ['limit 501', { limit: 501 }],
    ['a non-numeric limit', { limit: 'many' }],
    ['an unknown parameter', { since: '2026-01-01' }],
  ])('refuses %s with 400 validation_failed', async (_name, query) => {
    const res = await feed(phoneKey, query);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('validation_failed');
  });

  it('is for partners only', async () => {
    expect((await request(t.server).get('/v1/events')).status).toBe(401);
    const asAgent = await request(t.server)
      .get('/v1/events')
      .set('Authorization', t.bearer({ sub: 'agent-1', role: 'agent' }));
    expect(asAgent.status).toBe(403);
  });

  it('pages through 1,000 events of 8 concurrent writers with no gap and no repeat, a transaction that took its position early and committed last included', async () => {
    const start = (await readAll(phoneKey, undefined)).cursor;
    const before = (await groundTruth('call-centre')).length;

    // The late committer: a reply on its own ticket, appended (xid and position taken) early on.
    const { result: slowTicket } = await open(phone, 9999);
    let held: { runner: QueryRunner; eventId: string; position: string } | undefined;
    const holdOpen = async () => {
      const runner = ds.createQueryRunner();
      await runner.connect();
      await runner.startTransaction();
      const eventId = randomUUID();
      const r = await t.app.get(EventStore).append(new Tx(runner), {
        streamId: slowTicket.id,
        streamType: 'ticket',
        expectedVersion: 'any',
        events: [
          {
            eventId,
            type: 'PublicReplyAdded',
            data: {
              messageId: randomUUID(),
              body: 'late but not lost',
              attachments: [],
              author: { kind: 'agent', id: 'agent-1', name: 'Ana' },
              visibility: 'public',
              at: new Date().toISOString(),
            },
          },
        ],
      });
      held = { runner, eventId, position: r.events[0].globalPosition };
    };

    let release: Promise<{ committedAfter: number; seenWhileHeld: string[]; heldId: string }> | undefined;
    const releaseHeld = async () => {
      const h = held!;
      const committedAfter = (
        await ds.query(`SELECT count(*)::int AS n FROM es_events WHERE global_position > $1`, [h.position])
      )[0].n as number;
      await new Promise((r) => setTimeout(r, 200)); // give the poller time to (wrongly) pass it
      const seenWhileHeld = seen.map((i) => i.id);
      await h.runner.commitTransaction();
      await h.runner.release();
      held = undefined;
      return { committedAfter, seenWhileHeld, heldId: h.eventId };
    };

    // 8 writers, 125 public events each (tickets opened), with internal notes and another channel's tickets as noise.
    let written = 0;
    const writers = Array.from({ length: 8 }, async (_, w) => {
      for (let i = 0; i < 125; i++) {
        const { result } = await open(phone, w * 1000 + i);
        written += 1;
        if (written === 150 && !held) await holdOpen();
        // Release it once enough has committed after it: holding it to the end would hold back, for the
        // whole write burst, every other test file's log readers too (pg_snapshot_xmin is cluster-wide).
        if (written >= 300 && held && !release) release = releaseHeld();
        if (i % 25 === 0) {
          await tickets.addInternalNote(agent, result.id, { body: NOTE });
          await open(chat, i);
        }
      }
    });

    // A partner polling all along, with awkward page sizes.
    const seen: FeedItem[] = [];
    let cursor = start;
    let writing = true;
    const limits = [1, 7, 50, 500, 3];
    const poller = (async () => {
      for (let i = 0; writing || held; i++) {
        const res = await feed(phoneKey, { after: cursor, limit: limits[i % limits.length] });
        expect(res.status).toBe(200);
        seen.push(...(res.body.data as FeedItem[]));
        cursor = res.body.nextCursor;
        if (res.body.data.length === 0) await new Promise((r) => setTimeout(r, 20));
      }
    })();

    await Promise.all(writers);
    writing = false;
    expect(release).toBeDefined();
    const { committedAfter, seenWhileHeld, heldId } = await release!;
    // Much was committed after its position while it was open: a reader going by global_position
    // alone would have passed the held event's position; ours held it back instead.
    expect(committedAfter).toBeGreaterThan(100);
    expect(seenWhileHeld).not.toContain(heldId);
    await poller;

    const expected = (await groundTruth('call-centre')).slice(before);
    expect(expected).toHaveLength(1000 + 2); // the writers' 1000, the slow ticket's creation and its late reply
    // Drain the rest once every transaction up to the last event's is over cluster-wide
    // (pg_snapshot_xmin is cluster-wide: another test file's open transaction can hold the tail back).
    const lastXid = (await ds.query(`SELECT max(transaction_id)::text AS x FROM es_events`))[0].x as string;
    const deadline = Date.now() + 45_000;
    for (;;) {
      const xmin = (await ds.query(`SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS x`))[0]
        .x as string;
      if (BigInt(xmin) > BigInt(lastXid)) break;
      if (Date.now() > deadline)
        throw new Error(`another transaction held the log back for 45 s (xmin ${xmin})`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const rest = await readAll(phoneKey, cursor, [97]);
    seen.push(...rest.items);
    const ids = seen.map((i) => i.id);
    expect(new Set(ids).size).toBe(ids.length); // no repeat
    expect(ids).toEqual(expected); // no gap, log order
    expect(ids).toContain(heldId);
    expect(seen.find((i) => i.id === heldId)).toMatchObject({
      type: 'ticket.message_added',
      data: { message: { body: 'late but not lost' } },
    });
    expect(JSON.stringify(seen)).not.toContain('INTERNAL-ONLY');
  });
});
