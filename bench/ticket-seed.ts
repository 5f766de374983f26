import { Client } from 'pg';
import { deriveKek, masterKeyId, newDataKey, sealValue, wrapDataKey } from '@kefu/platform';

// Read-model rows written straight into ticket_view / agent_view (no events behind them): the
// GraphQL read path only looks at the read model. One INSERT ... SELECT generate_series each.

export const SEED_AGENTS = 200;

const AGENTS_SQL = `
INSERT INTO agent_view (id, name, tier, languages, categories, available, max_open_tickets, created_at, updated_at, version)
SELECT 'agent-' || lpad(g::text, 3, '0'),
       (ARRAY['Li','Wang','Zhang','Liu','Chen','Yang','Zhao','Huang','Zhou','Wu'])[1 + g % 10] || ' ' ||
       (ARRAY['Wei','Fang','Min','Jing','Lei','Yan','Tao','Xin','Hui','Jun'])[1 + (g / 10) % 10],
       CASE WHEN g % 10 < 7 THEN 'L1' WHEN g % 10 < 9 THEN 'L2' ELSE 'L3' END,
       CASE WHEN g % 3 = 0 THEN ARRAY['zh-CN','en'] ELSE ARRAY['zh-CN'] END,
       ARRAY['payment_failed','refund','refund_not_received','technical','account_locked'],
       g % 5 <> 0, 25,
       now() - interval '400 days', now() - interval '2 days', 3
FROM generate_series(0, $1::int - 1) g`;

// Per row: random draws first (r.*), then values derived from them, so that status, times,
// assignee and SLA fields agree with each other. Categories are skewed (payments and refunds most
// common); open/pending tickets are a third; about half of all tickets have one of 200 assignees.
const TICKETS_SQL = `
WITH r AS (
  SELECT g, random() AS rs, random() AS rp, random() AS rc, random() AS rch, random() AS rt, random() AS ra,
         random() AS rtag, random() AS rtag2, random() AS rtext, random() AS rl, random() AS ro,
         1 + floor(random() * 30000)::int AS cust, floor(random() * ($2::int))::int AS agent,
         now() - random() * interval '180 days' AS created_at, random() AS rupd
    FROM generate_series(1, $1::int) g
), d AS (
  SELECT r.*,
    (ARRAY['payment_failed','refund','refund_not_received','transaction_dispute','account_locked','password_reset',
           'abnormal_charge','card_unbinding','fees','technical','cross_border','feature_question','account_stolen',
           'complaint','privacy','other'])[1 + floor(power(rc, 1.7) * 16)::int] AS category,
    CASE WHEN rs < 0.05 THEN 'new' WHEN rs < 0.25 THEN 'open' WHEN rs < 0.38 THEN 'pending'
         WHEN rs < 0.43 THEN 'on_hold' WHEN rs < 0.63 THEN 'solved' ELSE 'closed' END AS status,
    CASE WHEN rp < 0.15 THEN 'low' WHEN rp < 0.70 THEN 'normal' WHEN rp < 0.92 THEN 'high' ELSE 'urgent' END AS priority,
    CASE WHEN rch < 0.35 THEN 'app' WHEN rch < 0.50 THEN 'web' WHEN rch < 0.70 THEN 'chat' WHEN rch < 0.85 THEN 'phone'
         WHEN rch < 0.95 THEN 'email' WHEN rch < 0.98 THEN 'social' ELSE 'partner' END AS channel,
    CASE WHEN rt < 0.80 THEN 'L1' WHEN rt < 0.95 THEN 'L2' ELSE 'L3' END AS tier,
    least(now(), created_at + power(rupd, 2) * interval '14 days') AS updated_at
  FROM r
)
INSERT INTO ticket_view (id, number, subject, description, category, priority, priority_rank, status, channel,
  language, customer_id, customer, "transaction", tags, tier, escalation_level, assignee_id, opened_by_kind,
  opened_by_id, reopen_count, message_count, public_message_count, first_agent_reply_at, solved_at, closed_at,
  next_sla_due_at, sla_breached, created_at, updated_at, version)
SELECT gen_random_uuid()::text,
  'KF-' || lpad(g::text, 6, '0'),
  CASE category
    WHEN 'payment_failed' THEN 'Payment failed at checkout'
    WHEN 'refund' THEN 'Where is my refund?'
    WHEN 'refund_not_received' THEN 'Refund not received after 7 days'
    WHEN 'transaction_dispute' THEN 'I did not make this payment'
    WHEN 'account_locked' THEN 'Account locked after password attempts'
    WHEN 'abnormal_charge' THEN 'Charged twice for one order'
    ELSE 'Question about ' || replace(category, '_', ' ')
  END || ' #' || (g % 997),
  CASE WHEN rtext < 0.3 THEN 'The merchant says the wallet declined, but the money left my balance. Order '
       ELSE 'Please look into this, the app shows an error and support chat did not help. Reference ' END
    || g || CASE WHEN rl < 0.7 THEN ' 请尽快处理。' ELSE '.' END,
  category, priority,
  CASE priority WHEN 'low' THEN 0 WHEN 'normal' THEN 1 WHEN 'high' THEN 2 ELSE 3 END,
  status, channel,
  CASE WHEN rl < 0.7 THEN 'zh-CN' ELSE 'en' END,
  'acc-' || cust,
  jsonb_build_object('id', 'acc-' || cust),
  CASE WHEN category IN ('payment_failed','refund','refund_not_received','transaction_dispute','abnormal_charge')
       THEN jsonb_build_object('id', 'tx-' || g, 'amount', 100 + (g * 7919) % 200000, 'currency', 'CNY', 'merchantId', 'm-' || (g % 500))
  END,
  array_remove(ARRAY[
    CASE WHEN rtag < 0.6 THEN CASE
      WHEN category LIKE 'refund%' THEN 'refund'
      WHEN category IN ('payment_failed','abnormal_charge','fees','cross_border') THEN 'payments'
      WHEN category LIKE 'account%' OR category = 'password_reset' THEN 'account'
      WHEN category = 'card_unbinding' THEN 'card'
      ELSE 'general' END END,
    CASE WHEN rtag2 < 0.15 THEN (ARRAY['vip','repeat-contact','weekend','app-crash','merchant','cross-border'])[1 + floor(rtag2 * 40)::int] END
  ], NULL),
  tier,
  CASE tier WHEN 'L1' THEN 0 WHEN 'L2' THEN 1 ELSE 2 END,
  CASE WHEN status <> 'new' AND ra < 0.53 THEN 'agent-' || lpad(agent::text, 3, '0') END,
  CASE WHEN ro < 0.3 THEN 'partner' WHEN ro < 0.8 THEN 'customer' ELSE 'agent' END,
  CASE WHEN ro < 0.3 THEN channel WHEN ro < 0.8 THEN 'acc-' || cust ELSE 'agent-' || lpad(agent::text, 3, '0') END,
  CASE WHEN rupd > 0.9 THEN 1 ELSE 0 END,
  1 + floor(rupd * 8)::int, 1 + floor(rupd * 6)::int,
  CASE WHEN status <> 'new' THEN created_at + interval '20 minutes' END,
  CASE WHEN status IN ('solved','closed') THEN updated_at END,
  CASE WHEN status = 'closed' THEN updated_at END,
  CASE WHEN status IN ('new','open','pending') THEN updated_at + interval '1 day' ELSE 'infinity' END,
  status IN ('new','open','pending') AND updated_at + interval '1 day' < now(),
  created_at, updated_at, 2 + floor(rupd * 9)::int
FROM d`;

/**
 * Inserts the agents and `tickets` tickets, moves the ticket number sequence past them, ANALYZE, CHECKPOINT.
 * Bulk load: ticket_view's secondary indexes are dropped first and rebuilt afterwards from their own
 * definitions (pg_indexes), several times faster than maintaining eleven indexes (two GIN) row by row;
 * the GIN ones (the trigram index is most of the time) are built on a second connection meanwhile.
 */
export async function seedTickets(databaseUrl: string, tickets: number): Promise<{ seconds: number }> {
  const connect = async () => {
    const c = new Client({ connectionString: databaseUrl, application_name: 'kefu-bench-seed' });
    await c.connect();
    await c.query(`SET maintenance_work_mem = '256MB'`);
    return c;
  };
  const c = await connect();
  const t0 = performance.now();
  try {
    await c.query(AGENTS_SQL, [SEED_AGENTS]);
    const indexes = (
      await c.query<{ name: string; def: string }>(
        `SELECT i.indexname AS name, i.indexdef AS def FROM pg_indexes i
          WHERE i.schemaname = current_schema() AND i.tablename = 'ticket_view'
            AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conname = i.indexname)`,
      )
    ).rows;
    for (const i of indexes) await c.query(`DROP INDEX "${i.name.replace(/"/g, '""')}"`);
    await c.query(TICKETS_SQL, [tickets, SEED_AGENTS]);
    const gin = indexes.filter((i) => / USING gin /i.test(i.def));
    const c2 = await connect();
    try {
      await Promise.all([
        (async () => {
          for (const i of gin) await c2.query(i.def);
        })(),
        (async () => {
          for (const i of indexes.filter((x) => !gin.includes(x))) await c.query(i.def);
        })(),
      ]);
    } finally {
      await c2.end();
    }
    // New tickets (the REST case) continue the numbering instead of colliding with the seeded ones.
    await c.query(`SELECT setval('ticket_number_seq', $1::bigint)`, [tickets]);
    await c.query('ANALYZE ticket_view');
    await c.query('ANALYZE agent_view');
    // Flush the seeded pages now: otherwise the checkpointer writes them out during the measurements
    // and every commit (fsync) in the REST case waits behind it (seen: p99 over a second).
    await c.query('CHECKPOINT');
  } finally {
    await c.end();
  }
  return { seconds: (performance.now() - t0) / 1000 };
}

/** The SLA clocks of a seeded ticket (the default policy): running while open, met once solved. */
const SLA_SQL = `jsonb_build_object(
  'policyId', 'default',
  'firstResponse', jsonb_build_object(
    'dueAt', to_char((t.created_at + interval '1 hour') AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
    'status', CASE WHEN t.first_agent_reply_at IS NULL THEN 'active' ELSE 'met' END,
    'metAt', to_char(t.first_agent_reply_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
    'breachedAt', NULL),
  'nextResponse', NULL,
  'resolution', jsonb_build_object(
    'dueAt', to_char((t.created_at + interval '3 days') AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
    'status', CASE WHEN t.solved_at IS NULL THEN CASE WHEN t.sla_breached THEN 'breached' ELSE 'active' END ELSE 'met' END,
    'metAt', to_char(t.solved_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
    'breachedAt', NULL))`;

/**
 * Gives every seeded customer (acc-1 … acc-N, as TICKETS_SQL draws them) a data key and seals their
 * name and email into ticket_view.customer, as the inline projection stores them, and gives every ticket
 * SLA clocks: GraphQL pages then pay for opening personal data and mapping SLA targets as in production.
 */
export async function enrichSeededTickets(
  databaseUrl: string,
  masterKey: Buffer,
  customers = 30_000,
): Promise<{ seconds: number }> {
  const t0 = performance.now();
  const kek = deriveKek(masterKey);
  const keyId = masterKeyId(masterKey);
  const ids: string[] = [];
  const wrapped: string[] = [];
  const names: string[] = [];
  const emails: string[] = [];
  for (let i = 1; i <= customers; i++) {
    const id = `acc-${i}`;
    const key = newDataKey();
    ids.push(id);
    wrapped.push(wrapDataKey(kek, key, id, 1));
    names.push(sealValue(key, { subjectId: id, generation: 1 }, `Customer ${i}`));
    emails.push(sealValue(key, { subjectId: id, generation: 1 }, `customer${i}@example.com`));
  }
  const c = new Client({ connectionString: databaseUrl, application_name: 'kefu-bench-seed' });
  await c.connect();
  try {
    await c.query(
      `INSERT INTO pii_data_keys (subject_id, generation, wrapped_key, master_key_id)
       SELECT s, 1, w, $3 FROM unnest($1::text[], $2::text[]) AS x(s, w)`,
      [ids, wrapped, keyId],
    );
    await c.query(
      `UPDATE ticket_view t SET customer = t.customer || jsonb_build_object('name', x.n, 'email', x.e),
              sla = ${SLA_SQL}
         FROM unnest($1::text[], $2::text[], $3::text[]) AS x(s, n, e) WHERE t.customer_id = x.s`,
      [ids, names, emails],
    );
    await c.query('VACUUM ANALYZE ticket_view');
    await c.query('ANALYZE pii_data_keys');
    await c.query('CHECKPOINT');
  } finally {
    await c.end();
  }
  return { seconds: (performance.now() - t0) / 1000 };
}

/**
 * `perTicket` events behind every seeded ticket (es_streams + es_events, one INSERT … SELECT each;
 * the log's secondary index rebuilt afterwards): the page reads only ticket_view, but runs against a
 * database whose log has the size production has (BENCH_EVENTS_PER_TICKET; 10 → 1M events for 100k).
 */
export async function seedEvents(
  databaseUrl: string,
  perTicket: number,
): Promise<{ seconds: number; events: number }> {
  const t0 = performance.now();
  const c = new Client({ connectionString: databaseUrl, application_name: 'kefu-bench-seed' });
  await c.connect();
  try {
    await c.query(`SET maintenance_work_mem = '256MB'`);
    await c.query(
      `INSERT INTO es_streams (stream_id, stream_type, version, created_at, updated_at)
                   SELECT id, 'ticket', $1, created_at, updated_at FROM ticket_view`,
      [perTicket],
    );
    await c.query(`DROP INDEX IF EXISTS es_events_log_order_idx`);
    const r = await c.query(
      `INSERT INTO es_events (stream_id, stream_type, stream_position, event_id, event_type, data, metadata, created_at)
       SELECT t.id, 'ticket', g, gen_random_uuid(),
              CASE WHEN g = 1 THEN 'TicketOpened' ELSE 'MessagePosted' END,
              jsonb_build_object('ticketId', t.id, 'body', 'Seeded message ' || g || ' of ' || t.number,
                                 'author', jsonb_build_object('kind', 'customer', 'id', t.customer_id)),
              jsonb_build_object('correlationId', gen_random_uuid(), 'actor', jsonb_build_object('kind', 'system', 'id', 'seed')),
              t.created_at + g * interval '1 minute'
         FROM ticket_view t, generate_series(1, $1::int) g`,
      [perTicket],
    );
    await c.query(`CREATE INDEX es_events_log_order_idx ON es_events (transaction_id, global_position)`);
    await c.query('VACUUM ANALYZE es_events');
    await c.query('ANALYZE es_streams');
    await c.query('CHECKPOINT');
    return { seconds: (performance.now() - t0) / 1000, events: r.rowCount ?? 0 };
  } finally {
    await c.end();
  }
}
