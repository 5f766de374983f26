import { addressProblem, checkTargetUrl, hostOf, parseIPv6 } from './url-safety';

describe('webhook URL safety', () => {
  describe('URL shape', () => {
    it.each([
      ['https://hooks.example.com/kefu', true],
      ['http://hooks.example.com:8080/kefu?x=1', true],
      ['ftp://hooks.example.com/', false],
      ['file:///etc/passwd', false],
      ['javascript:alert(1)', false],
      ['gopher://127.0.0.1:6379/_FLUSHALL', false],
      ['https://user:pass@hooks.example.com/', false],
      ['https://user@hooks.example.com/', false],
      ['//hooks.example.com/', false],
      ['hooks.example.com', false],
      ['', false],
      [`https://example.com/${'a'.repeat(2100)}`, false],
    ])('%s → %s', (url, ok) => {
      expect('url' in checkTargetUrl(url)).toBe(ok);
    });

    it('normalises numeric host forms so they are judged as the address they are', () => {
      for (const raw of ['http://2130706433/', 'http://0x7f.1/', 'http://127.1/', 'http://0177.0.0.1/']) {
        const r = checkTargetUrl(raw);
        expect('url' in r && hostOf(r.url)).toBe('127.0.0.1');
      }
      const v6 = checkTargetUrl('http://[::ffff:127.0.0.1]:8080/');
      expect('url' in v6 && addressProblem(hostOf(v6.url))).toMatch(/IPv4-mapped 127\.0\.0\.1: loopback/);
    });
  });

  describe('addresses', () => {
    it.each([
      ['127.0.0.1', /loopback/],
      ['127.255.255.254', /loopback/],
      ['10.1.2.3', /private/],
      ['172.16.0.1', /private/],
      ['172.31.255.255', /private/],
      ['192.168.1.1', /private/],
      ['169.254.169.254', /link-local/], // cloud metadata
      ['100.64.0.1', /CGNAT/],
      ['100.127.255.255', /CGNAT/],
      ['0.0.0.0', /unspecified/],
      ['0.1.2.3', /unspecified/],
      ['224.0.0.1', /multicast/],
      ['255.255.255.255', /reserved/],
      ['198.18.0.1', /benchmarking/],
      ['::1', /loopback/],
      ['::', /unspecified/],
      ['fc00::1', /unique local/],
      ['fd12:3456:789a::1', /unique local/],
      ['fe80::1', /link-local/],
      ['fe80::1%eth0', /link-local/],
      ['ff02::1', /multicast/],
      ['::ffff:127.0.0.1', /IPv4-mapped 127\.0\.0\.1: loopback/],
      ['::ffff:7f00:1', /IPv4-mapped 127\.0\.0\.1: loopback/],
      ['::ffff:10.0.0.1', /IPv4-mapped 10\.0\.0\.1: private/],
      ['::ffff:169.254.169.254', /link-local/],
      ['::127.0.0.1', /IPv4-compatible/],
      ['64:ff9b::10.0.0.1', /NAT64 10\.0\.0\.1: private/],
      ['2002:c0a8:0101::1', /6to4 192\.168\.1\.1: private/],
      ['2001:db8::1', /documentation/],
      ['2001:0:4136:e378:8000:63bf:3fff:fdd2', /Teredo/],
      ['not-an-ip', /not an IP/],
    ])('%s is refused (%s)', (ip, why) => {
      expect(addressProblem(ip)).toMatch(why);
    });

    it.each([
      '8.8.8.8',
      '1.1.1.1',
      '172.32.0.1',
      '100.128.0.1',
      '192.169.0.1',
      '2606:4700:4700::1111',
      '::ffff:8.8.8.8',
      '64:ff9b::8.8.8.8',
      '2a00:1450:4001:81c::200e',
    ])('%s is public', (ip) => {
      expect(addressProblem(ip)).toBeUndefined();
    });

    it('parses IPv6 in all its spellings', () => {
      expect(parseIPv6('::1')).toEqual([...Array(15).fill(0), 1]);
      expect(parseIPv6('0:0:0:0:0:0:0:1')).toEqual(parseIPv6('::1'));
      expect(parseIPv6('::ffff:1.2.3.4')?.slice(10)).toEqual([0xff, 0xff, 1, 2, 3, 4]);
      expect(parseIPv6('1::2::3')).toBeUndefined();
      expect(parseIPv6('12345::')).toBeUndefined();
    });
  });
});
