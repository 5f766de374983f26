import { AddressInfo } from 'node:net';
import { createServer, request } from 'node:http';
import { Writable } from 'node:stream';
import pinoHttp from 'pino-http';
import { AppConfig } from '../config/config';
import { deferRequestBindings } from './lazy-request-logger';
import { pinoHttpOptions } from './logging.module';
import { REDACT_CENSOR } from './redaction';

/** One request through pino-http with the app's options; every JSON line it wrote. */
async function logLinesOf(
  headers: Record<string, string>,
  opts: { level?: string; status?: number; onSerialiseReq?: () => void } = {},
): Promise<Array<Record<string, unknown>>> {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      cb();
    },
  });
  const options = pinoHttpOptions({ logLevel: opts.level ?? 'info' } as AppConfig);
  const { onSerialiseReq } = opts;
  if (onSerialiseReq) {
    options.serializers = {
      req: (req: unknown) => {
        onSerialiseReq();
        return req;
      },
    };
  }
  const logger = pinoHttp(options, sink);
  // As LoggingModule does to nestjs-pino's (the same pino-http logger).
  deferRequestBindings(logger.logger);
  const server = createServer((req, res) => {
    logger(req, res);
    req.log.info({ customer: { email: 'ann@example.com', name: 'Ann' } }, 'handler line');
    res.setHeader('Set-Cookie', 'session=s3cret');
    res.statusCode = opts.status ?? 200;
    res.end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  try {
    await new Promise<void>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path: '/tickets', headers }, (res) => {
        res.resume();
        res.on('end', resolve);
      });
      req.on('error', reject);
      req.end();
    });
    // pino-http writes the access line on the response's finish event.
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
  return lines.map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('pino-http options (the logs the API writes)', () => {
  it('redacts credentials and personal data in request logs, keeping the correlation id', async () => {
    const lines = await logLinesOf({
      Authorization: 'Bearer eyJhbGciOiJIUzI1NiJ9.secret-token',
      'X-Api-Key': 'kf_0123456789ab_secret-api-key',
      Cookie: 'session=s3cret',
      'X-Request-Id': 'trace-redact-1',
      Accept: 'application/json',
    });
    const text = lines.map((l) => JSON.stringify(l)).join('\n');
    expect(text).not.toContain('secret-token');
    expect(text).not.toContain('secret-api-key');
    expect(text).not.toContain('s3cret');
    expect(text).not.toContain('ann@example.com');

    const access = lines.find((l) => l.msg === 'request completed');
    expect(access).toMatchObject({
      req: {
        id: 'trace-redact-1',
        headers: {
          authorization: REDACT_CENSOR,
          'x-api-key': REDACT_CENSOR,
          cookie: REDACT_CENSOR,
          accept: 'application/json',
        },
      },
      res: { statusCode: 200 },
    });
    const handler = lines.find((l) => l.msg === 'handler line');
    expect(handler).toMatchObject({ customer: { email: REDACT_CENSOR, name: 'Ann' } });
  });

  it('serialises the request only for a line that is written, and then in full (redacted)', async () => {
    const headers = { 'X-Api-Key': 'kf_0123456789ab_secret-api-key', 'X-Request-Id': 'trace-lazy-1' };
    let serialised = 0;
    const quiet = await logLinesOf(headers, { level: 'warn', onSerialiseReq: () => serialised++ });
    expect(quiet).toEqual([]);
    expect(serialised).toBe(0);

    const failed = await logLinesOf(headers, {
      level: 'warn',
      status: 503,
      onSerialiseReq: () => serialised++,
    });
    expect(serialised).toBe(1);
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({
      level: 50,
      req: { id: 'trace-lazy-1', headers: { 'x-api-key': REDACT_CENSOR } },
      res: { statusCode: 503 },
    });
    expect(JSON.stringify(failed)).not.toContain('secret-api-key');
  });
});
