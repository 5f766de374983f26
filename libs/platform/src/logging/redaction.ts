/**
 * What never reaches a log line. pino's redact paths have no "any depth" wildcard, so each sensitive
 * field name is listed at every depth up to REDACT_DEPTH (deeper objects are not logged by Kefu).
 */
export const SENSITIVE_FIELDS = [
  'password',
  'secret',
  'token',
  'accessToken',
  'refreshToken',
  'apiKey',
  'documentNumber',
  'fullName',
  'email',
  'phone',
] as const;

export const REDACT_DEPTH = 6;

/** Credentials in the request/response objects pino-http serialises. */
export const HEADER_REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers["x-api-key"]',
  'headers.cookie',
] as const;

export const REDACT_CENSOR = '[REDACTED]';

export function redactPaths(fields: readonly string[] = SENSITIVE_FIELDS, depth = REDACT_DEPTH): string[] {
  const paths: string[] = [...HEADER_REDACT_PATHS];
  for (const field of fields) {
    for (let d = 0; d < depth; d++) paths.push(`${'*.'.repeat(d)}${field}`);
  }
  return paths;
}
