import { Actor } from '../context/request-context';
import { PartnerScope } from '../domain/public-event-types';

/** The roles a bearer token can carry (the contract's Role enum, lower case). */
export const USER_ROLES = ['customer', 'agent', 'senior_agent', 'supervisor', 'admin'] as const;
export type UserRole = (typeof USER_ROLES)[number];

/** Everyone who works tickets: the usual argument of @Roles(...) on back-office operations. */
export const STAFF_ROLES = [
  'agent',
  'senior_agent',
  'supervisor',
  'admin',
] as const satisfies readonly UserRole[];

/** Support channels (the contract's Channel enum, lower case). An API key belongs to one. */
export const CHANNELS = ['app', 'web', 'chat', 'phone', 'email', 'social', 'partner'] as const;
export type Channel = (typeof CHANNELS)[number];

export function isChannel(v: unknown): v is Channel {
  return typeof v === 'string' && (CHANNELS as readonly string[]).includes(v);
}

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

/** The actor recorded in event metadata for this principal. */
export function actorOf(p: Principal): Actor {
  if (p.kind === 'partner') return { kind: 'partner', id: p.apiKeyId, name: p.partner, channel: p.channel };
  return { kind: p.role === 'customer' ? 'customer' : 'agent', id: p.sub, name: p.name, role: p.role };
}

/** Whose idempotency keys these are: keys never collide across callers. */
export function idempotencyScopeOf(p: Principal): string {
  return p.kind === 'partner' ? `apikey:${p.apiKeyId}` : `user:${p.sub}`;
}
