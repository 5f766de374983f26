import { DataSource } from 'typeorm';
import { AppConfig, StoredEvent, inTransaction } from '@kefu/platform';
import { TICKET_STREAM_TYPE } from '@kefu/tickets';
import { createTestDatabase, openDataSource, testConfig, TestDatabase } from '@kefu/test-fixtures';
import { WaitTimesProjector } from '../projections/wait-times.projector';
import { WaitEstimates } from './wait-estimates';

// Hand-computed fixtures. "Now" is Monday 2026-11-23 06:30 UTC = 14:30 in Asia/Shanghai, so the
// current hour of the week is 14 (Monday 14:00–15:00 there). Minimum 3 samples, recent window 60 min.
const NOW = new Date('2026-11-23T06:30:00Z');
const WEEK = 7 * 86_400_000;
const at = (iso: string, weeksAgo = 0) => new Date(Date.parse(iso) - weeksAgo * WEEK).toISOString();

let seq = 0;
const events: StoredEvent[] = [];
/** One ticket's events: opened, then whatever happened, each `{ type, at, ... }` in order. */
function ticket(
  channel: string,
  openedAt: string,
  then: Array<{ type: 'reply' | 'escalate' | 'solve'; at: string; toTier?: string }> = [],
  openedBy = 'customer',
): void {
  const id = `t-${++seq}`;
  let pos = 0;
  const push = (type: string, data: object) =>
    events.push({
      globalPosition: String(events.length + 1),
      transactionId: '1',
      streamId: id,
      streamType: TICKET_STREAM_TYPE,
      streamPosition: ++pos,
      eventId: `${id}-${pos}`,
      type,
      schemaVersion: 1,
      data,
      metadata: {},
      createdAt: new Date(),
    });
  push('TicketOpened', {
    ticketId: id,
    channel,
    tier: 'L1',
    openedBy: { kind: openedBy, id: 'x' },
    at: openedAt,
  });
  let tier = 'L1';
  for (const e of then) {
    if (e.type === 'reply')
      push('PublicReplyAdded', { author: { kind: 'agent', id: 'a-1' }, visibility: 'public', at: e.at });
    if (e.type === 'escalate') {
      push('TicketEscalated', { fromTier: tier, toTier: e.toTier, level: 1, at: e.at });
      tier = e.toTier!;
    }
    if (e.type === 'solve')
      push('TicketStatusChanged', { from: 'open', to: 'solved', reason: 'agent', at: e.at });
  }
}
const reply = (iso: string) => ({ type: 'reply' as const, at: iso });

// chat, past weeks — Monday 14:xx Shanghai (06:xx UTC): 600, 900, 1200 s
for (const [w, wait] of [
  [1, 600],
  [2, 900],
  [3, 1200],
])
  ticket('chat', at('2026-11-23T06:05:00Z', w), [
    reply(at(new Date(Date.parse('2026-11-23T06:05:00Z') + wait * 1000).toISOString(), w)),
  ]);
// Monday 15:xx: 1000, 1100, 1200 s (not quieter); Monday 16:xx: 120, 180, 240 s (quieter)
for (const [w, wait] of [
  [1, 1000],
  [2, 1100],
  [3, 1200],
])
  ticket('chat', at('2026-11-23T07:10:00Z', w), [
    reply(at(new Date(Date.parse('2026-11-23T07:10:00Z') + wait * 1000).toISOString(), w)),
  ]);
for (const [w, wait] of [
  [1, 120],
  [2, 180],
  [3, 240],
])
  ticket('chat', at('2026-11-23T08:20:00Z', w), [
    reply(at(new Date(Date.parse('2026-11-23T08:20:00Z') + wait * 1000).toISOString(), w)),
  ]);
// chat, the last hour: answered after 600 s (opened 13:40 Shanghai) and 1200 s (14:00), one still
// waiting since 06:10 (1200 s so far), one solved unanswered (ignored), one an agent opened (ignored).
ticket('chat', '2026-11-23T05:40:00Z', [reply('2026-11-23T05:50:00Z')]);
ticket('chat', '2026-11-23T06:00:00Z', [reply('2026-11-23T06:20:00Z')]);
ticket('chat', '2026-11-23T06:10:00Z');
ticket('chat', '2026-11-23T06:15:00Z', [{ type: 'solve', at: '2026-11-23T06:16:00Z' }]);
ticket('chat', '2026-11-23T06:12:00Z', [reply('2026-11-23T06:29:00Z')], 'agent');
// an escalation: L1 stay ends unanswered at 05:45, answered at L2 20 minutes later
ticket('chat', '2026-11-23T05:35:00Z', [
  { type: 'escalate', at: '2026-11-23T05:45:00Z', toTier: 'L2' },
  reply('2026-11-23T06:05:00Z'),
]);
// email: two samples only; phone: three old ones on a Wednesday
ticket('email', at('2026-11-23T06:00:00Z', 1), [reply(at('2026-11-23T07:00:00Z', 1))]);
ticket('email', at('2026-11-23T06:00:00Z', 2), [reply(at('2026-11-23T08:00:00Z', 2))]);
for (const w of [1, 2, 3])
  ticket('phone', at('2026-11-25T02:00:00Z', w), [reply(at('2026-11-25T02:05:00Z', w))]);

describe('estimated waits from measured first responses (real Postgres)', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let config: AppConfig;
  const projector = new WaitTimesProjector();

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = await openDataSource(db);
    config = testConfig(db, {
      WAIT_ESTIMATE_MIN_SAMPLES: '3',
      WAIT_ESTIMATE_RECENT_MINUTES: '60',
      WAIT_ESTIMATE_TIME_ZONE: 'Asia/Shanghai',
    });
    await inTransaction(ds, (tx) => projector.apply(tx, events));
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('estimates a channel from its recent waits, with the hour-of-week profile and the next quieter hour', async () => {
    const chat = (await new WaitEstimates(ds, config).all('channel', ['chat'], NOW)).get('chat')!;
    // recent: 600, 1200, the 1200 s still waiting and the escalated ticket's 1800 s (its first answer
    // came at L2: the customer waited across the escalation) → median 1200 over 4
    expect(chat).toMatchObject({ seconds: 1200, basis: 'recent', samples: 4, timeZone: 'Asia/Shanghai' });
    // 15:00 usually 1100 s (> 0.75 × 1200); 16:00 usually 180 s: quieter from 16:00 Shanghai = 08:00 UTC
    expect(chat.quieterFrom).toBe('2026-11-23T08:00:00.000Z');
    expect(chat.quieterSeconds).toBe(180);
    expect(chat.byHourOfWeek).toHaveLength(168);
    const hour = (h: number) => chat.byHourOfWeek[h];
    expect(hour(13)).toEqual({ hourOfWeek: 13, medianSeconds: 1200, samples: 2 }); // 600, 1800
    expect(hour(14)).toEqual({ hourOfWeek: 14, medianSeconds: 1050, samples: 4 }); // 600 900 1200 1200
    expect(hour(15)).toEqual({ hourOfWeek: 15, medianSeconds: 1100, samples: 3 });
    expect(hour(16)).toEqual({ hourOfWeek: 16, medianSeconds: 180, samples: 3 });
    expect(hour(17)).toEqual({ hourOfWeek: 17, medianSeconds: null, samples: 0 });
  });

  it('falls back to the same hour of the week, then history, then says there is no estimate', async () => {
    const all = await new WaitEstimates(ds, config).all('channel', ['chat', 'email', 'phone', 'social'], NOW);
    expect(all.get('phone')).toMatchObject({ seconds: 300, basis: 'history', samples: 3 });
    expect(all.get('email')).toMatchObject({ seconds: null, basis: 'none', samples: 0, quieterFrom: null });
    expect(all.get('social')).toMatchObject({ seconds: null, basis: 'none' });
    // An hour later (15:30 Shanghai) nothing is recent: the 15:00 profile (1100 s over 3) answers.
    const later = (
      await new WaitEstimates(ds, config).all('channel', ['chat'], new Date('2026-11-23T08:05:00Z'))
    ).get('chat');
    expect(later).toMatchObject({ basis: 'hour_of_week', seconds: 180, samples: 3 });
    const wednesday = (
      await new WaitEstimates(ds, config).all('channel', ['chat'], new Date('2026-11-25T12:00:00Z'))
    ).get('chat');
    // All answered chat waits in 4 weeks: 120 180 240 600 600 900 1000 1100 1200 1200 1200 1800 → 950
    expect(wednesday).toMatchObject({ basis: 'history', seconds: 950, samples: 12 });
  });

  it('estimates tiers from each stay at the tier (an escalation starts a new wait)', async () => {
    const lenient = new WaitEstimates(ds, config.with({ waitEstimateMinSamples: 1 }));
    const tiers = await lenient.all('tier', ['L1', 'L2', 'L3'], NOW);
    // L1 recent: 600, 1200, 1200 (still waiting); the escalated ticket's L1 stay ended unanswered
    expect(tiers.get('L1')).toMatchObject({ basis: 'recent', seconds: 1200, samples: 3 });
    expect(tiers.get('L2')).toMatchObject({ basis: 'recent', seconds: 1200, samples: 1 });
    expect(tiers.get('L3')).toMatchObject({ basis: 'none', seconds: null });
  });

  it('replaying the events changes nothing', async () => {
    const before = await ds.query(`SELECT * FROM wait_tickets ORDER BY ticket_id`);
    const stints = await ds.query(`SELECT * FROM wait_stints ORDER BY ticket_id, stint`);
    await inTransaction(ds, (tx) => projector.apply(tx, events));
    expect(await ds.query(`SELECT * FROM wait_tickets ORDER BY ticket_id`)).toEqual(before);
    expect(await ds.query(`SELECT * FROM wait_stints ORDER BY ticket_id, stint`)).toEqual(stints);
  });
});
