import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, DEV_JWT_SECRET, DEV_PII_MASTER_KEY, loadConfig } from './config';

const PROD_SECRETS = {
  NODE_ENV: 'production',
  AUTH_JWT_SECRET: 'a-real-secret-of-sufficient-length',
  PII_MASTER_KEY: Buffer.alloc(32, 7).toString('base64'),
};

const problemsOf = (env: Record<string, string>): string[] => {
  try {
    loadConfig(env);
    return [];
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
};

describe('config', () => {
  it('runs locally with no variables at all, on the documented defaults', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      nodeEnv: 'development',
      databaseUrl: 'postgres://postgres@127.0.0.1:5432/kefu',
      redisUrl: 'redis://127.0.0.1:6379',
      port: 3000,
      jwtSecret: DEV_JWT_SECRET,
      queuePrefix: 'kefu',
      graphqlPlayground: true,
    });
    expect(c.piiMasterKey).toEqual(Buffer.from(DEV_PII_MASTER_KEY, 'base64'));
  });

  it('treats empty values as unset', () => {
    expect(loadConfig({ PORT: '', DATABASE_URL: '' }).port).toBe(3000);
  });

  it('accepts production with real secrets and turns the playground off', () => {
    expect(loadConfig(PROD_SECRETS)).toMatchObject({ isProduction: true, graphqlPlayground: false });
  });

  it.each([
    ['no JWT secret', { AUTH_JWT_SECRET: '' }, 'AUTH_JWT_SECRET: required in production (or AUTH_JWKS_URL)'],
    [
      'the dev JWT secret',
      { AUTH_JWT_SECRET: DEV_JWT_SECRET },
      'AUTH_JWT_SECRET: the dev secret is refused in production',
    ],
    ['no PII key', { PII_MASTER_KEY: '' }, 'PII_MASTER_KEY: required in production'],
    [
      'the dev PII key',
      { PII_MASTER_KEY: DEV_PII_MASTER_KEY },
      'PII_MASTER_KEY: the dev key is refused in production',
    ],
  ])('refuses production with %s', (_name, over, problem) => {
    expect(problemsOf({ ...PROD_SECRETS, ...over })).toContain(problem);
  });

  it('accepts an identity provider instead of the shared secret in production, with issuer and audience', () => {
    const jwks = {
      ...PROD_SECRETS,
      AUTH_JWT_SECRET: '',
      AUTH_JWKS_URL: 'https://idp.example.com/jwks.json',
      AUTH_JWT_ISSUER: 'https://idp.example.com/',
      AUTH_JWT_AUDIENCE: 'kefu',
    };
    expect(loadConfig(jwks).jwks).toEqual({
      url: 'https://idp.example.com/jwks.json',
      algorithms: ['RS256', 'ES256'],
      cacheMaxAgeSeconds: 600,
      cooldownSeconds: 30,
    });
    expect(problemsOf({ ...jwks, AUTH_JWT_AUDIENCE: '' })).toEqual([
      'AUTH_JWT_AUDIENCE: required with AUTH_JWKS_URL',
    ]);
    expect(problemsOf({ ...jwks, AUTH_JWKS_URL: 'http://idp.example.com/jwks.json' })).toEqual([
      'AUTH_JWKS_URL: must be https in production',
    ]);
    expect(problemsOf({ ...jwks, AUTH_JWT_ALGORITHMS: 'RS256,HS256' }).join()).toMatch(/AUTH_JWT_ALGORITHMS/);
    expect(problemsOf({ ...jwks, AUTH_JWT_ALGORITHMS: 'none' }).join()).toMatch(/AUTH_JWT_ALGORITHMS/);
  });

  describe('secrets from files (NAME_FILE)', () => {
    let dir: string;
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'kefu-config-'));
      writeFileSync(join(dir, 'jwt'), 'a-secret-from-a-file-0123456789\n');
      writeFileSync(join(dir, 'pii'), `${Buffer.alloc(32, 9).toString('base64')}\n`);
      writeFileSync(join(dir, 'db'), 'p@ss/word\n');
      writeFileSync(join(dir, 'empty'), '');
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('reads them without the trailing newline, and puts the database password into the URL', () => {
      const c = loadConfig({
        NODE_ENV: 'production',
        AUTH_JWT_SECRET_FILE: join(dir, 'jwt'),
        PII_MASTER_KEY_FILE: join(dir, 'pii'),
        DATABASE_URL: 'postgres://kefu@db:5432/kefu',
        DATABASE_PASSWORD_FILE: join(dir, 'db'),
      });
      expect(c.jwtSecret).toBe('a-secret-from-a-file-0123456789');
      expect(c.piiMasterKey).toEqual(Buffer.alloc(32, 9));
      expect(c.databaseUrl).toBe('postgres://kefu:p%40ss%2Fword@db:5432/kefu');
      expect(new URL(c.databaseUrl).password).toBe('p%40ss%2Fword');
    });

    it.each([
      ['both forms', { AUTH_JWT_SECRET: 'x'.repeat(20), AUTH_JWT_SECRET_FILE: 'jwt' }, /not both/],
      [
        'a missing file',
        { PII_MASTER_KEY_FILE: 'nope' },
        /PII_MASTER_KEY_FILE: cannot read .*nope \(ENOENT\)/,
      ],
      ['an empty file', { DATABASE_PASSWORD_FILE: 'empty' }, /DATABASE_PASSWORD_FILE: .*empty is empty/],
    ])('refuses %s', (_name, env, pattern) => {
      const abs = Object.fromEntries(
        Object.entries(env).map(([k, v]) => [k, k.endsWith('_FILE') ? join(dir, v) : v]),
      );
      expect(problemsOf(abs).join('\n')).toMatch(pattern);
    });
  });

  it('turns tracing on only with an OTLP endpoint', () => {
    expect(loadConfig({}).otel).toBeUndefined();
    expect(
      loadConfig({
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/',
        OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer%20x,x-team=ops',
        OTEL_TRACES_SAMPLER_ARG: '0.25',
      }).otel,
    ).toEqual({
      endpoint: 'http://collector:4318',
      headers: { authorization: 'Bearer x', 'x-team': 'ops' },
      serviceName: undefined,
      samplerRatio: 0.25,
    });
    expect(problemsOf({ OTEL_TRACES_SAMPLER_ARG: '2' }).join()).toMatch(/OTEL_TRACES_SAMPLER_ARG/);
  });

  it.each([
    [
      'a PII key of the wrong size',
      { PII_MASTER_KEY: Buffer.alloc(16).toString('base64') },
      /PII_MASTER_KEY: must be 32 bytes/,
    ],
    ['a queue prefix with ":"', { QUEUE_PREFIX: 'a:b' }, /QUEUE_PREFIX/],
    ['a port out of range', { PORT: '70000' }, /PORT/],
    ['a short JWT secret', { AUTH_JWT_SECRET: 'short' }, /AUTH_JWT_SECRET/],
    ['an unknown NODE_ENV', { NODE_ENV: 'staging' }, /NODE_ENV/],
    ['a database URL that is not a URL', { DATABASE_URL: 'not a url' }, /DATABASE_URL/],
  ])('refuses %s with a readable message', (_name, env, pattern) => {
    expect(problemsOf(env as Record<string, string>).join('\n')).toMatch(pattern);
  });
});
