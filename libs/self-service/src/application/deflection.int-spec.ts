import { DataSource } from 'typeorm';
import { StoredEvent, inTransaction } from '@kefu/platform';
import { createTestDatabase, openDataSource, TestDatabase } from '@kefu/test-fixtures';
import { ANSWER_SESSION_STREAM_TYPE } from '../domain/answer-session.events';
import { DeflectionProjector } from '../projections/deflection.projector';
import { DeflectionQueries } from './deflection.queries';

const events: StoredEvent[] = [];
let n = 0;
/** A session: asked at `at` about `category` in `language`, with `shown` articles, then its outcome. */
function session(
  category: string,
  language: string,
  at: string,
  outcome: 'none' | 'deflected' | 'handed_over' | 'deflected_then_handed_over',
  opts: { shown?: number; channel?: string; handedOverAs?: string } = {},
): void {
  const id = `s-${++n}`;
  let pos = 0;
  const push = (type: string, data: object) =>
    events.push({
      globalPosition: String(events.length + 1),
      transactionId: '1',
      streamId: id,
      streamType: ANSWER_SESSION_STREAM_TYPE,
      streamPosition: ++pos,
      eventId: `${id}-${pos}`,
      type,
      schemaVersion: 1,
      data,
      metadata: {},
      createdAt: new Date(),
    });
  push('AnswersSuggested', {
    sessionId: id,
    suggestedCategory: category,
    language,
    channel: opts.channel ?? 'web',
    articles: Array.from({ length: opts.shown ?? 2 }, (_, i) => ({ articleId: `a-${i}` })),
    at,
  });
  const later = new Date(Date.parse(at) + 60_000).toISOString();
  if (outcome === 'deflected' || outcome === 'deflected_then_handed_over')
    push('AnswerAccepted', { articleId: 'a-0', by: { kind: 'customer' }, at: later });
  if (outcome === 'handed_over' || outcome === 'deflected_then_handed_over')
    push('HandedOverToHuman', { ticketId: `t-${id}`, category: opts.handedOverAs ?? category, at: later });
}

// November: payment_failed/en 4 sessions (2 deflected, 1 handed over, 1 no outcome); payment_failed/zh-CN
// 2 (1 deflected, 1 deflected then handed over: counts as handed over); refund/zh-CN 1 with no article
// shown, handed over as refund_not_received (the corrected category counts). December: 1 more.
session('payment_failed', 'en', '2026-11-02T10:00:00Z', 'deflected');
session('payment_failed', 'en', '2026-11-03T10:00:00Z', 'deflected', { channel: 'app' });
session('payment_failed', 'en', '2026-11-04T10:00:00Z', 'handed_over');
session('payment_failed', 'en', '2026-11-05T10:00:00Z', 'none');
session('payment_failed', 'zh-CN', '2026-11-06T10:00:00Z', 'deflected');
session('payment_failed', 'zh-CN', '2026-11-07T10:00:00Z', 'deflected_then_handed_over');
session('refund', 'zh-CN', '2026-11-08T10:00:00Z', 'handed_over', {
  shown: 0,
  handedOverAs: 'refund_not_received',
});
session('payment_failed', 'en', '2026-12-01T10:00:00Z', 'deflected');

describe('deflection report (async projector, real Postgres)', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let queries: DeflectionQueries;
  const projector = new DeflectionProjector();
  const NOV = [new Date('2026-11-01T00:00:00Z'), new Date('2026-12-01T00:00:00Z')] as const;

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = await openDataSource(db);
    queries = new DeflectionQueries(ds);
    // In two batches, as the consumer would meet them.
    await inTransaction(ds, (tx) => projector.apply(tx, events.slice(0, 7)));
    await inTransaction(ds, (tx) => projector.apply(tx, events.slice(7)));
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('counts sessions, deflections and handovers by category and language, with the rate', async () => {
    expect(await queries.stats(['category', 'language'], ...NOV)).toEqual([
      {
        category: 'payment_failed',
        language: 'en',
        channel: null,
        sessions: 4,
        withArticles: 4,
        deflected: 2,
        handedOver: 1,
        noOutcome: 1,
        deflectionRate: 0.5,
      },
      {
        category: 'payment_failed',
        language: 'zh-CN',
        channel: null,
        sessions: 2,
        withArticles: 2,
        deflected: 1,
        handedOver: 1,
        noOutcome: 0,
        deflectionRate: 0.5,
      },
      {
        category: 'refund_not_received',
        language: 'zh-CN',
        channel: null,
        sessions: 1,
        withArticles: 0,
        deflected: 0,
        handedOver: 1,
        noOutcome: 0,
        deflectionRate: 0,
      },
    ]);
  });

  it('groups by any dimensions, none for the total, and filters by period', async () => {
    expect(await queries.stats(['language'], ...NOV)).toMatchObject([
      { category: null, language: 'en', sessions: 4, deflected: 2 },
      { category: null, language: 'zh-CN', sessions: 3, deflected: 1, deflectionRate: 1 / 3 },
    ]);
    expect(await queries.stats(['channel'], ...NOV)).toMatchObject([
      { channel: 'app', sessions: 1, deflected: 1 },
      { channel: 'web', sessions: 6, deflected: 2 },
    ]);
    expect(await queries.stats([])).toEqual([
      {
        category: null,
        language: null,
        channel: null,
        sessions: 8,
        withArticles: 7,
        deflected: 4,
        handedOver: 3,
        noOutcome: 1,
        deflectionRate: 0.5,
      },
    ]);
    expect(await queries.stats([], new Date('2027-01-01T00:00:00Z'))).toEqual([]);
  });

  it('a replayed batch changes nothing', async () => {
    await inTransaction(ds, (tx) => projector.apply(tx, events));
    expect((await queries.stats([]))[0]).toMatchObject({ sessions: 8, deflected: 4, handedOver: 3 });
  });
});
