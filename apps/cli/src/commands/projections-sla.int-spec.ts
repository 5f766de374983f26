import { DataSource } from 'typeorm';
import { CommandRunner, EventStore, PiiVault, Principal } from '@kefu/platform';
import { SlaConfigProjection, SlaConfigQueries, SlaConfigService } from '@kefu/sla';
import { TicketQueries, TicketSlaRules, TicketViewProjection, TicketsService } from '@kefu/tickets';
import { createTestDatabase, openDataSource, TestDatabase, testConfig } from '@kefu/test-fixtures';
import { projectionsCommand } from './projections.command';

describe('cli projections rebuild with SLA clocks and configuration (real Postgres)', () => {
  let db: TestDatabase;
  let ds: DataSource;
  const saved = process.env.DATABASE_URL;

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = await openDataSource(db);
    process.env.DATABASE_URL = db.url;
  });
  afterAll(async () => {
    process.env.DATABASE_URL = saved;
    await ds?.destroy();
    await db?.drop();
  });

  it('replays ticket_view.sla, sla_policies and business_calendars identically', async () => {
    const store = new EventStore();
    const runner = new CommandRunner(ds, store);
    const slaQueries = new SlaConfigQueries(ds);
    const slaRules = new TicketSlaRules();
    slaRules.use((tx) => slaQueries.rulesIn(tx));
    const vault = new PiiVault(testConfig(db), ds, store);
    const tickets = new TicketsService(
      runner,
      new TicketViewProjection(),
      new TicketQueries(ds, store, vault),
      vault,
      slaRules,
    );
    const config = new SlaConfigService(runner, new SlaConfigProjection(), slaQueries);
    const admin: Principal = { kind: 'user', sub: 'ops', role: 'admin' };
    const agent: Principal = { kind: 'user', sub: 'a-1', role: 'agent' };
    const customer: Principal = { kind: 'user', sub: 'u-1', role: 'customer', customerId: 'c-1' };
    await config.upsertCalendar(admin, {
      id: 'office',
      name: 'Office',
      timeZone: 'Europe/Berlin',
      hours: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, opens: '09:00', closes: '17:00' })),
      holidays: ['2026-12-25'],
    });
    await config.upsertPolicy(admin, {
      id: 'normal',
      name: 'Normal',
      priority: 'normal',
      categories: [],
      channels: [],
      firstResponseSeconds: 3600,
      nextResponseSeconds: 1800,
      resolutionSeconds: 86_400,
      calendarId: 'office',
      warningRatio: 0.75,
    });
    for (let i = 0; i < 4; i++) {
      const { result } = await tickets.open(customer, {
        subject: `s${i}`,
        description: 'd',
        category: 'fees',
      });
      expect(result.sla.policyId).toBe('normal');
      await tickets.reply(agent, result.id, { body: 'hi' });
      await tickets.reply(customer, result.id, { body: 'still broken' });
      if (i % 2) await tickets.setStatus(agent, result.id, { status: 'pending' });
      if (i === 3) await tickets.setPriority(agent, result.id, 'high');
    }
    const dump = async () =>
      JSON.stringify([
        await ds.query(`SELECT id, sla, next_sla_due_at, sla_breached, version FROM ticket_view ORDER BY id`),
        await ds.query(`SELECT * FROM sla_policies ORDER BY id`),
        await ds.query(`SELECT * FROM business_calendars ORDER BY id`),
      ]);
    const before = await dump();
    expect(before).toContain('"nextResponse":{');
    await ds.query(`UPDATE ticket_view SET sla = NULL, next_sla_due_at = 'infinity'`);
    await ds.query(`DELETE FROM sla_policies`);
    expect(await projectionsCommand.run(['rebuild'])).toBe(0);
    expect(await dump()).toEqual(before);
  });
});
