import { DataSource } from 'typeorm';
import { CommandRunner, EventStore, PiiVault, Principal } from '@kefu/platform';
import { TicketQueries, TicketViewProjection, TicketsService } from '@kefu/tickets';
import { createTestDatabase, openDataSource, testConfig, TestDatabase } from '@kefu/test-fixtures';
import { projectionsCommand } from './projections.command';

describe('cli projections rebuild (real Postgres)', () => {
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

  it('drops and replays the read models and ends identical', async () => {
    const store = new EventStore();
    const vault = new PiiVault(testConfig(db), ds, store);
    const tickets = new TicketsService(
      new CommandRunner(ds, store),
      new TicketViewProjection(),
      new TicketQueries(ds, store, vault),
      vault,
    );
    const partner: Principal = {
      kind: 'partner',
      apiKeyId: 'k',
      channel: 'phone',
      name: 'cc',
      partner: 'cc',
    };
    const agent: Principal = { kind: 'user', sub: 'a-1', role: 'agent' };
    for (let i = 0; i < 5; i++) {
      const { result } = await tickets.open(partner, {
        subject: `s${i}`,
        description: 'd',
        category: 'fees',
        customer: { id: `c${i}` },
        tags: ['a', 'b'],
      });
      await tickets.reply(agent, result.id, { body: 'hi' });
      await tickets.tag(agent, result.id, { add: ['c'], remove: ['a'] });
      if (i % 2) await tickets.setStatus(agent, result.id, { status: 'solved' });
    }
    const dump = async () =>
      JSON.stringify([
        await ds.query(`SELECT * FROM ticket_view ORDER BY id`),
        await ds.query(`SELECT * FROM ticket_messages ORDER BY id`),
      ]);
    const before = await dump();
    await ds.query(`UPDATE ticket_view SET subject = 'corrupted'`); // a damaged read model
    expect(await projectionsCommand.run(['rebuild'])).toBe(0);
    expect(await dump()).toEqual(before);
  });
});
