import { Controller, Get, Module } from '@nestjs/common';
import { sign } from 'jsonwebtoken';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { ApiKeyService, CurrentPrincipal, PartnerOnly, Principal, Roles, UsersOnly } from '@kefu/platform';
import { openDataSource } from '@kefu/test-fixtures';
import { ApiTestApp, startApiApp } from './support/api-app';

@Controller('test/auth')
class WhoAmIController {
  @Get('whoami')
  whoami(@CurrentPrincipal() principal: Principal): Principal {
    return principal;
  }

  @Get('partners')
  @PartnerOnly()
  partners(): { ok: true } {
    return { ok: true };
  }

  @Get('users')
  @UsersOnly()
  users(): { ok: true } {
    return { ok: true };
  }

  @Get('supervisors')
  @Roles('supervisor', 'admin')
  supervisors(): { ok: true } {
    return { ok: true };
  }
}

@Module({ controllers: [WhoAmIController] })
class WhoAmIModule {}

describe('authentication (e2e)', () => {
  let t: ApiTestApp;
  let ds: DataSource;
  let apiKeys: ApiKeyService;
  const whoami = (headers: Record<string, string>) => request(t.server).get('/test/auth/whoami').set(headers);
  const refusedWith = async (headers: Record<string, string>, detail?: RegExp) => {
    const r = await whoami(headers).expect(401);
    expect(r.body).toMatchObject({ code: 'unauthenticated', status: 401 });
    if (detail) expect(r.body.detail).toMatch(detail);
  };

  beforeAll(async () => {
    t = await startApiApp({ imports: [WhoAmIModule] });
    ds = await openDataSource(t.db);
    apiKeys = t.app.get(ApiKeyService);
  });
  afterAll(async () => {
    await ds?.destroy();
    await t?.close();
  });

  describe('bearer tokens', () => {
    const secret = () => t.config.jwtSecret;

    it('accepts HS256 tokens with a known role', async () => {
      const r = await whoami({
        Authorization: t.bearer({ sub: 'u-1', role: 'customer', customerId: 'c-9', name: 'Cy' }),
      }).expect(200);
      expect(r.body).toEqual({ kind: 'user', sub: 'u-1', role: 'customer', customerId: 'c-9', name: 'Cy' });
    });

    it('refuses alg none and HS512 signed with the same secret', async () => {
      const claims = { sub: 'x', role: 'admin' };
      await refusedWith({
        Authorization: `Bearer ${sign(claims, secret(), { algorithm: 'HS512', expiresIn: 60 })}`,
      });
      await refusedWith({
        Authorization: `Bearer ${sign(claims, '', { algorithm: 'none', expiresIn: 60 })}`,
      });
    });

    it('refuses expired tokens', async () => {
      const exp = Math.floor(Date.now() / 1000) - 120;
      await refusedWith(
        { Authorization: `Bearer ${sign({ sub: 'x', role: 'agent', exp }, secret())}` },
        /expired/,
      );
    });

    it('refuses roles outside the list and customers without customerId', async () => {
      for (const role of ['root', 'partner', 'ADMIN']) {
        await refusedWith({
          Authorization: `Bearer ${sign({ sub: 'x', role }, secret(), { expiresIn: 60 })}`,
        });
      }
      await refusedWith(
        { Authorization: `Bearer ${sign({ sub: 'x', role: 'customer' }, secret(), { expiresIn: 60 })}` },
        /customerId/,
      );
    });

    it('refuses tokens signed with another secret', async () => {
      await refusedWith({
        Authorization: `Bearer ${sign({ sub: 'x', role: 'agent' }, 'some-other-secret-value', { expiresIn: 60 })}`,
      });
    });
  });

  describe('API keys', () => {
    it('creates, verifies, lists and revokes a key; a revoked key is refused', async () => {
      const { apiKey, secret } = await apiKeys.create('partner', 'Acme payments', 'admin-1');
      expect(apiKey).toEqual({
        id: expect.any(String),
        channel: 'partner',
        name: 'Acme payments',
        partner: 'acme-payments',
        scopes: [],
        createdAt: expect.any(Date),
        revokedAt: null,
      });
      expect(secret).toMatch(/^kf_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);

      const stored = await ds.query(
        `SELECT secret_hash, prefix, created_by, last_used_at FROM api_keys WHERE id = $1`,
        [apiKey.id],
      );
      expect(stored[0].secret_hash).not.toContain(secret.slice(16));
      expect(stored[0]).toMatchObject({
        prefix: secret.slice(3, 15),
        created_by: 'admin-1',
        last_used_at: null,
      });

      const r = await whoami({ 'X-Api-Key': secret }).expect(200);
      expect(r.body).toEqual({
        kind: 'partner',
        apiKeyId: apiKey.id,
        channel: 'partner',
        partner: 'acme-payments',
        name: 'Acme payments',
        scopes: [],
      });
      const used = await ds.query(`SELECT last_used_at FROM api_keys WHERE id = $1`, [apiKey.id]);
      expect(used[0].last_used_at).toBeInstanceOf(Date);

      await request(t.server).get('/test/auth/partners').set('X-Api-Key', secret).expect(200);
      await request(t.server).get('/test/auth/users').set('X-Api-Key', secret).expect(403);
      await request(t.server).get('/test/auth/supervisors').set('X-Api-Key', secret).expect(403);
      expect((await apiKeys.list()).map((k) => k.id)).toContain(apiKey.id);

      const revoked = await apiKeys.revoke(apiKey.id);
      expect(revoked.revokedAt).toBeInstanceOf(Date);
      await refusedWith({ 'X-Api-Key': secret }, /revoked/);
    });

    it('carries partner scopes from the key to the principal, and refuses unknown scopes', async () => {
      const { apiKey, secret } = await apiKeys.create('partner', 'Payments core', 'admin-1', [
        'payments_core',
        'payments_core',
      ]);
      expect(apiKey.scopes).toEqual(['payments_core']);
      const r = await whoami({ 'X-Api-Key': secret }).expect(200);
      expect(r.body).toMatchObject({ partner: 'payments-core', scopes: ['payments_core'] });
      await expect(apiKeys.create('partner', 'Greedy', 'admin-1', ['root'])).rejects.toMatchObject({
        code: 'validation_failed',
      });
      expect((await apiKeys.list()).map((k) => k.name)).not.toContain('Greedy');
    });

    it('refuses unknown, tampered and malformed keys, and both credentials at once', async () => {
      const { secret } = await apiKeys.create('chat', 'Chat widget');
      const tampered = `${secret.slice(0, -1)}${secret.endsWith('A') ? 'B' : 'A'}`;
      for (const key of [tampered, 'kf_000000000000_' + 'A'.repeat(43), 'nonsense'])
        await refusedWith({ 'X-Api-Key': key });
      await refusedWith(
        { 'X-Api-Key': secret, Authorization: t.bearer({ sub: 'a', role: 'agent' }) },
        /not both/,
      );
    });

    it('validates channels and refuses unknown ids on revoke', async () => {
      await expect(apiKeys.create('call-centre' as 'phone', 'x')).rejects.toMatchObject({
        code: 'validation_failed',
      });
      await expect(apiKeys.revoke('not-a-uuid')).rejects.toMatchObject({ code: 'not_found' });
      await expect(apiKeys.revoke('00000000-0000-4000-8000-000000000000')).rejects.toMatchObject({
        code: 'not_found',
      });
    });
  });

  it('applies @Roles, @UsersOnly and @PartnerOnly to users', async () => {
    const agent = t.bearer({ sub: 'a', role: 'agent' });
    await request(t.server).get('/test/auth/supervisors').set('Authorization', agent).expect(403);
    await request(t.server)
      .get('/test/auth/supervisors')
      .set('Authorization', t.bearer({ sub: 's', role: 'supervisor' }))
      .expect(200);
    await request(t.server).get('/test/auth/users').set('Authorization', agent).expect(200);
    await request(t.server).get('/test/auth/partners').set('Authorization', agent).expect(403);
  });
});
