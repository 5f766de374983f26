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
    ['no JWT secret', { AUTH_JWT_SECRET: '' }, 'AUTH_JWT_SECRET: required in production'],
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

  it('refuses AUTH_JWKS_URL until it is implemented, so it never falls back to a shared secret', () => {
    expect(
      problemsOf({
        ...PROD_SECRETS,
        AUTH_JWT_SECRET: '',
        AUTH_JWKS_URL: 'https://idp.example.com/jwks.json',
      }),
    ).toEqual(expect.arrayContaining([expect.stringMatching(/^AUTH_JWKS_URL: is not supported yet/)]));
    expect(problemsOf({ AUTH_JWKS_URL: 'https://idp.example.com/jwks.json' })).toHaveLength(1);
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
