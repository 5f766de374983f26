import { JWTPayload, createRemoteJWKSet, errors, jwtVerify } from 'jose';
import { JwksConfig } from '../config/config';
import { DomainError } from '../errors/domain-error';

const FETCH_TIMEOUT_MS = 5000;

/**
 * Tokens of an identity provider, checked with `jose` against its JWKS: signature by a key of the
 * set (only the configured asymmetric algorithms; `none` and HS* never), issuer, audience, expiry
 * (30 s of skew). Keys are cached; a token whose `kid` is not in the cache re-fetches the set (at
 * most once per cooldown), which is how a rotated key is picked up without a restart.
 */
export class JwksVerifier {
  private readonly keySet: ReturnType<typeof createRemoteJWKSet>;

  constructor(
    private readonly config: JwksConfig,
    private readonly issuer: string,
    private readonly audience: string,
    private readonly clockToleranceSeconds: number,
  ) {
    this.keySet = createRemoteJWKSet(new URL(config.url), {
      cacheMaxAge: config.cacheMaxAgeSeconds * 1000,
      cooldownDuration: config.cooldownSeconds * 1000,
      timeoutDuration: FETCH_TIMEOUT_MS,
    });
  }

  async verify(token: string): Promise<JWTPayload> {
    try {
      const { payload } = await jwtVerify(token, this.keySet, {
        algorithms: this.config.algorithms,
        issuer: this.issuer,
        audience: this.audience,
        clockTolerance: this.clockToleranceSeconds,
        requiredClaims: ['exp', 'sub'],
      });
      return payload;
    } catch (e) {
      throw translate(e);
    }
  }
}

function translate(e: unknown): DomainError {
  if (e instanceof errors.JWTExpired)
    return new DomainError('unauthenticated', 'The bearer token has expired.');
  if (e instanceof errors.JWTClaimValidationFailed) {
    return new DomainError('unauthenticated', `The bearer token's ${e.claim} claim is not accepted.`);
  }
  // The provider could not be asked: not the client's fault, and not a reason to drop its token.
  if (e instanceof errors.JWKSTimeout || e instanceof errors.JWKSInvalid || isFetchFailure(e)) {
    return new DomainError('service_unavailable', 'The identity provider cannot be reached; retry later.');
  }
  return new DomainError('unauthenticated', 'The bearer token is not valid.');
}

// jose 5 reports a failing JWKS response as a bare JOSEError, and an unreachable host as the
// socket's own error (ECONNREFUSED…); everything about the token itself has a JOSEError subclass.
function isFetchFailure(e: unknown): boolean {
  if (e instanceof errors.JOSEError)
    return e.constructor === errors.JOSEError && /JSON Web Key Set/.test(e.message);
  return e instanceof Error && typeof (e as NodeJS.ErrnoException).code === 'string';
}
