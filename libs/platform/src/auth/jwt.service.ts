import { KeyObject, createSecretKey } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { JwtPayload, TokenExpiredError, sign, verify } from 'jsonwebtoken';
import { z } from 'zod';
import { AppConfig } from '../config/config';
import { DomainError } from '../errors/domain-error';
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
 * HS256 bearer tokens. Only HS256 is accepted (no `none`, no algorithm confusion); tokens must
 * expire; 30 s of clock skew is tolerated.
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

  constructor(config: AppConfig) {
    this.key = createSecretKey(Buffer.from(config.jwtSecret, 'utf8'));
  }

  verify(token: string): UserPrincipal {
    let payload: string | JwtPayload;
    try {
      payload = verify(token, this.key, {
        algorithms: [JwtService.ALGORITHM],
        clockTolerance: JwtService.CLOCK_TOLERANCE_SECONDS,
      });
    } catch (e) {
      if (e instanceof TokenExpiredError)
        throw new DomainError('unauthenticated', 'The bearer token has expired.');
      throw new DomainError('unauthenticated', 'The bearer token is not valid.');
    }
    if (typeof payload === 'string' || typeof payload.exp !== 'number') {
      throw new DomainError('unauthenticated', 'The bearer token is not valid (it must expire).');
    }
    const claims = claimsSchema.safeParse(payload);
    if (!claims.success) {
      const what = claims.error.issues.map((i) => i.path.join('.') || 'claims').join(', ');
      throw new DomainError('unauthenticated', `The bearer token's claims are not valid (${what}).`);
    }
    const c = claims.data;
    return { kind: 'user', sub: c.sub, role: c.role, name: c.name, customerId: c.customerId };
  }

  /** Signs a token with the configured secret: dev tokens from the CLI, and tests. */
  sign(claims: TokenClaims, opts: { expiresInSeconds?: number } = {}): string {
    const payload: Record<string, string> = { role: claims.role };
    if (claims.name !== undefined) payload.name = claims.name;
    if (claims.customerId !== undefined) payload.customerId = claims.customerId;
    return sign(payload, this.key, {
      algorithm: JwtService.ALGORITHM,
      subject: claims.sub,
      expiresIn: opts.expiresInSeconds ?? 12 * 3600,
    });
  }
}
