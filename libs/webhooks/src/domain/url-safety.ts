// Where webhooks may go. Pure: the DNS lookup happens outside; these functions judge a URL and the
// addresses its host resolved to. Anything not globally routable is refused (SSRF): a partner's
// endpoint must not be a way into Kefu's own network.
import { isIP } from 'node:net';

export const MAX_URL_LENGTH = 2048;

/** A URL that is well-formed for a webhook, or why not. Host addresses are checked separately. */
export function checkTargetUrl(raw: string): { url: URL } | { problem: string } {
  if (raw.length > MAX_URL_LENGTH) return { problem: `must be at most ${MAX_URL_LENGTH} characters` };
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { problem: 'must be an absolute http(s) URL' };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return { problem: 'must use http or https' };
  if (url.username || url.password) return { problem: 'must not contain credentials (user:password@)' };
  if (!url.hostname) return { problem: 'must have a host' };
  return { url };
}

/** The host of a URL as a resolver wants it: IPv6 literals without their brackets. */
export function hostOf(url: URL): string {
  return url.hostname.replace(/^\[|\]$/g, '');
}

function parseIPv4(s: string): number[] | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  const out = parts.map((p) => (/^\d{1,3}$/.test(p) ? Number(p) : NaN));
  return out.every((n) => n >= 0 && n <= 255) ? out : undefined;
}

/** 16 bytes of an IPv6 address (zone ids and an embedded dotted IPv4 tail accepted). */
export function parseIPv6(input: string): number[] | undefined {
  let s = input.split('%')[0];
  if (isIP(s) !== 6) return undefined;
  const lastColon = s.lastIndexOf(':');
  const tail = s.slice(lastColon + 1);
  if (tail.includes('.')) {
    const v4 = parseIPv4(tail);
    if (!v4) return undefined;
    s = `${s.slice(0, lastColon + 1)}${((v4[0] << 8) | v4[1]).toString(16)}:${((v4[2] << 8) | v4[3]).toString(16)}`;
  }
  const halves = s.split('::');
  if (halves.length > 2) return undefined;
  const head = halves[0] ? halves[0].split(':') : [];
  const rest = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  const missing = 8 - head.length - rest.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...rest];
  const bytes: number[] = [];
  for (const g of groups) {
    if (!/^[0-9a-f]{1,4}$/i.test(g)) return undefined;
    const v = parseInt(g, 16);
    bytes.push(v >> 8, v & 0xff);
  }
  return bytes;
}

type Range = [prefix: number[], bits: number, label: string];

function inRange(bytes: number[], [prefix, bits]: Range): boolean {
  for (let i = 0; i < bits; i++) {
    const byte = i >> 3;
    const mask = 0x80 >> (i & 7);
    if ((bytes[byte] & mask) !== ((prefix[byte] ?? 0) & mask)) return false;
  }
  return true;
}

const V4_RANGES: Range[] = [
  [[0], 8, 'unspecified ("this network", 0.0.0.0/8)'],
  [[10], 8, 'private (10.0.0.0/8)'],
  [[100, 64], 10, 'shared address space (CGNAT, 100.64.0.0/10)'],
  [[127], 8, 'loopback (127.0.0.0/8)'],
  [[169, 254], 16, 'link-local (169.254.0.0/16)'],
  [[172, 16], 12, 'private (172.16.0.0/12)'],
  [[192, 0, 0], 24, 'IETF protocol assignments (192.0.0.0/24)'],
  [[192, 0, 2], 24, 'documentation (192.0.2.0/24)'],
  [[192, 88, 99], 24, 'reserved (6to4 relay, 192.88.99.0/24)'],
  [[192, 168], 16, 'private (192.168.0.0/16)'],
  [[198, 18], 15, 'benchmarking (198.18.0.0/15)'],
  [[198, 51, 100], 24, 'documentation (198.51.100.0/24)'],
  [[203, 0, 113], 24, 'documentation (203.0.113.0/24)'],
  [[224], 4, 'multicast (224.0.0.0/4)'],
  [[240], 4, 'reserved (240.0.0.0/4)'],
];

const h = (...groups: number[]): number[] => groups.flatMap((g) => [g >> 8, g & 0xff]);

const V6_RANGES: Range[] = [
  [h(0, 0, 0, 0, 0, 0, 0, 0), 128, 'unspecified (::)'],
  [h(0, 0, 0, 0, 0, 0, 0, 1), 128, 'loopback (::1)'],
  [h(0x64, 0xff9b, 1), 48, 'local-use NAT64 (64:ff9b:1::/48)'],
  [h(0x100), 64, 'discard-only (100::/64)'],
  [h(0x2001, 0), 32, 'Teredo (2001::/32)'],
  [h(0x2001, 0xdb8), 32, 'documentation (2001:db8::/32)'],
  [h(0xfc00), 7, 'unique local (fc00::/7)'],
  [h(0xfe80), 10, 'link-local (fe80::/10)'],
  [h(0xfec0), 10, 'site-local (fec0::/10)'],
  [h(0xff00), 8, 'multicast (ff00::/8)'],
];

function v4Problem(b: number[]): string | undefined {
  return V4_RANGES.find((r) => inRange(b, r))?.[2];
}

/**
 * Why an address is not a public unicast address (its range, e.g. `loopback (127.0.0.0/8)`), or
 * undefined when it is. IPv6 forms that embed an IPv4 address (mapped, compatible, NAT64, 6to4)
 * are judged by that address.
 */
export function addressProblem(ip: string): string | undefined {
  const kind = isIP(ip.split('%')[0]);
  if (kind === 4) return v4Problem(parseIPv4(ip)!);
  if (kind !== 6) return 'not an IP address';
  const b = parseIPv6(ip);
  if (!b) return 'not an IP address';
  const fixed = V6_RANGES.find((r) => inRange(b, r));
  if (fixed) return fixed[2];
  const embedded = (from: number, label: string) => {
    const p = v4Problem(b.slice(from, from + 4));
    return p ? `${label} ${b.slice(from, from + 4).join('.')}: ${p}` : undefined;
  };
  if (inRange(b, [h(0, 0, 0, 0, 0, 0xffff), 96, ''])) return embedded(12, 'IPv4-mapped');
  if (inRange(b, [h(0, 0, 0, 0, 0, 0), 96, ''])) return embedded(12, 'IPv4-compatible') ?? 'reserved (::/96)';
  if (inRange(b, [h(0x64, 0xff9b), 96, ''])) return embedded(12, 'NAT64');
  if (inRange(b, [h(0x2002), 16, ''])) return embedded(2, '6to4');
  if (inRange(b, [h(0), 8, ''])) return 'reserved (::/8)';
  return undefined;
}
