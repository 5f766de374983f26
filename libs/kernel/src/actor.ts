// Who issues a command, and the roles of DOMAIN.md.

/** The roles of DOMAIN.md; `partner` is a channel holding an API key, `system` a worker job. */
export const ACTOR_ROLES = [
  'customer',
  'agent',
  'senior_agent',
  'supervisor',
  'admin',
  'partner',
  'system',
] as const;
export type ActorRole = (typeof ACTOR_ROLES)[number];

/** The people who work tickets. Admins are operators, but like in Zendesk they may act as agents. */
export const STAFF_ROLES = [
  'agent',
  'senior_agent',
  'supervisor',
  'admin',
] as const satisfies readonly ActorRole[];

export function isStaff(role: ActorRole): boolean {
  return (STAFF_ROLES as readonly ActorRole[]).includes(role);
}

/**
 * Who issues a command. `id` is the JWT `sub` for people, the partner channel's stable id for
 * partners (not the API key's id, so key rotation keeps access), and the job name for `system`.
 * Customers also carry `customerId` (the wallet account id): it decides which objects are theirs.
 */
export interface Actor {
  role: ActorRole;
  id: string;
  name?: string;
  customerId?: string;
}

/** An actor that is Kefu itself. */
export type SystemActor = Readonly<Actor & { role: 'system' }>;

/**
 * The one system identity: whatever Kefu does on its own behalf — worker jobs (timers, routing,
 * triggers), follow-up tickets, a dispute's award refund. Deciders accept it where the worker acts;
 * events record it as `{ kind: 'system', id: 'kefu' }`.
 */
export const SYSTEM: SystemActor = Object.freeze({ role: 'system', id: 'kefu' });

/** How a person appears on a record (a dispute's `openedBy`, a refund's `requestedBy`). */
export interface PartyRef {
  kind: 'customer' | 'agent' | 'partner' | 'system';
  id: string;
  name?: string;
}

/** Customers by their account id, staff as `agent`; the name when the actor has one. */
export function partyOf(actor: Actor): PartyRef {
  const name = actor.name === undefined ? {} : { name: actor.name };
  switch (actor.role) {
    case 'customer':
      return { kind: 'customer', id: actor.customerId ?? actor.id, ...name };
    case 'partner':
      return { kind: 'partner', id: actor.id, ...name };
    case 'system':
      return { kind: 'system', id: actor.id, ...name };
    default:
      return { kind: 'agent', id: actor.id, ...name };
  }
}
