import { Principal } from '@kefu/platform';
import { Actor } from '../domain/decider';

/**
 * The domain's actor for a caller. A partner acts as itself (its slug, shared by all its API keys),
 * so its cases stay visible across key rotation and stay hidden from other partners, even those
 * bringing cases in on the same ticket channel.
 */
export function actorFromPrincipal(p: Principal): Actor {
  if (p.kind === 'partner') return { role: 'partner', id: p.partner, name: p.name };
  return {
    role: p.role,
    id: p.sub,
    ...(p.name ? { name: p.name } : {}),
    ...(p.customerId ? { customerId: p.customerId } : {}),
  };
}

export const SYSTEM_DOMAIN_ACTOR: Actor = { role: 'system', id: 'kefu-worker' };
