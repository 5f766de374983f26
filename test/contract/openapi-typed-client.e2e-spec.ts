import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { ApiKeyService } from '@kefu/platform';
import { ApiTestApp, startApiApp } from '../e2e/support/api-app';
import { ROOT, bin, run, tempDir } from './support/tools';

// openapi-typescript generates types from the served /openapi.json, tsc type-checks the partner's
// openapi-fetch client (typed-client/partner-flow.ts) against them, and the same client then runs
// against the live API. The generated file is written fresh each run (git-ignored), so a route
// another module adds never makes it stale, and a route or field the client uses that changes
// fails the compile step.

/** What typed-client/partner-flow.ts returns (that file is compiled apart: see its tsconfig). */
interface PartnerFlowResult {
  created: Array<{ id: string }>;
  replay: { sameTicket: boolean; header: string | null };
  paged: { ids: string[]; pages: number; pageSize: number };
  problems: Array<{
    status: number;
    contentType: string | null;
    problem: { code: string; errors?: Array<{ field: string }> };
  }>;
}

const CLIENT_DIR = join(ROOT, 'test/contract/typed-client');
const GENERATED = join(CLIENT_DIR, 'generated', 'kefu-openapi.ts');

describe('typed partner client (openapi-typescript + openapi-fetch + tsc)', () => {
  jest.setTimeout(180_000);
  let t: ApiTestApp;
  let baseUrl: string;
  let apiKey: string;
  const tmp = tempDir('typed-client');

  beforeAll(async () => {
    t = await startApiApp();
    const addr = t.server.address();
    if (!addr || typeof addr === 'string') throw new Error('the API is not listening on a port');
    baseUrl = `http://127.0.0.1:${addr.port}`;
    apiKey = (await t.app.get(ApiKeyService).create('chat', 'typed-client-partner')).secret;
  });
  afterAll(async () => {
    tmp.remove();
    await t?.close();
  });

  it('generates types from /openapi.json and the client compiles against them (tsc --strict)', async () => {
    const doc = await request(t.server).get('/openapi.json').expect(200);
    const file = join(tmp.dir, 'openapi.json');
    writeFileSync(file, JSON.stringify(doc.body));
    mkdirSync(join(CLIENT_DIR, 'generated'), { recursive: true });
    const gen = await run(bin('openapi-typescript'), [file, '--output', GENERATED]);
    expect({ code: gen.code, stderr: gen.code === 0 ? '' : gen.stderr }).toEqual({ code: 0, stderr: '' });
    const tsc = await run(process.execPath, [
      join(ROOT, 'node_modules/typescript/bin/tsc'),
      '-p',
      join(CLIENT_DIR, 'tsconfig.json'),
    ]);
    // tsc prints its diagnostics on stdout.
    expect({ code: tsc.code, diagnostics: tsc.stdout }).toEqual({ code: 0, diagnostics: '' });
  });

  it('tsc refuses the same client when the document loses a field it uses (the check can fail)', async () => {
    const doc = (await request(t.server).get('/openapi.json').expect(200)).body as {
      components: { schemas: Record<string, { properties: Record<string, unknown>; required?: string[] }> };
    };
    const list = doc.components.schemas.TicketListResource;
    delete list.properties.nextCursor;
    list.required = list.required?.filter((r) => r !== 'nextCursor');
    const file = join(tmp.dir, 'without-next-cursor.json');
    writeFileSync(file, JSON.stringify(doc));
    // A copy of the client next to types generated from that document, inside the repository so
    // that openapi-fetch resolves from node_modules; same compiler options.
    const dir = join(CLIENT_DIR, 'generated', `broken-${randomBytes(4).toString('hex')}`);
    mkdirSync(join(dir, 'generated'), { recursive: true });
    try {
      copyFileSync(join(CLIENT_DIR, 'partner-flow.ts'), join(dir, 'partner-flow.ts'));
      writeFileSync(
        join(dir, 'tsconfig.json'),
        JSON.stringify({ extends: '../../tsconfig.json', include: ['*.ts', 'generated/*.ts'] }),
      );
      const gen = await run(bin('openapi-typescript'), [
        file,
        '--output',
        join(dir, 'generated', 'kefu-openapi.ts'),
      ]);
      expect(gen.code).toBe(0);
      const tsc = await run(process.execPath, [
        join(ROOT, 'node_modules/typescript/bin/tsc'),
        '-p',
        join(dir, 'tsconfig.json'),
      ]);
      expect(tsc.code).not.toBe(0);
      expect(tsc.stdout).toMatch(/partner-flow\.ts.*Property 'nextCursor' does not exist/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('creates tickets, replays one, pages the list with the cursor and reads problems as typed values', async () => {
    // By path, so the repository's typecheck does not follow it into the generated types.
    const { partnerFlow } = (await import(join(CLIENT_DIR, 'partner-flow'))) as {
      partnerFlow: (baseUrl: string, apiKey: string, runId: string) => Promise<PartnerFlowResult>;
    };
    const r = await partnerFlow(baseUrl, apiKey, randomBytes(4).toString('hex'));
    expect(r.created).toHaveLength(5);
    expect(r.created[0]).toMatchObject({
      id: expect.any(String),
      number: expect.stringMatching(/^KF-\d{6,}$/),
      status: 'new',
      priority: 'normal',
      version: expect.any(Number),
    });
    expect(r.replay).toEqual({ sameTicket: true, header: 'true' });
    // Every ticket exactly once, in pages of at most the limit.
    expect([...r.paged.ids].sort()).toEqual(r.created.map((c) => c.id).sort());
    expect(r.paged.pages).toBe(Math.ceil(5 / r.paged.pageSize));
    // Ids are opaque: one of another shape is as unknown as a well-formed one (issue 12).
    expect(r.problems.map((p) => [p.status, p.problem.code])).toEqual([
      [404, 'not_found'],
      [404, 'not_found'],
    ]);
    for (const p of r.problems) expect(p.contentType).toMatch(/^application\/problem\+json/);
    expect(r.problems[0].problem.errors).toBeUndefined();
  });
});
