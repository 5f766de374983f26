import type { Actor, Decider } from '@kefu/kernel';
import { Tx } from '../event-store/tx';
import { ERASED, sealPaths } from './pii-crypto';
import type { PiiVault } from './pii-vault';

/** Seals one clear value with a subject's data key (PiiVault.sealerFor). */
export type Sealer = (clear: string) => string;

/** The customer's contact details in a case's or ticket's first event. */
export const CUSTOMER_CONTACT_FIELDS = ['customer.name', 'customer.email', 'customer.phone'] as const;

/**
 * The same decider, sealing the personal fields of the events it emits (`pathsOf` each event) with
 * one customer's key. The decider itself sees the values clear, so its validation is unchanged.
 */
export function sealingDecider<S, C, E extends { type: string; data: unknown }>(
  d: Decider<S, C, E>,
  seal: Sealer,
  pathsOf: (e: E) => readonly string[],
): Decider<S, C, E> {
  return {
    ...d,
    decide: (c, s) =>
      d.decide(c, s).map((e) => {
        const paths = pathsOf(e);
        return paths.length ? ({ ...e, data: sealPaths(e.data, paths, seal) } as E) : e;
      }),
  };
}

/**
 * What a case's events name of a customer: the contact details in its opening event, and in every
 * event the name of a customer acting on their own case (`requestedBy`, `openedBy`, `submittedBy`,
 * `by`, `author` of kind customer).
 */
export function customerFieldsOf(openingType: string): (e: { type: string; data: unknown }) => string[] {
  return (e) => {
    const paths: string[] = e.type === openingType ? [...CUSTOMER_CONTACT_FIELDS] : [];
    for (const [k, v] of Object.entries((e.data ?? {}) as Record<string, unknown>))
      if (v && typeof v === 'object' && (v as { kind?: unknown }).kind === 'customer')
        paths.push(`${k}.name`);
    return paths;
  };
}

/** Whose key seals a command's personal data: the customer when opening, else a customer actor's own. */
export function sealingSubject(
  opening: { customer?: { id: string } } | undefined,
  actor: Actor,
): string | undefined {
  const own = actor.role === 'customer' ? actor.customerId : undefined;
  return (opening ? (opening.customer?.id ?? own) : actor.name ? own : undefined)?.trim() || undefined;
}

/**
 * A customer carried over from a stored record (sealed there), opened inside the transaction so the
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
