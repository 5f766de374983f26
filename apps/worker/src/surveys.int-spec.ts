import { getQueueToken } from '@nestjs/bullmq';
import { INestApplicationContext } from '@nestjs/common';
import { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { DomainError, Principal, PublicEventSources, QueueName, StoredEvent } from '@kefu/platform';
import { createTestDatabase, testConfig, TestDatabase } from '@kefu/test-fixtures';
import { SurveyJobs, SurveyTokens, SurveysService, hashSurveyToken } from '@kefu/feedback';
import { TicketsService } from '@kefu/tickets';
import { createWorker } from './bootstrap';

const partner: Principal = {
  kind: 'partner',
  apiKeyId: 'k1',
  channel: 'phone',
  name: 'call-centre',
  partner: 'call-centre',
};
const agent: Principal = { kind: 'user', sub: 'agent-1', role: 'agent', name: 'Ana' };
const customer: Principal = { kind: 'user', sub: 'u-1', role: 'customer', customerId: 'cust-1' };

async function waitFor<T>(check: () => Promise<T | undefined | false>, ms: number): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}

interface SurveyRow {
  id: string;
  solve_event_id: string;
  token_hash: string;
  status: string;
  sent_at: Date;
  reminded_at: Date | null;
  expired_at: Date | null;
}

describe('satisfaction surveys (worker, real Postgres + Redis)', () => {
  let db: TestDatabase;
  let worker: INestApplicationContext;
  let tickets: TicketsService;
  let surveys: SurveysService;
  let ds: DataSource;

  const surveysOf = async (ticketId: string) =>
    (await ds.query(`SELECT * FROM survey_view WHERE ticket_id = $1 ORDER BY sent_at`, [
      ticketId,
    ])) as SurveyRow[];
  const eventTypes = async (streamId: string) =>
    (
      (await ds.query(`SELECT event_type FROM es_events WHERE stream_id = $1 ORDER BY stream_position`, [
        streamId,
      ])) as Array<{ event_type: string }>
    ).map((r) => r.event_type);
  const solveEventIds = async (ticketId: string) =>
    (
      (await ds.query(
        `SELECT event_id::text AS id FROM es_events WHERE stream_id = $1 AND event_type = 'TicketStatusChanged'
            AND data->>'to' = 'solved' ORDER BY stream_position`,
        [ticketId],
      )) as Array<{ id: string }>
    ).map((r) => r.id);

  const openTicket = async () =>
    (
      await tickets.open(partner, {
        subject: 'Refund missing',
        description: 'Merchant says it was sent',
        category: 'refund_not_received',
        customer: { id: 'cust-1' },
      })
    ).result.id;
  const solve = async (id: string) => (await tickets.setStatus(agent, id, { status: 'solved' })).result;

  beforeAll(async () => {
    db = await createTestDatabase();
    worker = await createWorker(testConfig(db, { SURVEY_LINK_TEMPLATE: 'https://help.test/s/{token}' }));
    tickets = worker.get(TicketsService);
    surveys = worker.get(SurveysService);
    ds = worker.get(DataSource);
  });
  afterAll(async () => {
    await worker?.close();
    await db?.drop();
  });

  describe('timers: 1 s delay, reminder 2 s after sending, expiry after 4 s', () => {
    beforeAll(async () => {
      await surveys.updateSettings({ delaySeconds: 1, reminderAfterSeconds: 2, expiresAfterSeconds: 4 });
    });

    it('sends after the delay, reminds once, then expires; the answer is then refused (survey_expired)', async () => {
      const id = await openTicket();
      await tickets.assign(agent, id, 'agent-1');
      const solved = await solve(id);
      const [survey] = await waitFor(async () => {
        const rows = await surveysOf(id);
        return rows.length ? rows : undefined;
      }, 15_000);
      expect(new Date(survey.sent_at).getTime() - Date.parse(solved.solvedAt!)).toBeGreaterThanOrEqual(1000);
      const expired = await waitFor(async () => {
        const [row] = await surveysOf(id);
        return row.status === 'expired' ? row : undefined;
      }, 20_000);
      expect(expired.reminded_at).not.toBeNull();
      expect(
        new Date(expired.reminded_at!).getTime() - new Date(survey.sent_at).getTime(),
      ).toBeGreaterThanOrEqual(2000);
      expect(await eventTypes(survey.id)).toEqual(['SurveySent', 'SurveyReminderSent', 'SurveyExpired']);

      // The token is derived, never stored: the read model holds its hash only.
      const token = worker.get(SurveyTokens).tokenFor(survey.id);
      expect(survey.token_hash).toBe(hashSurveyToken(token));
      const stored = JSON.stringify(
        await ds.query(`SELECT data FROM es_events WHERE stream_id = $1`, [survey.id]),
      );
      expect(stored).not.toContain(token);
      await expect(surveys.respond(token, { score: 5 })).rejects.toMatchObject({ code: 'survey_expired' });
    }, 40_000);

    it('puts the token and link in survey.sent only, for the ticket the survey hangs off', async () => {
      const id = await openTicket();
      await solve(id);
      const [survey] = await waitFor(async () => {
        const rows = await surveysOf(id);
        return rows.length ? rows : undefined;
      }, 15_000);
      const link = (await ds.query(`SELECT ticket_id FROM es_stream_tickets WHERE stream_id = $1`, [
        survey.id,
      ])) as Array<{
        ticket_id: string;
      }>;
      expect(link).toEqual([{ ticket_id: id }]);
      const sources = worker.get(PublicEventSources);
      const [sentEvent] = (await ds.query(
        `SELECT event_id::text AS "eventId", stream_id AS "streamId", event_type AS type, data, created_at AS "recordedAt"
           FROM es_events WHERE stream_id = $1 ORDER BY stream_position`,
        [survey.id],
      )) as Array<Pick<StoredEvent, 'eventId' | 'streamId' | 'type' | 'data'> & { recordedAt: Date }>;
      const ref = { id, number: 'KF-000001', channel: 'phone' };
      const pub = sources.toPublic('survey', sentEvent, ref)!;
      const token = worker.get(SurveyTokens).tokenFor(survey.id);
      expect(pub.type).toBe('survey.sent');
      expect(pub.data).toMatchObject({
        surveyId: survey.id,
        ticketId: id,
        token,
        link: `https://help.test/s/${token}`,
      });
      const reminder = { ...sentEvent, type: 'SurveyReminderSent', data: { at: new Date().toISOString() } };
      expect(JSON.stringify(sources.toPublic('survey', reminder, ref))).not.toContain(token);
    }, 30_000);

    it('cancels the survey when the ticket is reopened before it goes out; solving again schedules a new one', async () => {
      const id = await openTicket();
      await solve(id);
      await tickets.reply(customer, id, { body: 'It is still not there' });
      await new Promise((r) => setTimeout(r, 2500));
      expect(await surveysOf(id)).toEqual([]);
      await solve(id);
      const rows = await waitFor(async () => {
        const r = await surveysOf(id);
        return r.length ? r : undefined;
      }, 15_000);
      const solves = await solveEventIds(id);
      expect(rows).toHaveLength(1);
      expect(rows[0].solve_event_id).toBe(solves[1]);
    }, 30_000);
  });

  describe('answers (expiry far away)', () => {
    beforeAll(async () => {
      await surveys.updateSettings({ delaySeconds: 0, reminderAfterSeconds: 300, expiresAfterSeconds: 600 });
    });

    const sentSurvey = async () => {
      const id = await openTicket();
      await tickets.assign(agent, id, 'agent-1');
      await solve(id);
      const [row] = await waitFor(async () => {
        const r = await surveysOf(id);
        return r.length ? r : undefined;
      }, 15_000);
      return { ticketId: id, surveyId: row.id, token: worker.get(SurveyTokens).tokenFor(row.id) };
    };

    it('takes exactly one of several concurrent answers; the others get survey_already_answered', async () => {
      const { surveyId, token } = await sentSurvey();
      const results = await Promise.allSettled(
        [1, 2, 3, 4, 5].map((s) => surveys.respond(token, { score: s })),
      );
      const ok = results.filter((r) => r.status === 'fulfilled');
      const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(ok).toHaveLength(1);
      expect(refused.map((r) => (r.reason as DomainError).code)).toEqual(
        Array(4).fill('survey_already_answered'),
      );
      expect((await eventTypes(surveyId)).filter((t) => t === 'SurveyResponded')).toHaveLength(1);
    }, 30_000);

    it('escalates a low score to L3 with the trigger recorded; a good score changes nothing', async () => {
      const low = await sentSurvey();
      const r = await surveys.respond(low.token, { score: 2, comment: 'Nobody listened' });
      expect(r.result).toMatchObject({ status: 'responded', score: 2, comment: 'Nobody listened' });
      const [escalated] = (await ds.query(
        `SELECT data FROM es_events WHERE stream_id = $1 AND event_type = 'TicketEscalated'`,
        [low.ticketId],
      )) as Array<{ data: { toTier: string; trigger: string } }>;
      expect(escalated.data).toMatchObject({ toTier: 'L3', trigger: 'low_survey_score' });
      const [view] = (await ds.query(`SELECT tier FROM ticket_view WHERE id = $1`, [low.ticketId])) as Array<{
        tier: string;
      }>;
      expect(view.tier).toBe('L3');

      const good = await sentSurvey();
      await surveys.respond(good.token, { score: 4 });
      expect(await eventTypes(good.ticketId)).not.toContain('TicketEscalated');
    }, 30_000);

    it('opens a follow-up ticket at L3 for a low score on a closed ticket', async () => {
      const { ticketId, token } = await sentSurvey();
      await tickets.closeSolved(ticketId, 0);
      await surveys.respond(token, { score: 1 });
      const [follow] = (await ds.query(
        `SELECT id, tier, customer_id, tags, category FROM ticket_view WHERE subject LIKE 'Follow-up to %' AND id <> $1`,
        [ticketId],
      )) as Array<{ id: string; tier: string; customer_id: string; tags: string[]; category: string }>;
      expect(follow).toMatchObject({ tier: 'L3', customer_id: 'cust-1', category: 'refund_not_received' });
      expect(follow.tags).toEqual(expect.arrayContaining(['follow-up', 'low_survey_score']));
      const [closed] = (await ds.query(`SELECT status, tier FROM ticket_view WHERE id = $1`, [
        ticketId,
      ])) as Array<{
        status: string;
        tier: string;
      }>;
      expect(closed).toEqual({ status: 'closed', tier: 'L1' });
    }, 30_000);

    it('leaves a note for the supervisors when a low-scored ticket is already at L3', async () => {
      const { ticketId, token } = await sentSurvey();
      await tickets.escalate(agent, ticketId, { reason: 'VIP', toTier: 'L3' });
      await surveys.respond(token, { score: 2 });
      const notes = (await ds.query(
        `SELECT data->>'body' AS body FROM es_events WHERE stream_id = $1 AND event_type = 'InternalNoteAdded'`,
        [ticketId],
      )) as Array<{ body: string }>;
      expect(notes.map((n) => n.body)).toEqual([
        expect.stringMatching(/^Follow-up for a supervisor \(low_survey_score\)/),
      ]);
      expect((await eventTypes(ticketId)).filter((t) => t === 'TicketEscalated')).toHaveLength(1);
    }, 30_000);

    it('answers an unknown token with not_found, revealing nothing', async () => {
      await expect(surveys.respond('x'.repeat(43), { score: 5 })).rejects.toMatchObject({
        code: 'not_found',
      });
      await expect(surveys.respond('short', { score: 5 })).rejects.toMatchObject({ code: 'not_found' });
    });
  });

  it('brings a lost send job back after Redis lost it (reconciler)', async () => {
    await surveys.updateSettings({ delaySeconds: 2, reminderAfterSeconds: 300, expiresAfterSeconds: 600 });
    const queue = worker.get<Queue>(getQueueToken(QueueName.Surveys), { strict: false });
    const id = await openTicket();
    await solve(id);
    const [solveId] = await solveEventIds(id);
    await waitFor(async () => (await queue.getJob(`survey-send-${solveId}`)) ?? undefined, 10_000);
    await queue.obliterate({ force: true });
    expect(await queue.getJob(`survey-send-${solveId}`)).toBeUndefined();
    expect(await worker.get(SurveyJobs).reconcile()).toBeGreaterThanOrEqual(1);
    const rows = await waitFor(async () => {
      const r = await surveysOf(id);
      return r.length ? r : undefined;
    }, 15_000);
    expect(rows).toHaveLength(1);
  }, 30_000);
});
