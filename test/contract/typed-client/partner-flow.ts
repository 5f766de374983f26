// A partner's integration, written the way a partner would write it: openapi-fetch driven by the
// types openapi-typescript generates from Kefu's served /openapi.json. The contract test generates
// ./generated/kefu-openapi.ts, type-checks this file against it with tsc (strict), then runs it
// against the live API. A renamed route, parameter or field stops it compiling.
import createClient from 'openapi-fetch';
import type { components, paths } from './generated/kefu-openapi';

type Problem = components['schemas']['ProblemResource'];
type Ticket = components['schemas']['TicketResource'];
// Response headers are part of the generated types (a compile error if one is no longer declared).
type Replayed = paths['/v1/tickets']['post']['responses'][201]['headers']['Idempotent-Replayed'];
// The problem codes a partner switches on are an enum of the document.
const NOT_FOUND: Problem['code'] = 'not_found';
const VALIDATION_FAILED: Problem['code'] = 'validation_failed';

export interface PartnerFlowResult {
  created: Ticket[];
  replay: { sameTicket: boolean; header: Replayed | null };
  /** Every ticket id seen while paging with the cursor, in order, and the number of pages. */
  paged: { ids: string[]; pages: number; pageSize: number };
  problems: Array<{ status: number; contentType: string | null; problem: Problem }>;
}

export async function partnerFlow(
  baseUrl: string,
  apiKey: string,
  runId: string,
): Promise<PartnerFlowResult> {
  const kefu = createClient<paths>({ baseUrl, headers: { 'X-Api-Key': apiKey } });

  const open = async (n: number, key: string) => {
    const { data, error, response } = await kefu.POST('/v1/tickets', {
      params: { header: { 'Idempotency-Key': key } },
      body: {
        subject: `Payment failed ${runId} #${n}`,
        description: 'The merchant declined the wallet at checkout',
        category: 'payment_failed',
        customer: { id: `acc-${runId}`, name: 'Li Wei' },
        transaction: { id: `tx-${runId}-${n}`, amount: 1050, currency: 'CNY' },
        externalRef: `crm-${runId}-${n}`,
      },
    });
    if (error) throw new Error(`open ${n}: ${error.code}: ${error.detail}`);
    return { ticket: data, replayed: response.headers.get('Idempotent-Replayed') as Replayed | null };
  };

  const created: Ticket[] = [];
  for (let n = 1; n <= 5; n++) created.push((await open(n, `${runId}-open-${n}`)).ticket);
  const again = await open(1, `${runId}-open-1`);

  const pageSize = 2;
  const ids: string[] = [];
  let pages = 0;
  let cursor: string | undefined;
  do {
    const { data, error } = await kefu.GET('/v1/tickets', {
      params: { query: { limit: pageSize, ...(cursor ? { cursor } : {}) } },
    });
    if (error) throw new Error(`list: ${error.code}: ${error.detail}`);
    pages++;
    ids.push(...data.data.map((t) => t.id));
    cursor = data.nextCursor ?? undefined;
  } while (cursor && pages < 50);

  const problems: PartnerFlowResult['problems'] = [];
  const notAnId = await kefu.GET('/v1/tickets/{id}', { params: { path: { id: 'KF-not-a-uuid' } } });
  const unknown = await kefu.GET('/v1/tickets/{id}', {
    params: { path: { id: '00000000-0000-4000-8000-000000000000' } },
  });
  for (const r of [notAnId, unknown]) {
    if (!r.error) throw new Error(`expected a problem, got ${r.response.status}`);
    // `r.error` is typed as the problem document: no casts.
    const problem: Problem = r.error;
    if (problem.code !== VALIDATION_FAILED && problem.code !== NOT_FOUND)
      throw new Error(`unexpected problem ${problem.code}`);
    problems.push({
      status: r.response.status,
      contentType: r.response.headers.get('content-type'),
      problem,
    });
  }

  return {
    created,
    replay: { sameTicket: again.ticket.id === created[0].id, header: again.replayed },
    paged: { ids, pages, pageSize },
    problems,
  };
}
