import { Channel, Actor as DomainActor, SystemActor } from '@kefu/kernel';
import { Actor } from '../context/request-context';
import { PartnerScope } from '../domain/public-event-types';

/** The roles a bearer token can carry (the contract's Role enum, lower case). */
export const USER_ROLES = ['customer', 'agent', 'senior_agent', 'supervisor', 'admin'] as const;
export type UserRole = (typeof USER_ROLES)[number];

export interface UserPrincipal {
  kind: 'user';
  sub: string;
  role: UserRole;
  name?: string;
  /** Set for customers: the only customer whose objects they may see. */
  customerId?: string;
}

export interface PartnerPrincipal {
  kind: 'partner';
  apiKeyId: string;
  /** The ticket channel its cases come in on. */
  channel: Channel;
  name: string;
  /** The tenant: which cases, webhooks and events are this partner's (ApiKeyService.partnerOf). */
  partner: string;
  /** Privileges beyond its own cases (PARTNER_SCOPES): the payments core, the wallet core. */
  scopes?: readonly PartnerScope[];
}

/** Whether a principal is a partner holding `scope`. */
export function hasScope(p: Principal, scope: PartnerScope): boolean {
  return p.kind === 'partner' && (p.scopes ?? []).includes(scope);
}

/** Who called: a frontend user (JWT) or a partner channel (API key). */
export type Principal = UserPrincipal | PartnerPrincipal;

/**
 * Who issues a command inside a transaction: a caller (principal), or Kefu itself (the kernel's
 * SYSTEM) for what the worker and the modules do on their own.
 */
export type Caller = Principal | SystemActor;

export function isSystem(c: Caller): c is SystemActor {
  return !('kind' in c);
}

/**
 * The domain's actor for a caller. A partner acts as itself (its slug, shared by all its API keys),
 * so its cases stay visible across key rotation and stay hidden from other partners, even those
 * bringing cases in on the same ticket channel. Kefu itself (SYSTEM) acts as itself.
 */
export function actorFromPrincipal(p: Caller): DomainActor {
  if (isSystem(p)) return p;
  if (p.kind === 'partner') return { role: 'partner', id: p.partner, name: p.name };
  return {
    role: p.role,
    id: p.sub,
    ...(p.name ? { name: p.name } : {}),
    ...(p.customerId ? { customerId: p.customerId } : {}),
  };
}

/** The actor recorded in event metadata for this principal. */
export function actorOf(p: Principal): Actor {
  if (p.kind === 'partner') return { kind: 'partner', id: p.apiKeyId, name: p.partner, channel: p.channel };
  return { kind: p.role === 'customer' ? 'customer' : 'agent', id: p.sub, name: p.name, role: p.role };
}

/** Whose idempotency keys these are: keys never collide across callers. */
export function idempotencyScopeOf(p: Principal): string {
  return p.kind === 'partner' ? `apikey:${p.apiKeyId}` : `user:${p.sub}`;
}
