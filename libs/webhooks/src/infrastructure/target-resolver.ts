import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { addressProblem, checkTargetUrl, hostOf } from '../domain/url-safety';

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

export type LookupAll = (hostname: string) => Promise<ResolvedAddress[]>;

export const systemLookup: LookupAll = async (hostname) =>
  (await lookup(hostname, { all: true, verbatim: true })).map((a) => ({
    address: a.address,
    family: a.family === 6 ? 6 : 4,
  }));

export type TargetCheck = { ok: true; url: URL; address: ResolvedAddress } | { ok: false; problem: string };

/**
 * Judges a webhook URL and the addresses its host resolves to now. Every address must be public
 * (unless private targets are allowed): a host with one private address among public ones is
 * refused, since the connection could go to any of them. The address returned is the one to
 * connect to, so DNS cannot answer differently between the check and the connection (rebinding).
 */
export async function checkTarget(
  raw: string,
  opts: { allowPrivate: boolean; lookup?: LookupAll },
): Promise<TargetCheck> {
  const shape = checkTargetUrl(raw);
  if ('problem' in shape) return { ok: false, problem: shape.problem };
  const host = hostOf(shape.url);
  let addresses: ResolvedAddress[];
  const literal = isIP(host);
  if (literal) {
    addresses = [{ address: host, family: literal === 6 ? 6 : 4 }];
  } else {
    try {
      addresses = await (opts.lookup ?? systemLookup)(host);
    } catch (e) {
      return {
        ok: false,
        problem: `host ${host} does not resolve (${(e as { code?: string }).code ?? 'lookup failed'})`,
      };
    }
  }
  if (addresses.length === 0) return { ok: false, problem: `host ${host} does not resolve` };
  if (!opts.allowPrivate) {
    for (const a of addresses) {
      const problem = addressProblem(a.address);
      if (problem)
        return {
          ok: false,
          problem: `host ${host} resolves to ${a.address}, a non-public address: ${problem}`,
        };
    }
  }
  return { ok: true, url: shape.url, address: addresses[0] };
}
