import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { JWK, KeyLike, SignJWT, exportJWK, generateKeyPair } from 'jose';
import { sign } from 'jsonwebtoken';
import request from 'supertest';
import { DEV_JWT_SECRET } from '@kefu/platform';
import { ApiTestApp, startApiApp } from './support/api-app';

const ISSUER = 'https://idp.test/';
const AUDIENCE = 'kefu-api';

interface Key {
  kid: string;
  alg: string;
  privateKey: KeyLike;
  jwk: JWK;
}

async function makeKey(kid: string, alg: 'RS256' | 'ES256' | 'PS256'): Promise<Key> {
  const { privateKey, publicKey } = await generateKeyPair(alg);
  return { kid, alg, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, use: 'sig' } };
}

// A local identity provider: a JWKS endpoint whose key set the test changes (rotation) or takes
// down, counting fetches so the cache is visible.
describe('bearer tokens from an identity provider (JWKS, e2e)', () => {
  let jwks: Server;
  let published: JWK[] = [];
  let fetches = 0;
  let down = false;
  let t: ApiTestApp;
  let rsa: Key;
  let ec: Key;

  beforeAll(async () => {
    [rsa, ec] = await Promise.all([makeKey('rsa-1', 'RS256'), makeKey('ec-1', 'ES256')]);
    published = [rsa.jwk, ec.jwk];
    jwks = createServer((req, res) => {
      fetches++;
      if (down || req.url !== '/.well-known/jwks.json') {
        res.writeHead(down ? 503 : 404).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: published }));
    });
    await new Promise<void>((r) => jwks.listen(0, '127.0.0.1', r));
    const { port } = jwks.address() as AddressInfo;
    t = await startApiApp({
      env: {
        AUTH_JWKS_URL: `http://127.0.0.1:${port}/.well-known/jwks.json`,
        AUTH_JWT_ISSUER: ISSUER,
        AUTH_JWT_AUDIENCE: AUDIENCE,
        AUTH_JWKS_COOLDOWN_SECONDS: '0',
      },
    });
  });
  afterAll(async () => {
    await t?.close();
    await new Promise((r) => jwks?.close(r));
  });

  const token = (
    key: Key,
    o: { alg?: string; iss?: string; aud?: string; exp?: number; claims?: Record<string, unknown> } = {},
  ) =>
    new SignJWT({ role: 'agent', name: 'Ann', ...o.claims })
      .setProtectedHeader({ alg: o.alg ?? key.alg, kid: key.kid })
      .setSubject('a-1')
      .setIssuer(o.iss ?? ISSUER)
      .setAudience(o.aud ?? AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(o.exp ?? Math.floor(Date.now() / 1000) + 300)
      .sign(key.privateKey);

  const call = (bearer: string) =>
    request(t.server).get('/v1/tickets').set('Authorization', `Bearer ${bearer}`);
  const me = async (bearer: string) =>
    (
      await request(t.server)
        .post('/graphql')
        .set('Authorization', `Bearer ${bearer}`)
        .send({ query: '{ me { id role name } }' })
    ).body as { data?: { me: unknown }; errors?: Array<{ extensions: { code: string } }> };

  it('accepts RS256 and ES256 tokens of the provider, fetching the key set once', async () => {
    const before = fetches;
    expect((await call(await token(rsa))).status).toBe(200);
    expect((await call(await token(ec))).status).toBe(200);
    expect((await me(await token(rsa))).data?.me).toEqual({ id: 'a-1', role: 'AGENT', name: 'Ann' });
    expect(fetches - before).toBe(1);
  });

  it('picks up a rotated key: a token of a new kid is accepted once the JWKS publishes it', async () => {
    const next = await makeKey('rsa-2', 'RS256');
    const fresh = await token(next);
    expect((await call(fresh)).status).toBe(401);
    published = [next.jwk, ec.jwk]; // rotation: rsa-1 retired, rsa-2 published
    expect((await call(fresh)).status).toBe(200);
    expect((await call(await token(next))).status).toBe(200);
  });

  it.each([
    ['another audience', { aud: 'someone-else' }],
    ['another issuer', { iss: 'https://evil.test/' }],
    ['an expired token', { exp: Math.floor(Date.now() / 1000) - 120 }],
    ['a role outside the contract', { claims: { role: 'root' } }],
  ])('refuses %s with 401', async (_name, o) => {
    const r = await call(await token(ec, o));
    expect(r.status).toBe(401);
    expect(r.body).toMatchObject({ code: 'unauthenticated' });
  });

  it('refuses algorithms outside AUTH_JWT_ALGORITHMS, alg none, and HS256 tokens of the shared secret', async () => {
    const ps = await makeKey('ps-1', 'PS256');
    published = [...published, ps.jwk];
    expect((await call(await token(ps))).status).toBe(401);
    const claims = { sub: 'a-1', role: 'admin', iss: ISSUER, aud: AUDIENCE };
    const exp = Math.floor(Date.now() / 1000) + 300;
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', kid: 'ec-1' })).toString('base64url')}.${Buffer.from(
      JSON.stringify({ ...claims, exp }),
    ).toString('base64url')}.`;
    expect((await call(none)).status).toBe(401);
    const hs = sign(claims, DEV_JWT_SECRET, { algorithm: 'HS256', expiresIn: 300 });
    expect((await call(hs)).status).toBe(401);
    expect((await call(t.bearer({ sub: 'a-1', role: 'admin' }).slice(7))).status).toBe(401);
    // An HS256 token whose secret is the public key's JSON (algorithm confusion) neither.
    const confused = sign(claims, JSON.stringify(ec.jwk), {
      algorithm: 'HS256',
      header: { alg: 'HS256', kid: 'ec-1' },
    });
    expect((await call(confused)).status).toBe(401);
    expect((await me(hs)).errors?.[0]?.extensions.code).toBe('UNAUTHENTICATED');
  });

  it('answers 503 (not 401) when the provider cannot be reached for an unknown key', async () => {
    down = true;
    try {
      const unknown = await makeKey('rsa-3', 'RS256');
      const r = await call(await token(unknown));
      expect(r.status).toBe(503);
      expect(r.body).toMatchObject({ code: 'service_unavailable' });
      // Keys already fetched keep working meanwhile.
      expect((await call(await token(ec))).status).toBe(200);
    } finally {
      down = false;
    }
  });
});
