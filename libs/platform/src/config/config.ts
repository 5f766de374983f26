import { z } from 'zod';
import { applySecretFiles, withDatabasePassword } from './secret-files';

// Dev-only secrets: convenient locally, refused outright when NODE_ENV=production.
export const DEV_JWT_SECRET = 'kefu-dev-jwt-secret-not-for-production';
export const DEV_PII_MASTER_KEY = 'a2VmdS1kZXYtcGlpLW1hc3Rlci1rZXktMzJieXRlcyE='; // base64 of 32 bytes

const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

const schema = z
  .object({
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    DATABASE_URL: z.url().default('postgres://postgres@127.0.0.1:5432/kefu'),
    REDIS_URL: z.url().default('redis://127.0.0.1:6379'),
    // Secrets may come from files (Docker/Kubernetes secrets): NAME_FILE, never both (secret-files.ts).
    DATABASE_PASSWORD: z.string().min(1).optional(),
    DATABASE_PASSWORD_FILE: z.string().optional(),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    // The worker's own HTTP server: /metrics and /health/* (0 = any free port).
    WORKER_PORT: z.coerce.number().int().min(0).max(65535).default(3001),
    AUTH_JWT_SECRET: z.string().min(16).optional(),
    AUTH_JWT_SECRET_FILE: z.string().optional(),
    // An identity provider: RS/ES/PS tokens checked against its JWKS, issuer and audience.
    AUTH_JWKS_URL: z.url().optional(),
    AUTH_JWT_ISSUER: z.string().min(1).optional(),
    AUTH_JWT_AUDIENCE: z.string().min(1).optional(),
    AUTH_JWT_ALGORITHMS: z
      .string()
      .regex(
        /^((RS|PS|ES)(256|384|512)|EdDSA)(,((RS|PS|ES)(256|384|512)|EdDSA))*$/,
        'comma-separated RS/PS/ES/EdDSA',
      )
      .default('RS256,ES256'),
    AUTH_JWKS_CACHE_SECONDS: z.coerce.number().int().min(0).max(86_400).default(600),
    AUTH_JWKS_COOLDOWN_SECONDS: z.coerce.number().int().min(0).max(3600).default(30),
    PII_MASTER_KEY: z.string().optional(),
    PII_MASTER_KEY_FILE: z.string().optional(),
    // Tracing (OpenTelemetry, OTLP over HTTP): off unless an endpoint is set.
    OTEL_EXPORTER_OTLP_ENDPOINT: z.url().optional(),
    OTEL_EXPORTER_OTLP_HEADERS: z
      .string()
      .regex(/^[^=,]+=[^,]*(,[^=,]+=[^,]*)*$/, 'key=value pairs separated by commas')
      .optional(),
    OTEL_SERVICE_NAME: z
      .string()
      .regex(/^[\w.-]{1,100}$/)
      .optional(),
    OTEL_TRACES_SAMPLER_ARG: z.coerce.number().min(0).max(1).default(1),
    // Graceful shutdown: how long in-flight requests and jobs get after SIGTERM.
    SHUTDOWN_GRACE_SECONDS: z.coerce.number().int().min(0).max(600).default(25),
    // The BullMQ dashboard at /admin/queues (admins only).
    QUEUE_DASHBOARD: bool.optional(),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    QUEUE_PREFIX: z
      .string()
      .regex(/^[A-Za-z0-9_{}-]+$/, 'letters, digits, _ - { } only (no ":")')
      .default('kefu'),
    GRAPHQL_MAX_DEPTH: z.coerce.number().int().min(2).max(50).default(10),
    GRAPHQL_MAX_COMPLEXITY: z.coerce.number().int().min(10).default(2000),
    GRAPHQL_PLAYGROUND: bool.optional(),
    IDEMPOTENCY_TTL_HOURS: z.coerce.number().int().min(24).default(48),
    // How long a replica may answer a partner's key from memory; revocations reach every replica at once (0 = off).
    API_KEY_CACHE_SECONDS: z.coerce.number().int().min(0).max(300).default(30),
    // The worker deletes expired idempotency keys and old job-inbox rows this often (0 = never).
    PURGE_INTERVAL_SECONDS: z.coerce
      .number()
      .int()
      .min(0)
      .max(7 * 86400)
      .default(3600),
    INBOX_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
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
    SLA_TIMER_CONCURRENCY: z.coerce.number().int().min(1).max(200).default(20),
    // Failed authentications (401) per client IP and window before it gets 429 (0 = no limit).
    AUTH_FAILURE_LIMIT: z.coerce.number().int().min(0).max(1_000_000).default(30),
    AUTH_FAILURE_WINDOW_SECONDS: z.coerce.number().int().min(1).max(86_400).default(60),
    DISPUTE_MERCHANT_RESPONSE_SECONDS: z.coerce
      .number()
      .int()
      .min(1)
      .max(90 * 24 * 3600)
      .default(7 * 24 * 3600),
    DISPUTE_CUSTOMER_EVIDENCE_SECONDS: z.coerce
      .number()
      .int()
      .min(1)
      .max(90 * 24 * 3600)
      .default(14 * 24 * 3600),
    DISPUTE_ESCALATION_AMOUNT: z.coerce.number().int().min(0).default(1_000_000),
    REFUND_WINDOW_DAYS: z.coerce.number().int().min(1).max(3650).default(180),
    REFUND_SENIOR_APPROVAL_AMOUNT: z.coerce.number().int().min(0).default(500_000),
    REFUND_PROCESSING_SECONDS: z.coerce
      .number()
      .int()
      .min(1)
      .max(90 * 24 * 3600)
      .default(5 * 24 * 3600),
    // Escalation: the ladder as a JSON array of rules (libs/escalation parses and checks it at
    // start-up; absent = the default ladder), and how many reopenings a ticket takes before it escalates.
    ESCALATION_LADDER: z
      .string()
      .refine((v) => {
        try {
          return Array.isArray(JSON.parse(v));
        } catch {
          return false;
        }
      }, 'must be a JSON array of rules')
      .optional(),
    ESCALATION_REOPEN_THRESHOLD: z.coerce.number().int().min(1).max(100).default(2),
    // Surveys: the link partners show customers ({token} is replaced), and the public answer routes'
    // limit per client address and minute.
    SURVEY_LINK_TEMPLATE: z
      .string()
      .regex(/\{token\}/, 'must contain {token}')
      .default('https://help.example.com/surveys/{token}'),
    SURVEY_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(30),
    // Account recovery (DOMAIN.md): 3 failed identity verifications lock a case for 24 hours.
    RECOVERY_MAX_FAILED_VERIFICATIONS: z.coerce.number().int().min(1).max(100).default(3),
    RECOVERY_LOCKOUT_SECONDS: z.coerce
      .number()
      .int()
      .min(1)
      .max(30 * 24 * 3600)
      .default(24 * 3600),
    // Self-service answers: suggestions per caller (or client address) and minute, and the waiting
    // time estimates (recent window, history, the samples an estimate needs, the zone of its hours).
    ANSWERS_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(30),
    WAIT_ESTIMATE_RECENT_MINUTES: z.coerce
      .number()
      .int()
      .min(5)
      .max(7 * 24 * 60)
      .default(120),
    WAIT_ESTIMATE_LOOKBACK_DAYS: z.coerce.number().int().min(1).max(366).default(28),
    WAIT_ESTIMATE_MIN_SAMPLES: z.coerce.number().int().min(1).max(10_000).default(5),
    WAIT_ESTIMATE_TIME_ZONE: z
      .string()
      .refine(isTimeZone, 'must be an IANA time zone such as Asia/Shanghai or UTC')
      .default('UTC'),
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV !== 'production') return;
    if (!env.AUTH_JWT_SECRET && !env.AUTH_JWKS_URL) {
      ctx.addIssue({
        code: 'custom',
        path: ['AUTH_JWT_SECRET'],
        message: 'required in production (or AUTH_JWKS_URL)',
      });
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
    // A shared identity provider signs tokens for other applications too: without the issuer and
    // audience checks any of them would be accepted here.
    if (env.AUTH_JWKS_URL) {
      for (const name of ['AUTH_JWT_ISSUER', 'AUTH_JWT_AUDIENCE'] as const) {
        if (!env[name])
          ctx.addIssue({ code: 'custom', path: [name], message: 'required with AUTH_JWKS_URL' });
      }
      const u = new URL(env.AUTH_JWKS_URL);
      if (env.NODE_ENV === 'production' && u.protocol !== 'https:') {
        ctx.addIssue({ code: 'custom', path: ['AUTH_JWKS_URL'], message: 'must be https in production' });
      }
    }
    const key = env.PII_MASTER_KEY;
    if (key && Buffer.from(key, 'base64').length !== 32) {
      ctx.addIssue({ code: 'custom', path: ['PII_MASTER_KEY'], message: 'must be 32 bytes, base64-encoded' });
    }
  });

export type Env = z.input<typeof schema>;

export interface JwksConfig {
  url: string;
  algorithms: string[];
  cacheMaxAgeSeconds: number;
  cooldownSeconds: number;
}

export interface OtelConfig {
  /** Base URL; traces go to `<endpoint>/v1/traces`. */
  endpoint: string;
  headers: Record<string, string>;
  /** Default: `kefu-api` / `kefu-worker`, by process. */
  serviceName: string | undefined;
  samplerRatio: number;
}

function headersOf(v: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of v ? v.split(',') : []) {
    const i = pair.indexOf('=');
    out[decodeURIComponent(pair.slice(0, i).trim())] = decodeURIComponent(pair.slice(i + 1).trim());
  }
  return out;
}

/** The one validated configuration. Nothing else in Kefu reads process.env. */
export class AppConfig {
  readonly nodeEnv!: 'development' | 'test' | 'production';
  readonly databaseUrl!: string;
  readonly redisUrl!: string;
  readonly port!: number;
  readonly workerPort!: number;
  readonly jwtSecret!: string;
  /** Set: bearer tokens come from an identity provider (JWKS), HS256 is refused. */
  readonly jwks!: JwksConfig | undefined;
  readonly jwtIssuer!: string | undefined;
  readonly jwtAudience!: string | undefined;
  /** Set: traces are exported over OTLP/HTTP. */
  readonly otel!: OtelConfig | undefined;
  readonly shutdownGraceSeconds!: number;
  readonly queueDashboard!: boolean;
  readonly piiMasterKey!: Buffer;
  readonly logLevel!: string;
  readonly queuePrefix!: string;
  readonly graphqlMaxDepth!: number;
  readonly graphqlMaxComplexity!: number;
  readonly graphqlPlayground!: boolean;
  readonly idempotencyTtlHours!: number;
  readonly apiKeyCacheSeconds!: number;
  readonly purgeIntervalSeconds!: number;
  readonly inboxRetentionDays!: number;
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
  readonly slaTimerConcurrency!: number;
  readonly authFailureLimit!: number;
  readonly authFailureWindowSeconds!: number;
  readonly disputeMerchantResponseSeconds!: number;
  readonly disputeCustomerEvidenceSeconds!: number;
  readonly disputeEscalationAmount!: number;
  readonly refundWindowDays!: number;
  readonly refundSeniorApprovalAmount!: number;
  readonly refundProcessingSeconds!: number;
  readonly escalationLadder!: string | undefined;
  readonly escalationReopenThreshold!: number;
  readonly surveyLinkTemplate!: string;
  readonly surveyRateLimitPerMinute!: number;
  readonly recoveryMaxFailedVerifications!: number;
  readonly recoveryLockoutSeconds!: number;
  readonly answersRateLimitPerMinute!: number;
  readonly waitEstimateRecentMinutes!: number;
  readonly waitEstimateLookbackDays!: number;
  readonly waitEstimateMinSamples!: number;
  readonly waitEstimateTimeZone!: string;

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
  const files = applySecretFiles(stripEmpty(env));
  if (files.problems.length > 0) throw new ConfigError(files.problems);
  const parsed = schema.safeParse(files.env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const e = parsed.data;
  return Object.assign(Object.create(AppConfig.prototype) as AppConfig, {
    nodeEnv: e.NODE_ENV,
    databaseUrl: withDatabasePassword(e.DATABASE_URL, e.DATABASE_PASSWORD),
    redisUrl: e.REDIS_URL,
    port: e.PORT,
    workerPort: e.WORKER_PORT,
    jwtSecret: e.AUTH_JWT_SECRET ?? DEV_JWT_SECRET,
    jwks: e.AUTH_JWKS_URL
      ? {
          url: e.AUTH_JWKS_URL,
          algorithms: e.AUTH_JWT_ALGORITHMS.split(','),
          cacheMaxAgeSeconds: e.AUTH_JWKS_CACHE_SECONDS,
          cooldownSeconds: e.AUTH_JWKS_COOLDOWN_SECONDS,
        }
      : undefined,
    jwtIssuer: e.AUTH_JWT_ISSUER,
    jwtAudience: e.AUTH_JWT_AUDIENCE,
    otel: e.OTEL_EXPORTER_OTLP_ENDPOINT
      ? {
          endpoint: e.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/+$/, ''),
          headers: headersOf(e.OTEL_EXPORTER_OTLP_HEADERS),
          serviceName: e.OTEL_SERVICE_NAME,
          samplerRatio: e.OTEL_TRACES_SAMPLER_ARG,
        }
      : undefined,
    shutdownGraceSeconds: e.SHUTDOWN_GRACE_SECONDS,
    queueDashboard: e.QUEUE_DASHBOARD ?? true,
    piiMasterKey: Buffer.from(e.PII_MASTER_KEY ?? DEV_PII_MASTER_KEY, 'base64'),
    logLevel: e.LOG_LEVEL,
    queuePrefix: e.QUEUE_PREFIX,
    graphqlMaxDepth: e.GRAPHQL_MAX_DEPTH,
    graphqlMaxComplexity: e.GRAPHQL_MAX_COMPLEXITY,
    graphqlPlayground: e.GRAPHQL_PLAYGROUND ?? e.NODE_ENV !== 'production',
    idempotencyTtlHours: e.IDEMPOTENCY_TTL_HOURS,
    apiKeyCacheSeconds: e.API_KEY_CACHE_SECONDS,
    purgeIntervalSeconds: e.PURGE_INTERVAL_SECONDS,
    inboxRetentionDays: e.INBOX_RETENTION_DAYS,
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
    slaTimerConcurrency: e.SLA_TIMER_CONCURRENCY,
    authFailureLimit: e.AUTH_FAILURE_LIMIT,
    authFailureWindowSeconds: e.AUTH_FAILURE_WINDOW_SECONDS,
    disputeMerchantResponseSeconds: e.DISPUTE_MERCHANT_RESPONSE_SECONDS,
    disputeCustomerEvidenceSeconds: e.DISPUTE_CUSTOMER_EVIDENCE_SECONDS,
    disputeEscalationAmount: e.DISPUTE_ESCALATION_AMOUNT,
    refundWindowDays: e.REFUND_WINDOW_DAYS,
    refundSeniorApprovalAmount: e.REFUND_SENIOR_APPROVAL_AMOUNT,
    refundProcessingSeconds: e.REFUND_PROCESSING_SECONDS,
    escalationLadder: e.ESCALATION_LADDER,
    escalationReopenThreshold: e.ESCALATION_REOPEN_THRESHOLD,
    surveyLinkTemplate: e.SURVEY_LINK_TEMPLATE,
    surveyRateLimitPerMinute: e.SURVEY_RATE_LIMIT_PER_MINUTE,
    recoveryMaxFailedVerifications: e.RECOVERY_MAX_FAILED_VERIFICATIONS,
    recoveryLockoutSeconds: e.RECOVERY_LOCKOUT_SECONDS,
    answersRateLimitPerMinute: e.ANSWERS_RATE_LIMIT_PER_MINUTE,
    waitEstimateRecentMinutes: e.WAIT_ESTIMATE_RECENT_MINUTES,
    waitEstimateLookbackDays: e.WAIT_ESTIMATE_LOOKBACK_DAYS,
    waitEstimateMinSamples: e.WAIT_ESTIMATE_MIN_SAMPLES,
    waitEstimateTimeZone: e.WAIT_ESTIMATE_TIME_ZONE,
  } satisfies Omit<AppConfig, 'isProduction' | 'with'>);
}

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

function stripEmpty(env: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && v !== '') out[k] = v;
  return out;
}
