import { sign } from 'jsonwebtoken';
import { loadConfig } from '../config/config';
import { DomainError } from '../errors/domain-error';
import { JwtService } from './jwt.service';

describe('JwtService', () => {
  const env = { NODE_ENV: 'test', AUTH_JWT_SECRET: 'a-test-secret-of-some-length' };
  const config = loadConfig(env);
  const jwt = new JwtService(config);
  const refused = (token: string) => {
    const err = (() => {
      try {
        jwt.verify(token);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(DomainError);
    expect((err as DomainError).code).toBe('unauthenticated');
    return (err as DomainError).message;
  };

  it('verifies its own tokens', () => {
    expect(jwt.verify(jwt.sign({ sub: 'a-1', role: 'agent', name: 'Ann' }))).toEqual({
      kind: 'user',
      sub: 'a-1',
      role: 'agent',
      name: 'Ann',
      customerId: undefined,
    });
    expect(jwt.verify(jwt.sign({ sub: 'u-1', role: 'customer', customerId: 'c-1' }))).toMatchObject({
      customerId: 'c-1',
    });
  });

  it('refuses other algorithms, including none and HS512 with the same secret', () => {
    const claims = { sub: 'a-1', role: 'admin' };
    refused(sign(claims, config.jwtSecret, { algorithm: 'HS512', expiresIn: 60 }));
    refused(sign(claims, '', { algorithm: 'none', expiresIn: 60 }));
    const unsigned = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from(
      JSON.stringify({ ...claims, exp: Math.floor(Date.now() / 1000) + 60 }),
    ).toString('base64url')}.`;
    refused(unsigned);
  });

  it('refuses expired tokens (beyond 30 s of skew), tokens without exp, and other secrets', () => {
    const now = Math.floor(Date.now() / 1000);
    expect(refused(sign({ sub: 'a', role: 'agent', exp: now - 31 }, config.jwtSecret))).toMatch(/expired/);
    expect(jwt.verify(sign({ sub: 'a', role: 'agent', exp: now - 20 }, config.jwtSecret)).sub).toBe('a');
    refused(sign({ sub: 'a', role: 'agent' }, config.jwtSecret));
    refused(sign({ sub: 'a', role: 'agent' }, 'another-secret-entirely', { expiresIn: 60 }));
    refused('not.a.token');
  });

  it('refuses bad claims: unknown roles, missing sub, customers without customerId', () => {
    refused(sign({ role: 'root' }, config.jwtSecret, { subject: 'a', expiresIn: 60 }));
    refused(sign({ role: 'partner' }, config.jwtSecret, { subject: 'a', expiresIn: 60 }));
    refused(sign({ role: 'agent' }, config.jwtSecret, { expiresIn: 60 }));
    expect(refused(sign({ role: 'customer' }, config.jwtSecret, { subject: 'u', expiresIn: 60 }))).toMatch(
      /customerId/,
    );
  });

  it('checks issuer and audience in HS256 mode when they are configured, and signs them', () => {
    const strict = new JwtService(
      loadConfig({ ...env, AUTH_JWT_ISSUER: 'https://kefu.test/', AUTH_JWT_AUDIENCE: 'kefu' }),
    );
    expect(strict.verify(strict.sign({ sub: 'a-1', role: 'agent' })).sub).toBe('a-1');
    const exp = Math.floor(Date.now() / 1000) + 60;
    for (const claims of [
      { iss: 'https://kefu.test/', aud: 'other', exp },
      { iss: 'https://other.test/', aud: 'kefu', exp },
      { exp },
    ]) {
      expect(() => strict.verify(sign({ sub: 'a', role: 'agent', ...claims }, env.AUTH_JWT_SECRET))).toThrow(
        DomainError,
      );
    }
  });
});
