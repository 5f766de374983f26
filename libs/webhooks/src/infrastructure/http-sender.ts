import { LookupAddress } from 'node:dns';
import { IncomingMessage, OutgoingHttpHeaders, request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { hostOf } from '../domain/url-safety';
import { ResolvedAddress } from './target-resolver';

export const RESPONSE_EXCERPT_BYTES = 1024;

export interface SendRequest {
  url: URL;
  /** The vetted address: the connection goes here whatever DNS says by now. */
  address: ResolvedAddress;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
}

export interface SendResult {
  statusCode?: number;
  /** Set when there was no HTTP response (connect error, timeout, TLS…). */
  error?: string;
  responseExcerpt?: string;
  durationMs: number;
}

type LookupCallback = (
  err: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/**
 * One POST, no redirects followed (Node's client never follows them; a 3xx is reported as is), a
 * hard deadline over connect + response, and at most 1 KiB of the response body read (as text).
 */
export function postWebhook(req: SendRequest): Promise<SendResult> {
  const started = Date.now();
  const { url, address } = req;
  const body = Buffer.from(req.body, 'utf8');
  const headers: OutgoingHttpHeaders = {
    ...req.headers,
    'Content-Length': String(body.length),
    Connection: 'close',
  };
  // Every lookup answers with the vetted address (Node asks with all: true when it races families).
  const lookup = (_host: string, opts: { all?: boolean }, cb: LookupCallback): void => {
    if (opts?.all) cb(null, [{ address: address.address, family: address.family }]);
    else cb(null, address.address, address.family);
  };
  const options = {
    method: 'POST',
    protocol: url.protocol,
    hostname: hostOf(url),
    port: url.port ? Number(url.port) : undefined,
    path: `${url.pathname}${url.search}`,
    headers,
    lookup,
    agent: false as const,
  };
  return new Promise<SendResult>((resolve) => {
    let settled = false;
    // Once the status line is in, a slow body no longer decides the outcome: the deadline reports it.
    let responded: (() => void) | undefined;
    const finish = (r: Omit<SendResult, 'durationMs'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ...r, durationMs: Date.now() - started });
    };
    const client = (url.protocol === 'https:' ? httpsRequest : httpRequest)(
      options,
      (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const done = () => {
          const excerpt = Buffer.concat(chunks)
            .subarray(0, RESPONSE_EXCERPT_BYTES)
            .toString('utf8')
            .replaceAll('\u0000', ''); // Postgres text cannot hold NUL
          finish({ statusCode: res.statusCode, responseExcerpt: excerpt });
          res.destroy();
        };
        responded = done;
        res.on('data', (c: Buffer) => {
          chunks.push(c);
          size += c.length;
          if (size >= RESPONSE_EXCERPT_BYTES) done();
        });
        res.on('end', done);
        res.on('error', done);
        res.on('aborted', done);
      },
    );
    const timer = setTimeout(() => {
      if (responded) responded();
      else finish({ error: `timed out after ${req.timeoutMs} ms` });
      client.destroy();
    }, req.timeoutMs);
    client.on('error', (e: Error) => finish({ error: e.message.slice(0, 500) || 'request failed' }));
    client.end(body);
  });
}
