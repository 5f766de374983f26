import { Injectable } from '@nestjs/common';
import { DomainError } from '../errors/domain-error';
import { ApiKeyService } from './api-key.service';
import { JwtService } from './jwt.service';
import { Principal } from './principal';

export type HeaderBag = Record<string, string | string[] | undefined>;

function header(headers: HeaderBag, name: string): string | undefined {
  const v = headers[name] ?? headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

/** Turns request credentials (a bearer token or an API key) into a Principal. */
@Injectable()
export class AuthService {
  constructor(
    private readonly jwt: JwtService,
    private readonly apiKeys: ApiKeyService,
  ) {}

  /** undefined when no credentials were sent; unauthenticated when they were but are not valid. */
  async authenticate(headers: HeaderBag): Promise<Principal | undefined> {
    return this.fromCredentials(header(headers, 'authorization'), header(headers, 'x-api-key'));
  }

  async fromCredentials(authorization?: string, apiKey?: string): Promise<Principal | undefined> {
    if (authorization && apiKey) {
      throw new DomainError('unauthenticated', 'Send either a bearer token or an API key, not both.');
    }
    if (authorization) {
      const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
      if (!m) throw new DomainError('unauthenticated', 'The Authorization header must be "Bearer <token>".');
      return this.jwt.verifyBearer(m[1]);
    }
    if (apiKey) {
      const partner = await this.apiKeys.verify(apiKey.trim());
      if (!partner) throw new DomainError('unauthenticated', 'The API key is not valid or has been revoked.');
      return partner;
    }
    return undefined;
  }
}
