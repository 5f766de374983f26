import { KeyObject, createSecretKey } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { JwtPayload, SignOptions, TokenExpiredError, VerifyOptions, sign, verify } from 'jsonwebtoken';
import { z } from 'zod';
import { AppConfig } from '../config/config';
import { DomainError } from '../errors/domain-error';
import { JwksVerifier } from './jwks-verifier';
import { USER_ROLES, UserPrincipal, UserRole } from './principal';

const claimsSchema = z
  .object({
    sub: z.string().min(1).max(200),
    role: z.enum(USER_ROLES),
    name: z.string().max(200).optional(),
    customerId: z.string().min(1).max(200).optional(),
  })
  .refine((c) => c.role !== 'customer' || c.customerId !== undefined, {
    message: 'customer tokens need a customerId claim',
    path: ['customerId'],
  });

export interface TokenClaims {
  sub: string;
  role: UserRole;
  name?: string;
  customerId?: string;
}

/**
 * Bearer tokens, in one of two modes. Without AUTH_JWKS_URL: HS256 with the shared secret (local
 * use, the CLI's tokens); only HS256 is accepted (no `none`, no algorithm confusion). With it: the
 * identity provider's asymmetric tokens (JwksVerifier), and HS256 is refused. Either way tokens must
 * expire, 30 s of clock skew is tolerated, and the issuer/audience are checked when configured.
 */
@Injectable()
export class JwtService {
  static readonly ALGORITHM = 'HS256' as const;
  static readonly CLOCK_TOLERANCE_SECONDS = 30;

  /**
   * Built once: given a string, jsonwebtoken first tries to parse it as a public key on every call
   * (measured ~1 ms per request, 70× the HMAC check itself).
   */
  private readonly key: KeyObject;

  private readonly jwks?: JwksVerifier;
  private readonly verifyOptions: VerifyOptions;
  private readonly signOptions: SignOptions;

  constructor(config: AppConfig) {
    this.key = createSecretKey(Buffer.from(config.jwtSecret, 'utf8'));
    const { jwtIssuer: issuer, jwtAudience: audience } = config;
    this.verifyOptions = {
      algorithms: [JwtService.ALGORITHM],
      clockTolerance: JwtService.CLOCK_TOLERANCE_SECONDS,
      ...(issuer ? { issuer } : {}),
      ...(audience ? { audience } : {}),
    };
    this.signOptions = { ...(issuer ? { issuer } : {}), ...(audience ? { audience } : {}) };
    if (config.jwks && issuer && audience) {
      this.jwks = new JwksVerifier(config.jwks, issuer, audience, JwtService.CLOCK_TOLERANCE_SECONDS);
    }
  }

  /** The identity provider's tokens when a JWKS is configured, else HS256. */
  async verifyBearer(token: string): Promise<UserPrincipal> {
    if (!this.jwks) return this.verify(token);
    return principalOf(await this.jwks.verify(token));
  }

  /** HS256 only; refuses every token when an identity provider is configured. */
  verify(token: string): UserPrincipal {
    if (this.jwks) {
      throw new DomainError(
        'unauthenticated',
        'The bearer token is not valid (tokens come from the identity provider).',
      );
    }
    let payload: string | JwtPayload;
    try {
      payload = verify(token, this.key, this.verifyOptions);
    } catch (e) {
      if (e instanceof TokenExpiredError)
        throw new DomainError('unauthenticated', 'The bearer token has expired.');
      throw new DomainError('unauthenticated', 'The bearer token is not valid.');
    }
    if (typeof payload === 'string' || typeof payload.exp !== 'number') {
      throw new DomainError('unauthenticated', 'The bearer token is not valid (it must expire).');
    }
    return principalOf(payload);
  }

  /** Signs a token with the configured secret: dev tokens from the CLI, and tests. */
  sign(claims: TokenClaims, opts: { expiresInSeconds?: number } = {}): string {
    const payload: Record<string, string> = { role: claims.role };
    if (claims.name !== undefined) payload.name = claims.name;
    if (claims.customerId !== undefined) payload.customerId = claims.customerId;
    return sign(payload, this.key, {
      ...this.signOptions,
      algorithm: JwtService.ALGORITHM,
      subject: claims.sub,
      expiresIn: opts.expiresInSeconds ?? 12 * 3600,
    });
  }
}

function principalOf(payload: object): UserPrincipal {
  const claims = claimsSchema.safeParse(payload);
  if (!claims.success) {
    const what = claims.error.issues.map((i) => i.path.join('.') || 'claims').join(', ');
    throw new DomainError('unauthenticated', `The bearer token's claims are not valid (${what}).`);
  }
  const c = claims.data;
  return { kind: 'user', sub: c.sub, role: c.role, name: c.name, customerId: c.customerId };
}
