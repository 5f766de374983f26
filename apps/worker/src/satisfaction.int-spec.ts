import { INestApplicationContext } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { EventStore, Principal, ProjectionRegistry, rebuildProjections } from '@kefu/platform';
import { createTestDatabase, testConfig, TestDatabase } from '@kefu/test-fixtures';
import {
  FeedbackService,
  SatisfactionQueries,
  SatisfactionStatView,
  SurveyTokens,
  SurveysService,
} from '@kefu/feedback';
import { Category, Channel } from '@kefu/kernel';
import { TicketsService } from '@kefu/tickets';
import { createWorker } from './bootstrap';

const partner: Principal = { kind: 'partner', apiKeyId: 'k1', channel: 'phone', name: 'cc', partner: 'cc' };
const agent: Principal = { kind: 'user', sub: 'agent-a', role: 'agent' };
const admin: Principal = { kind: 'user', sub: 'admin-1', role: 'admin' };
const customer: Principal = { kind: 'user', sub: 'u-1', role: 'customer', customerId: 'cust-1' };

// The fixture, computed by hand below: agent, category, channel, score (null = not answered).
const FIXTURE: Array<[string | null, Category, Channel, number | null]> = [
  ['agent-a', 'refund', 'phone', 5],
  ['agent-a', 'refund', 'phone', 4],
  ['agent-a', 'payment_failed', 'chat', 2],
  ['agent-b', 'payment_failed', 'chat', 3],
  ['agent-b', 'refund', 'chat', null],
  [null, 'fees', 'phone', 1],
];

const stat = (
  key: string,
  responses: number,
  averageScore: number | null,
  csat: number | null,
  sent: number,
) => ({
  key,
  responses,
  averageScore: averageScore === null ? null : expect.closeTo(averageScore, 6),
  csat: csat === null ? null : expect.closeTo(csat, 6),
  sent,
  responseRate: expect.closeTo(responses / sent, 6),
});

describe('satisfaction figures (async projector, real Postgres)', () => {
  let db: TestDatabase;
  let worker: INestApplicationContext;
  let queries: SatisfactionQueries;

  beforeAll(async () => {
    db = await createTestDatabase();
    // The default 1 h delay: no survey goes out by itself during the test; the fixture sends them.
    worker = await createWorker(testConfig(db));
    queries = worker.get(SatisfactionQueries);
    const tickets = worker.get(TicketsService);
    const surveys = worker.get(SurveysService);
    const ds = worker.get(DataSource);
    let n = 0;
    for (const [agentId, category, channel, score] of FIXTURE) {
      const { result } = await tickets.open(partner, {
        subject: `Case ${++n}`,
        description: 'fixture',
        category,
        channel,
        customer: { id: 'cust-1' },
      });
      if (agentId) await tickets.assign(agent, result.id, agentId);
      // An agent solving an unassigned ticket takes it; an admin does not.
      await tickets.setStatus(agentId ? agent : admin, result.id, { status: 'solved' });
      const [solve] = (await ds.query(
        `SELECT event_id::text AS id FROM es_events WHERE stream_id = $1 AND event_type = 'TicketStatusChanged'`,
        [result.id],
      )) as Array<{ id: string }>;
      const surveyId = await surveys.sendForSolve(result.id, solve.id, {
        handler: 'fixture',
        messageId: solve.id,
      });
      // Reassigned after solving: the figures stay with the agent who solved it.
      await tickets.assign(agent, result.id, 'agent-z');
      if (score !== null)
        await surveys.respond(worker.get(SurveyTokens).tokenFor(surveyId!), { score, comment: 'fixture' });
    }
    // Free feedback never counts in the figures.
    await worker.get(FeedbackService).submit(customer, { kind: 'praise', body: 'Lovely service' });
    await waitFor(async () => {
      const all = await queries.stats('team');
      return all[0]?.responses === 5;
    }, 20_000);
  }, 60_000);
  afterAll(async () => {
    await worker?.close();
    await db?.drop();
  });

  const byAgent: Array<Partial<SatisfactionStatView>> = [
    stat('agent-a', 3, 11 / 3, 2 / 3, 3),
    stat('agent-b', 1, 3, 0, 2),
    stat('unassigned', 1, 1, 0, 1),
  ];

  it('per agent assigned when the ticket was solved', async () => {
    expect(await queries.stats('agent')).toEqual(byAgent.map((s) => expect.objectContaining(s)));
  });

  it('per category, channel and team (the tier at solve time)', async () => {
    expect(await queries.stats('category')).toEqual(
      [stat('fees', 1, 1, 0, 1), stat('payment_failed', 2, 2.5, 0, 2), stat('refund', 2, 4.5, 1, 3)].map(
        (s) => expect.objectContaining(s),
      ),
    );
    expect(await queries.stats('channel')).toEqual(
      [stat('chat', 2, 2.5, 0, 3), stat('phone', 3, 10 / 3, 2 / 3, 3)].map((s) => expect.objectContaining(s)),
    );
    expect(await queries.stats('team')).toEqual([
      expect.objectContaining({ ...stat('L1', 5, 3, 0.4, 6), label: 'L1 front line' }),
    ]);
  });

  it('limits to a period', async () => {
    expect(await queries.stats('agent', new Date(Date.now() + 60_000))).toEqual([]);
    expect(
      await queries.stats('agent', new Date(Date.now() - 3_600_000), new Date(Date.now() + 60_000)),
    ).toEqual(byAgent.map((s) => expect.objectContaining(s)));
  });

  it('is rebuilt from the log to the same figures and rows (every feedback projection)', async () => {
    const ds = worker.get(DataSource);
    const snapshot = async () => ({
      surveys: (await ds.query(`SELECT * FROM survey_view ORDER BY id`)) as unknown[],
      feedback: (await ds.query(`SELECT * FROM feedback_view ORDER BY id`)) as unknown[],
      facts: (await ds.query(`SELECT * FROM satisfaction_surveys ORDER BY survey_id`)) as unknown[],
    });
    const before = await snapshot();
    expect(before.surveys).toHaveLength(FIXTURE.length);
    const mine = worker
      .get(ProjectionRegistry)
      .list()
      .filter((p) => ['survey-view', 'survey-settings', 'feedback-view', 'satisfaction'].includes(p.name));
    expect(mine).toHaveLength(4);
    await rebuildProjections(ds, worker.get(EventStore), mine);
    expect(await snapshot()).toEqual(before);
    expect(await queries.stats('agent')).toEqual(byAgent.map((s) => expect.objectContaining(s)));
  });
});

async function waitFor(check: () => Promise<boolean>, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out waiting for the projector');
    await new Promise((r) => setTimeout(r, 100));
  }
}
