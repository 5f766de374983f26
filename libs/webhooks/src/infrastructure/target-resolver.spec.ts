import { LookupAll, checkTarget } from './target-resolver';

describe('checkTarget (URL + resolved addresses)', () => {
  const fake =
    (table: Record<string, string[]>): LookupAll =>
    async (host) => {
      const list = table[host];
      if (!list) throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
      return list.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
    };
  const lookup = fake({
    'hooks.example.com': ['93.184.216.34'],
    'internal.example.com': ['10.0.0.5'],
    'mixed.example.com': ['93.184.216.34', '127.0.0.1'],
    'v6.example.com': ['2606:4700::1'],
    'v6-private.example.com': ['fd00::1'],
    'mapped.example.com': ['::ffff:192.168.0.1'],
  });

  it('accepts public hosts and returns the address to connect to', async () => {
    await expect(
      checkTarget('https://hooks.example.com/x', { allowPrivate: false, lookup }),
    ).resolves.toMatchObject({
      ok: true,
      address: { address: '93.184.216.34', family: 4 },
    });
    await expect(
      checkTarget('https://v6.example.com/x', { allowPrivate: false, lookup }),
    ).resolves.toMatchObject({
      ok: true,
      address: { family: 6 },
    });
  });

  it.each([
    ['https://internal.example.com/', /10\.0\.0\.5.*private/],
    ['https://mixed.example.com/', /127\.0\.0\.1.*loopback/],
    ['https://v6-private.example.com/', /unique local/],
    ['https://mapped.example.com/', /IPv4-mapped 192\.168\.0\.1/],
    ['http://127.0.0.1:8080/', /loopback/],
    ['http://[::1]/', /loopback/],
    ['http://169.254.169.254/latest/meta-data', /link-local/],
    ['http://localhost.invalid/', /does not resolve/],
    ['ftp://hooks.example.com/', /http or https/],
    ['https://a:b@hooks.example.com/', /credentials/],
  ])('refuses %s', async (url, why) => {
    const r = await checkTarget(url, { allowPrivate: false, lookup });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.problem).toMatch(why);
  });

  it('lets private targets through when allowed (development, tests), but never bad schemes', async () => {
    await expect(
      checkTarget('http://127.0.0.1:8080/', { allowPrivate: true, lookup }),
    ).resolves.toMatchObject({ ok: true });
    await expect(
      checkTarget('https://internal.example.com/', { allowPrivate: true, lookup }),
    ).resolves.toMatchObject({ ok: true });
    await expect(checkTarget('file:///etc/passwd', { allowPrivate: true, lookup })).resolves.toMatchObject({
      ok: false,
    });
  });
});
