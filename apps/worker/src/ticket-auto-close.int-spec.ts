import { INestApplicationContext } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Principal } from '@kefu/platform';
import { createTestDatabase, testConfig, TestDatabase } from '@kefu/test-fixtures';
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

async function statusOf(ds: DataSource, id: string): Promise<string> {
  return (
    (await ds.query(`SELECT status FROM ticket_view WHERE id = $1`, [id])) as Array<{ status: string }>
  )[0].status;
}

async function waitFor(check: () => Promise<boolean>, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return check();
}

describe('auto-close of solved tickets (worker, real Postgres + Redis)', () => {
  let db: TestDatabase;
  let worker: INestApplicationContext;
  let tickets: TicketsService;
  let ds: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase();
    worker = await createWorker(testConfig(db, { TICKET_AUTO_CLOSE_SECONDS: '1' }));
    tickets = worker.get(TicketsService);
    ds = worker.get(DataSource);
  });
  afterAll(async () => {
    await worker?.close();
    await db?.drop();
  });

  const openSolved = async () => {
    const { result } = await tickets.open(partner, {
      subject: 'Refund missing',
      description: 'Merchant says it was sent',
      category: 'refund_not_received',
      customer: { id: 'cust-1' },
    });
    await tickets.setStatus(agent, result.id, { status: 'solved' });
    return result.id;
  };

  it('closes a solved ticket once its quiet period has passed', async () => {
    const id = await openSolved();
    expect(await statusOf(ds, id)).toBe('solved');
    expect(await waitFor(async () => (await statusOf(ds, id)) === 'closed', 10_000)).toBe(true);
    const events = (await ds.query(
      `SELECT event_type FROM es_events WHERE stream_id = $1 ORDER BY stream_position`,
      [id],
    )) as Array<{ event_type: string }>;
    expect(events.filter((e) => e.event_type === 'TicketClosed')).toHaveLength(1);
  });

  it('leaves a ticket the customer reopened within the quiet period alone', async () => {
    const id = await openSolved();
    await tickets.reply(customer, id, { body: 'It is still not there' });
    expect(await statusOf(ds, id)).toBe('open');
    // The job for the earlier `solved` fires after ~1 s and must find nothing to do.
    await new Promise((r) => setTimeout(r, 2500));
    expect(await statusOf(ds, id)).toBe('open');
  });
});
