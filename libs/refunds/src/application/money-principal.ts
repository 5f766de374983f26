import { Decider, DomainError, ERASED, PiiVault, Principal, Tx, sealPaths } from '@kefu/platform';
import { TicketQueries, TicketView, actorFromPrincipal, canSeeTicket } from '@kefu/tickets';
import { Actor } from '@kefu/tickets/domain/decider';

/**
 * The worker's identity for ticket commands issued on its own (escalations, follow-up tickets): a
 * principal the tickets' permission table lets act as staff. Events record it as `kefu-system`.
 */
export const SYSTEM_PRINCIPAL: Principal = { kind: 'user', sub: 'kefu-system', role: 'admin', name: 'Kefu' };

/** A ticket the caller may see (read in the caller's transaction), else not_found. */
export async function visibleTicketIn(
  tx: Tx,
  tickets: TicketQueries,
  principal: Principal,
  ticketId: string,
): Promise<TicketView> {
  const t = await tickets.byIdIn(tx, ticketId);
  if (!t || !canSeeTicket(actorFromPrincipal(principal), { customerId: t.customer.id, openedBy: t.openedBy }))
    throw DomainError.notFound('Ticket', ticketId);
  return t;
}

/** Serialises writers of one per-transaction stream (fewer conflict retries under a burst). */
export async function lockStream(tx: Tx, streamId: string): Promise<void> {
  await tx.execute(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [streamId]);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function assertUuid(id: string, field: string, what: string): void {
  if (!UUID.test(id)) throw DomainError.validation([{ field, message: `must be ${what} (UUID)` }]);
}

/** A case linked to a ticket is the ticket customer's: another account is a client mistake. */
export function customerOfTicket(
  ticket: TicketView,
  given: { id: string } | undefined | null,
): TicketView['customer'] {
  if (given && given.id !== ticket.customer.id)
    throw DomainError.validation([
      { field: 'customer.id', message: `must be the ticket's customer (${ticket.customer.id})` },
    ]);
  return given ? { ...ticket.customer, ...given } : ticket.customer;
}

/** The customer's contact details in a case's first event: personal data, sealed with the customer's key. */
export const CASE_CUSTOMER_FIELDS = ['customer.name', 'customer.email', 'customer.phone'] as const;

/**
 * The same decider, sealing the customer's contact details of the `eventType` events it emits and,
 * in every event, the name of a customer acting on their own case (`requestedBy`, `openedBy`,
 * `submittedBy`, `by` of kind customer). The decider itself sees them clear, so its validation is unchanged.
 */
export function sealingCustomerOf<S, C, E extends { type: string; data: unknown }>(
  d: Decider<S, C, E>,
  eventType: E['type'],
  seal: (clear: string) => string,
): Decider<S, C, E> {
  return {
    ...d,
    decide: (c, s) =>
      d.decide(c, s).map((e) => {
        const paths: string[] = e.type === eventType ? [...CASE_CUSTOMER_FIELDS] : [];
        for (const [k, v] of Object.entries(e.data as Record<string, unknown>))
          if (v && typeof v === 'object' && (v as { kind?: unknown }).kind === 'customer')
            paths.push(`${k}.name`);
        return paths.length ? { ...e, data: sealPaths(e.data, paths, seal) } : e;
      }),
  };
}

/** Whose key seals a command's personal data: the case's customer when opening, else a customer actor's own. */
export function sealingSubject(
  opening: { customer?: { id: string } } | undefined,
  actor: Actor,
): string | undefined {
  const own = actor.role === 'customer' ? actor.customerId : undefined;
  return (opening ? (opening.customer?.id ?? own) : actor.name ? own : undefined)?.trim() || undefined;
}

/**
 * A customer carried over from a stored case (sealed there) opened inside the transaction, so the
 * next decider validates clear values; fields erased by forgetCustomer are dropped, not re-sealed.
 */
export async function openedCustomerIn<C extends { id: string } | undefined>(
  vault: PiiVault,
  tx: Tx,
  customer: C,
): Promise<C> {
  if (!customer) return customer;
  const open = await vault.reveal(customer, tx);
  return Object.fromEntries(Object.entries(open).filter(([, v]) => v !== ERASED)) as C;
}
