import { Writable } from 'node:stream';
import pino from 'pino';
import { REDACT_CENSOR, REDACT_DEPTH, SENSITIVE_FIELDS, redactPaths } from './redaction';

function logged(obj: Record<string, unknown>): Record<string, unknown> {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(chunk.toString());
      cb();
    },
  });
  pino({ redact: { paths: redactPaths(), censor: REDACT_CENSOR } }, sink).info(obj, 'line');
  return JSON.parse(lines[0]) as Record<string, unknown>;
}

describe('log redaction', () => {
  it('lists every sensitive field at every depth up to the limit', () => {
    const paths = redactPaths();
    for (const f of SENSITIVE_FIELDS) {
      expect(paths).toContain(f);
      expect(paths).toContain(`${'*.'.repeat(REDACT_DEPTH - 1)}${f}`);
    }
    expect(paths).toEqual(
      expect.arrayContaining(['req.headers.authorization', 'req.headers["x-api-key"]', 'req.headers.cookie']),
    );
  });

  it('redacts credentials in headers and personal data anywhere in the object', () => {
    const line = logged({
      req: { headers: { authorization: 'Bearer abc', 'x-api-key': 'kf_x', cookie: 's=1', accept: 'json' } },
      password: 'p',
      customer: { email: 'a@b.c', phone: '+1', name: 'Ann' },
      verification: { identity: { documentNumber: 'X123', fullName: 'Ann' } },
      webhook: { endpoint: { config: { secret: 's', url: 'https://x' } } },
      items: [{ token: 't' }],
    });
    expect(line).toMatchObject({
      req: {
        headers: {
          authorization: REDACT_CENSOR,
          'x-api-key': REDACT_CENSOR,
          cookie: REDACT_CENSOR,
          accept: 'json',
        },
      },
      password: REDACT_CENSOR,
      customer: { email: REDACT_CENSOR, phone: REDACT_CENSOR, name: 'Ann' },
      verification: { identity: { documentNumber: REDACT_CENSOR, fullName: REDACT_CENSOR } },
      webhook: { endpoint: { config: { secret: REDACT_CENSOR, url: 'https://x' } } },
      items: [{ token: REDACT_CENSOR }],
    });
  });
});
