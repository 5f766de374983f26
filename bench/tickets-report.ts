import type { TicketsBenchReport, TicketsCase } from './tickets.bench';

const f = (n: number, d = 2) => (Number.isFinite(n) ? n.toFixed(d) : '–');

function baselineOf(cases: TicketsCase[], c: TicketsCase): TicketsCase | undefined {
  return cases.find(
    (b) => b.impl === 'baseline' && b.scenario === c.scenario && b.clients === c.clients && b.result,
  );
}

/** The results table: every case, with ours/baseline ratios on our rows. */
export function ticketsTable(cases: TicketsCase[]): string {
  const lines = [
    '| scenario | clients | impl | request | req/s | p50 ms | p99 ms | errors | ours/baseline req/s | ours/baseline p99 |',
    '|---|---:|---|---|---:|---:|---:|---:|---:|---:|',
  ];
  for (const c of cases) {
    const head = `| ${c.scenario} | ${c.clients} | ${c.impl} | ${c.request} |`;
    if (!c.result) {
      lines.push(`${head} ${c.skipped ?? 'skipped'} | | | | | |`);
      continue;
    }
    const r = c.result;
    const b = c.impl === 'ours' ? baselineOf(cases, c)?.result : undefined;
    const tput = b ? `${f(r.perSecond / b.perSecond)}×` : '–';
    const p99 = b ? `${f(r.p99Ms / b.p99Ms)}×` : '–';
    lines.push(
      `${head} ${f(r.perSecond, 0)} | ${f(r.p50Ms)} | ${f(r.p99Ms)} | ${r.errors} | ${tput} | ${p99} |`,
    );
  }
  return lines.join('\n');
}

export function ticketsMarkdown(
  report: TicketsBenchReport,
  meta: { started: Date; seconds: number; warmupSeconds: number; environment: string[] },
): string {
  const profiles = [
    '| request | SQL round trips / request | SQL wall ms / request | Node busy ms / request | mean latency ms (1 client) |',
    '|---|---:|---:|---:|---:|',
    ...report.profiles.map(
      (p) =>
        `| ${p.name} | ${f(p.queriesPerRequest, 1)} | ${f(p.sqlMsPerRequest)} | ${f(p.nodeBusyMsPerRequest)} | ${f(p.latencyMsPerRequest)} |`,
    ),
  ];
  const statements = report.profiles.flatMap((p) => [
    '',
    `${p.name}, one request (${p.statements.length} statements in ${f(p.queriesPerRequest, 0)} round trips; mean ms over the sequential run):`,
    '',
    ...p.statements.map((s, i) => `${i + 1}. ${f(s.avgMs)} ms \`${s.sql.replace(/`/g, "'")}\``),
  ]);
  const same = Object.entries(report.graphql.samePage).map(
    ([scenario, ok]) =>
      `- ${scenario}: ours and the baseline returned ${ok ? 'the same page (50 tickets, every selected field, cursors and pageInfo)' : '**different data**'}.`,
  );
  return [
    '# Tickets benchmark',
    '',
    `Run ${meta.started.toISOString()} with \`npm run bench\` (bench/tickets.bench.ts): ${meta.seconds} s per case after ` +
      `${meta.warmupSeconds} s of warm-up, closed-loop HTTP clients (keep-alive, one connection each) in a worker thread ` +
      'of the benchmark process; the API and the baseline app listen on 127.0.0.1 in its main thread. After one warm-up each, ' +
      'baseline and ours alternate in slices of about a second (ABBA), so that load from elsewhere on the machine falls on both alike.',
    '',
    ...meta.environment,
    '- NODE_ENV=production in the benchmark process, as in docker/Dockerfile (graphql-js and Express take their production',
    '  code paths), and the API on a production-mode config with throwaway secrets; LOG_LEVEL=warn.',
    `- One fresh migrated database, seeded with ${report.seed.tickets} ticket_view rows, ${report.seed.agents} agent_view rows` +
      (report.seed.events ? ` and ${report.seed.events} events behind the tickets (es_events)` : '') +
      ' ' +
      `(one INSERT ... SELECT generate_series each with the secondary indexes dropped and rebuilt from their definitions, then ANALYZE: ${f(report.seed.seconds, 1)} s). DB pool ${report.poolSize} ` +
      'connections for the API (TypeORM) and the baseline (pg.Pool) alike.',
    '',
    ticketsTable(report.cases),
    '',
    ...(report.graphql.skipped
      ? [`GraphQL: ${report.graphql.skipped} (the baseline rows are measured anyway).`, '']
      : []),
    ...(same.length ? [...same, ''] : []),
    'Cases:',
    '',
    '- **open a ticket**: ours is `POST /v1/tickets` with a partner `X-Api-Key` and a ~700-byte body (customer, transaction, tags;',
    '  unique per request, with a unique Idempotency-Key); the baseline is a plain NestJS 11 + Express app (bench/baseline-app.ts) whose',
    '  `POST /baseline` checks four fields and runs `BEGIN; INSERT INTO bench_tickets (id uuid, body jsonb, created_at); COMMIT`',
    '  through a `pg.Pool`. Success is 201.',
    '- **50-ticket page**: ours is `POST /graphql` with an agent bearer token, `tickets(first: 50, filter: …, orderBy: UPDATED_AT DESC)`',
    '  selecting id, number, subject, status, priority, `assignee { id name }`, `customer { id name }` and',
    '  `sla { firstResponse { status dueAt } resolution { status dueAt } }`; the baseline is `GET /baseline/tickets`, one',
    '  `SELECT … FROM ticket_view WHERE … ORDER BY updated_at DESC, id DESC LIMIT 51`, one `agent_view` query for the',
    "  assignees and one `pii_data_keys` query to open the customers' sealed names (AES-GCM, as the API does), as JSON of the",
    '  same shape; the benchmark checks that both answer the same data. Every seeded customer has a data key and a sealed',
    '  name and email; every ticket has SLA clocks. A 200 whose body contains `"errors"` counts as an error.',
    '- "ours/baseline" compares with the baseline of the same scenario and client count in this run: above 1× is better for',
    '  req/s, below 1× is better for p99.',
    '',
    '## SQL round trips per request',
    '',
    'Traced in-process by wrapping `pg.Client.prototype.query` (bench/query-trace.ts) while one client sends requests in',
    'sequence. "SQL wall" is from `client.query()` to its result being handled, so it includes any time the event loop was',
    'busy with other work before getting to the result; "Node busy" is the event-loop utilisation of the thread that runs',
    'the apps (HTTP, middleware, guards, validation, GraphQL, the domain, serialisation and the pg protocol), per request.',
    '',
    ...profiles,
    ...statements,
    '',
  ].join('\n');
}

/**
 * BENCH_CASES runs a subset of the scenarios: the table rows, the round-trip rows and the statement
 * lists of the scenarios not run are carried over from the previous result file, marked as such.
 */
export function keepRowsNotRun(
  previous: string,
  next: string,
  ran: { pages: boolean; rest: boolean },
): string {
  const isPage = (line: string) => /50-ticket page|POST \/graphql|GET \/baseline\/tickets/.test(line);
  const notRun = (line: string) => (isPage(line) ? !ran.pages : !ran.rest);
  // Rows already carried over keep the date of the run that measured them.
  const prevDate =
    /carried over from the run of (\S+?)\.?$/m.exec(previous)?.[1] ??
    /^Run (\S+)/m.exec(previous)?.[1] ??
    'an earlier run';
  const tableRows = (md: string, header: RegExp) => {
    const lines = md.split('\n');
    const start = lines.findIndex((l) => header.test(l));
    if (start < 0) return { start, end: start, rows: [] as string[] };
    let end = start + 2;
    while (end < lines.length && lines[end].startsWith('|')) end++;
    return { start, end, rows: lines.slice(start + 2, end) };
  };
  let out = next;
  for (const header of [/^\| scenario \| clients/, /^\| request \| SQL round trips/]) {
    const old = tableRows(previous, header).rows.filter(notRun);
    const lines = out.split('\n');
    const cur = tableRows(out, header);
    if (cur.start < 0 || old.length === 0) continue;
    lines.splice(cur.end, 0, ...old);
    out = lines.join('\n');
  }
  // Statement lists: "<request>, one request (…):" blocks.
  const blocks = previous.split('\n\n').filter((b, i, all) => {
    const head = /^(.*), one request \(/.exec(b);
    return head && notRun(head[1]) && i + 1 < all.length;
  });
  const oldLists = previous
    .split('\n\n')
    .flatMap((b, i, all) => (blocks.includes(b) ? [b, all[i + 1]] : []))
    .join('\n\n');
  if (oldLists) out = `${out.trimEnd()}\n\n${oldLists}\n`;
  const which = ran.pages ? 'ticket creation (REST)' : 'the GraphQL pages';
  return out.replace(
    /^(Run \S+ .*)$/m,
    `$1\n\nOnly ${ran.pages ? 'the GraphQL pages' : 'ticket creation'} ran this time (BENCH_CASES); the rows of ${which} are carried over from the run of ${prevDate}.`,
  );
}
