import { ROLES, RoleName } from './world';

/** One expectation per role group, then per role where they differ (e.g. the other tenant). */
export interface Groups<T> {
  none: T;
  customer: T;
  partner: T;
  staff: T;
}

const GROUP_OF: Record<RoleName, keyof Groups<unknown>> = {
  none: 'none',
  customerA: 'customer',
  customerB: 'customer',
  partnerX: 'partner',
  partnerY: 'partner',
  agent: 'staff',
  senior: 'staff',
  supervisor: 'staff',
  admin: 'staff',
};

/** Expands groups (and per-role exceptions) into one expectation for each of the nine roles. */
export function byRole<T>(groups: Groups<T>, except: Partial<Record<RoleName, T>> = {}): Record<RoleName, T> {
  return Object.fromEntries(ROLES.map((r) => [r, r in except ? except[r] : groups[GROUP_OF[r]]])) as Record<
    RoleName,
    T
  >;
}
