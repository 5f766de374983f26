import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import request from 'supertest';
import { PUBLIC_EVENT_TYPES, TAG_DESCRIPTIONS, publicEventSchemaName } from '@kefu/platform';
import { ApiTestApp, startApiApp } from '../e2e/support/api-app';
import { ROOT, bin, run, tempDir } from './support/tools';

// The served /openapi.json as partners' own tools see it: Redocly CLI (recommended ruleset) and
// Spectral (spectral:oas), the real CLIs from devDependencies, must report no error; and the
// properties those rulesets do not check are checked over the whole document, so a route another
// module adds is held to them without being listed here.

type Json = Record<string, unknown>;
interface Operation {
  key: string;
  op: Json;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch'];

function operations(doc: Json): Operation[] {
  const out: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths as Record<string, Json>)) {
    for (const m of METHODS)
      if (item[m]) out.push({ key: `${m.toUpperCase()} ${path}`, op: item[m] as Json });
  }
  return out;
}

const responsesOf = (op: Json) => Object.entries(op.responses as Record<string, Json>);
const headerNames = (r: Json) => Object.keys((r.headers as Json | undefined) ?? {});

interface RedoclyProblem {
  ruleId: string;
  severity: string;
  message: string;
  location: Array<{ pointer: string; source: { ref: string } }>;
}
interface SpectralResult {
  code: string;
  severity: number; // 0 error, 1 warning, 2 info, 3 hint
  message: string;
  path: string[];
  source: string;
}

/** Redocly CLI `lint` over several files in one run, its problems per file. */
async function redocly(files: string[]): Promise<Map<string, RedoclyProblem[]>> {
  const config = join(ROOT, 'test/contract/redocly.yaml');
  const r = await run(bin('redocly'), ['lint', ...files, '--config', config, '--format', 'json']);
  // One JSON report per file, one after the other.
  let problems: RedoclyProblem[];
  try {
    problems = r.stdout
      .trim()
      .split(/(?<=^\})(?=\{)/m)
      .flatMap((chunk) => (JSON.parse(chunk) as { problems: RedoclyProblem[] }).problems);
  } catch {
    throw new Error(`redocly lint gave no report (exit ${r.code}):\n${r.stdout}\n${r.stderr}`);
  }
  const byFile = new Map(files.map((f) => [f, [] as RedoclyProblem[]]));
  for (const p of problems) {
    const ref = p.location[0]?.source.ref ?? '';
    // Redocly names the file relative to its working directory (ROOT) when it can, e.g.
    // ../kefu-openapi-x/openapi.json for a checkout in /tmp: compare resolved paths.
    const file = files.find((f) => resolve(ROOT, f) === resolve(ROOT, ref));
    if (!file) throw new Error(`redocly: a problem in an unexpected file ${ref}`);
    byFile.get(file)!.push(p);
  }
  return byFile;
}

/** Spectral `lint` over several files in one run, its results per file. */
async function spectral(files: string[]): Promise<Map<string, SpectralResult[]>> {
  const ruleset = join(ROOT, 'test/contract/spectral.yaml');
  const r = await run(bin('spectral'), ['lint', ...files, '-r', ruleset, '-f', 'json', '--quiet']);
  let results: SpectralResult[];
  try {
    results = JSON.parse(r.stdout.trim() || '[]') as SpectralResult[];
  } catch {
    throw new Error(`spectral lint gave no report (exit ${r.code}):\n${r.stdout}\n${r.stderr}`);
  }
  return new Map(files.map((f) => [f, results.filter((x) => x.source === f)]));
}

describe('OpenAPI document (Redocly CLI, Spectral, and whole-document rules)', () => {
  jest.setTimeout(120_000);
  let t: ApiTestApp;
  let doc: Json;
  const tmp = tempDir('openapi');
  const file = join(tmp.dir, 'openapi.json');
  const brokenFile = join(tmp.dir, 'broken.json');
  let redoclyProblems: Map<string, RedoclyProblem[]>;
  let spectralResults: Map<string, SpectralResult[]>;

  beforeAll(async () => {
    t = await startApiApp();
    doc = (await request(t.server).get('/openapi.json').expect(200)).body as Json;
    writeFileSync(file, JSON.stringify(doc, null, 2));
    // A copy with what the rulesets must catch, linted in the same runs: proves they can fail.
    const broken = JSON.parse(JSON.stringify(doc)) as Json;
    const first = operations(broken)[0].op;
    delete first.security;
    delete first.summary;
    broken.servers = [];
    writeFileSync(brokenFile, JSON.stringify(broken));
    [redoclyProblems, spectralResults] = await Promise.all([
      redocly([file, brokenFile]),
      spectral([file, brokenFile]),
    ]);
  });
  afterAll(async () => {
    tmp.remove();
    await t?.close();
  });

  it('passes Redocly CLI `lint` with the recommended ruleset: no error', () => {
    const problems = redoclyProblems.get(file)!;
    const errors = problems.filter((p) => p.severity === 'error');
    expect(errors.map((p) => `${p.ruleId} at ${p.location[0]?.pointer}: ${p.message}`)).toEqual([]);
    for (const w of problems.filter((p) => p.severity !== 'error'))
      process.stderr.write(`redocly warning: ${w.ruleId} at ${w.location[0]?.pointer}\n`);
  });

  it('passes Spectral `spectral:oas`: no error', () => {
    const results = spectralResults.get(file)!;
    const errors = results.filter((r) => r.severity === 0);
    expect(errors.map((r) => `${r.code} at ${r.path.join('.')}: ${r.message}`)).toEqual([]);
    for (const w of results.filter((r) => r.severity === 1))
      process.stderr.write(`spectral warning: ${w.code} at ${w.path.join('.')}\n`);
  });

  it('the same runs fail the broken copy (so the two checks above can fail)', () => {
    const rules = redoclyProblems
      .get(brokenFile)!
      .filter((p) => p.severity === 'error')
      .map((p) => p.ruleId);
    expect(rules).toEqual(
      expect.arrayContaining(['security-defined', 'operation-summary', 'no-empty-servers']),
    );
    expect(spectralResults.get(brokenFile)!.map((r) => r.code)).toContain('oas3-api-servers');
  });

  it('is OpenAPI 3.1 with servers, and lists every tag in use', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect((doc.servers as Json[]).length).toBeGreaterThan(0);
    const tags = new Map((doc.tags as Json[]).map((t) => [t.name as string, t.description]));
    const used = new Set(operations(doc).flatMap(({ op }) => (op.tags as string[] | undefined) ?? []));
    expect([...used].filter((t) => !tags.has(t))).toEqual([]);
    // A tag a new module brings is listed without a description until TAG_DESCRIPTIONS has it
    // (openapi-document.ts): reported, not fatal, so adding a module does not break this file.
    for (const tag of [...used].filter((t) => typeof tags.get(t) !== 'string'))
      process.stderr.write(`openapi: tag ${tag} has no description (TAG_DESCRIPTIONS)\n`);
    for (const tag of Object.keys(TAG_DESCRIPTIONS).filter((t) => used.has(t)))
      expect({ tag, described: typeof tags.get(tag) === 'string' }).toEqual({ tag, described: true });
  });

  it('declares security on every operation: X-Api-Key and bearer schemes, `security: []` on public routes', () => {
    const schemes = (doc.components as Json).securitySchemes as Record<string, Json>;
    expect(schemes.apiKey).toMatchObject({ type: 'apiKey', in: 'header', name: 'X-Api-Key' });
    expect(schemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    const missing = operations(doc).filter(({ op }) => !Array.isArray(op.security));
    expect(missing.map((o) => o.key)).toEqual([]);
    const byKey = new Map(operations(doc).map((o) => [o.key, o.op.security]));
    // Spot checks of the guard's metadata: public, partner-only, both.
    expect(byKey.get('GET /health/live')).toEqual([]);
    expect(byKey.get('GET /v1/surveys/{token}')).toEqual([]);
    expect(byKey.get('POST /v1/refunds/{id}/payout-result')).toEqual([{ apiKey: [] }]);
    expect(byKey.get('POST /v1/tickets')).toEqual([{ bearer: [] }, { apiKey: [] }]);
  });

  it('documents Idempotency-Key on every POST, and Idempotent-Replayed on its success responses', () => {
    for (const { key, op } of operations(doc).filter((o) => o.key.startsWith('POST '))) {
      const params = (op.parameters as Json[] | undefined) ?? [];
      const idem = params.find((p) => p.in === 'header' && p.name === 'Idempotency-Key');
      expect({ key, idempotencyKey: Boolean(idem) }).toEqual({ key, idempotencyKey: true });
      for (const [status, r] of responsesOf(op).filter(([s]) => s.startsWith('2')))
        expect({ key, status, headers: headerNames(r) }).toEqual({
          key,
          status,
          headers: expect.arrayContaining(['Idempotent-Replayed']),
        });
    }
  });

  it('declares every problem body as application/problem+json (what the server sends), 429 with Retry-After', () => {
    for (const { key, op } of operations(doc)) {
      for (const [status, r] of responsesOf(op)) {
        const content = (r.content as Record<string, Json> | undefined) ?? {};
        const media = Object.keys(content);
        const problemAs = media.filter((m) => JSON.stringify(content[m]).includes('/ProblemResource'));
        expect({ key, status, problemAs: problemAs.filter((m) => m !== 'application/problem+json') }).toEqual(
          {
            key,
            status,
            problemAs: [],
          },
        );
        // Every /v1 error is a problem (/health/ready's 503 is its JSON report).
        if (/^[45]/.test(status) && key.includes(' /v1/'))
          expect({ key, status, media }).toEqual({ key, status, media: ['application/problem+json'] });
        if (status === '429') expect(headerNames(r)).toContain('Retry-After');
      }
    }
    // The survey links' per-client limit is declared where it is sent.
    const survey = operations(doc).find((o) => o.key === 'GET /v1/surveys/{token}')!.op;
    expect(headerNames((survey.responses as Record<string, Json>)['200'])).toEqual(
      expect.arrayContaining(['RateLimit-Policy', 'RateLimit']),
    );
  });

  it('publishes a webhook with a payload schema for every public event type of API.md', () => {
    const webhooks = doc.webhooks as Record<string, Json>;
    const schemas = (doc.components as Json).schemas as Record<string, Json>;
    expect(Object.keys(webhooks).sort()).toEqual([...PUBLIC_EVENT_TYPES].sort());
    for (const type of PUBLIC_EVENT_TYPES) {
      const body = ((webhooks[type].post as Json).requestBody as Json).content as Record<string, Json>;
      expect(body['application/json'].schema).toEqual({
        $ref: `#/components/schemas/${publicEventSchemaName(type)}`,
      });
      expect(schemas[publicEventSchemaName(type)]).toMatchObject({
        properties: { type: { const: type }, data: { type: 'object' } },
      });
    }
  });
});
