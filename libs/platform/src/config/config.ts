import { z } from 'zod';

// Dev-only secrets: convenient locally, refused outright when NODE_ENV=production.
export const DEV_JWT_SECRET = 'kefu-dev-jwt-secret-not-for-production';
export const DEV_PII_MASTER_KEY = 'a2VmdS1kZXYtcGlpLW1hc3Rlci1rZXktMzJieXRlcyE='; // base64 of 32 bytes

const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

const schema = z
  .object({
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    DATABASE_URL: z.url().default('postgres://postgres@127.0.0.1:5432/kefu'),
    REDIS_URL: z.url().default('redis://127.0.0.1:6379'),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    AUTH_JWT_SECRET: z.string().min(16).optional(),
    AUTH_JWKS_URL: z.url().optional(),
    PII_MASTER_KEY: z.string().optional(),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    QUEUE_PREFIX: z
      .string()
      .regex(/^[A-Za-z0-9_{}-]+$/, 'letters, digits, _ - { } only (no ":")')
      .default('kefu'),
    GRAPHQL_MAX_DEPTH: z.coerce.number().int().min(2).max(50).default(10),
    GRAPHQL_MAX_COMPLEXITY: z.coerce.number().int().min(10).default(2000),
    GRAPHQL_PLAYGROUND: bool.optional(),
    IDEMPOTENCY_TTL_HOURS: z.coerce.number().int().min(24).default(48),
    CONSUMER_POLL_MS: z.coerce.number().int().min(10).max(60000).default(500),
    DB_POOL_SIZE: z.coerce.number().int().min(2).max(200).default(20),
    // How often the worker re-derives lost jobs from Postgres (0 = only at start-up).
    RECONCILE_INTERVAL_SECONDS: z.coerce.number().int().min(0).max(86400).default(300),
    // Zendesk's default: solved tickets close after 4 days without activity.
    TICKET_AUTO_CLOSE_SECONDS: z.coerce
      .number()
      .int()
      .min(0)
      .max(90 * 24 * 3600)
      .default(4 * 24 * 3600),
    // Webhooks out. Private targets (loopback, RFC 1918, link-local…) are refused unless allowed:
    // allowed by default outside production; allowed in production only when set (and logged).
    WEBHOOK_ALLOW_PRIVATE_TARGETS: bool.optional(),
    WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
    WEBHOOK_RETRY_WINDOW_SECONDS: z.coerce
      .number()
      .int()
      .min(1)
      .max(7 * 24 * 3600)
      .default(24 * 3600),
    WEBHOOK_BACKOFF_BASE_MS: z.coerce.number().int().min(1).max(3_600_000).default(10_000),
    WEBHOOK_BACKOFF_MAX_MS: z.coerce
      .number()
      .int()
      .min(1)
      .max(24 * 3_600_000)
      .default(3_600_000),
    WEBHOOK_DISABLE_AFTER_FAILURES: z.coerce.number().int().min(1).max(100_000).default(50),
    WEBHOOK_DISABLE_AFTER_SECONDS: z.coerce
      .number()
      .int()
      .min(0)
      .max(30 * 24 * 3600)
      .default(24 * 3600),
    WEBHOOK_JOB_LOCK_MS: z.coerce.number().int().min(200).max(600_000).default(30_000),
    WEBHOOK_CONCURRENCY: z.coerce.number().int().min(1).max(200).default(10),
    // Failed authentications (401) per client IP and window before it gets 429 (0 = no limit).
    AUTH_FAILURE_LIMIT: z.coerce.number().int().min(0).max(1_000_000).default(30),
    AUTH_FAILURE_WINDOW_SECONDS: z.coerce.number().int().min(1).max(86_400).default(60),
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV !== 'production') return;
    if (!env.AUTH_JWT_SECRET) {
      ctx.addIssue({ code: 'custom', path: ['AUTH_JWT_SECRET'], message: 'required in production' });
    }
    if (env.AUTH_JWT_SECRET === DEV_JWT_SECRET) {
      ctx.addIssue({
        code: 'custom',
        path: ['AUTH_JWT_SECRET'],
        message: 'the dev secret is refused in production',
      });
    }
    if (!env.PII_MASTER_KEY) {
      ctx.addIssue({ code: 'custom', path: ['PII_MASTER_KEY'], message: 'required in production' });
    } else if (env.PII_MASTER_KEY === DEV_PII_MASTER_KEY) {
      ctx.addIssue({
        code: 'custom',
        path: ['PII_MASTER_KEY'],
        message: 'the dev key is refused in production',
      });
    }
  })
  .superRefine((env, ctx) => {
    // Verification against an identity provider's JWKS is not implemented yet: accepting the
    // variable would silently fall back to the shared secret, so it is refused outright.
    if (env.AUTH_JWKS_URL) {
      ctx.addIssue({
        code: 'custom',
        path: ['AUTH_JWKS_URL'],
        message: 'is not supported yet; set AUTH_JWT_SECRET (HS256) instead',
      });
    }
    const key = env.PII_MASTER_KEY;
    if (key && Buffer.from(key, 'base64').length !== 32) {
      ctx.addIssue({ code: 'custom', path: ['PII_MASTER_KEY'], message: 'must be 32 bytes, base64-encoded' });
    }
  });

export type Env = z.input<typeof schema>;

/** The one validated configuration. Nothing else in Kefu reads process.env. */
export class AppConfig {
  readonly nodeEnv!: 'development' | 'test' | 'production';
  readonly databaseUrl!: string;
  readonly redisUrl!: string;
  readonly port!: number;
  readonly jwtSecret!: string;
  readonly piiMasterKey!: Buffer;
  readonly logLevel!: string;
  readonly queuePrefix!: string;
  readonly graphqlMaxDepth!: number;
  readonly graphqlMaxComplexity!: number;
  readonly graphqlPlayground!: boolean;
  readonly idempotencyTtlHours!: number;
  readonly consumerPollMs!: number;
  readonly dbPoolSize!: number;
  readonly ticketAutoCloseSeconds!: number;
  readonly reconcileIntervalSeconds!: number;
  readonly webhookAllowPrivateTargets!: boolean;
  readonly webhookTimeoutMs!: number;
  readonly webhookRetryWindowSeconds!: number;
  readonly webhookBackoffBaseMs!: number;
  readonly webhookBackoffMaxMs!: number;
  readonly webhookDisableAfterFailures!: number;
  readonly webhookDisableAfterSeconds!: number;
  readonly webhookJobLockMs!: number;
  readonly webhookConcurrency!: number;
  readonly authFailureLimit!: number;
  readonly authFailureWindowSeconds!: number;

  get isProduction(): boolean {
    return this.nodeEnv === 'production';
  }

  /** A copy with some fields replaced: tests use it for per-file databases and queue prefixes. */
  with(overrides: Partial<Omit<AppConfig, 'isProduction' | 'with'>>): AppConfig {
    return Object.assign(Object.create(AppConfig.prototype) as AppConfig, this, overrides);
  }
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

export function loadConfig(env: Record<string, string | undefined> = process.env): AppConfig {
  const parsed = schema.safeParse(stripEmpty(env));
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const e = parsed.data;
  return Object.assign(Object.create(AppConfig.prototype) as AppConfig, {
    nodeEnv: e.NODE_ENV,
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    port: e.PORT,
    jwtSecret: e.AUTH_JWT_SECRET ?? DEV_JWT_SECRET,
    piiMasterKey: Buffer.from(e.PII_MASTER_KEY ?? DEV_PII_MASTER_KEY, 'base64'),
    logLevel: e.LOG_LEVEL,
    queuePrefix: e.QUEUE_PREFIX,
    graphqlMaxDepth: e.GRAPHQL_MAX_DEPTH,
    graphqlMaxComplexity: e.GRAPHQL_MAX_COMPLEXITY,
    graphqlPlayground: e.GRAPHQL_PLAYGROUND ?? e.NODE_ENV !== 'production',
    idempotencyTtlHours: e.IDEMPOTENCY_TTL_HOURS,
    consumerPollMs: e.CONSUMER_POLL_MS,
    dbPoolSize: e.DB_POOL_SIZE,
    ticketAutoCloseSeconds: e.TICKET_AUTO_CLOSE_SECONDS,
    reconcileIntervalSeconds: e.RECONCILE_INTERVAL_SECONDS,
    webhookAllowPrivateTargets: e.WEBHOOK_ALLOW_PRIVATE_TARGETS ?? e.NODE_ENV !== 'production',
    webhookTimeoutMs: e.WEBHOOK_TIMEOUT_MS,
    webhookRetryWindowSeconds: e.WEBHOOK_RETRY_WINDOW_SECONDS,
    webhookBackoffBaseMs: e.WEBHOOK_BACKOFF_BASE_MS,
    webhookBackoffMaxMs: e.WEBHOOK_BACKOFF_MAX_MS,
    webhookDisableAfterFailures: e.WEBHOOK_DISABLE_AFTER_FAILURES,
    webhookDisableAfterSeconds: e.WEBHOOK_DISABLE_AFTER_SECONDS,
    webhookJobLockMs: e.WEBHOOK_JOB_LOCK_MS,
    webhookConcurrency: e.WEBHOOK_CONCURRENCY,
    authFailureLimit: e.AUTH_FAILURE_LIMIT,
    authFailureWindowSeconds: e.AUTH_FAILURE_WINDOW_SECONDS,
  } satisfies Omit<AppConfig, 'isProduction' | 'with'>);
}

function stripEmpty(env: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && v !== '') out[k] = v;
  return out;
}
