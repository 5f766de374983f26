// The value types several modules share (tickets, disputes, refunds, recovery, feedback, SLA, the
// platform's API keys), in the lower-case spelling REST uses; GraphQL enums are the same values
// upper-cased.

export const CATEGORIES = [
  'payment_failed',
  'account_locked',
  'account_stolen',
  'password_reset',
  'transaction_dispute',
  'refund',
  'refund_not_received',
  'abnormal_charge',
  'card_unbinding',
  'cross_border',
  'fees',
  'privacy',
  'technical',
  'feature_question',
  'complaint',
  'other',
] as const;
export type Category = (typeof CATEGORIES)[number];

export const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export type Priority = (typeof PRIORITIES)[number];

/** Support channels (the contract's Channel enum, lower case). An API key belongs to one. */
export const CHANNELS = ['app', 'web', 'chat', 'phone', 'email', 'social', 'partner'] as const;
export type Channel = (typeof CHANNELS)[number];

export function isChannel(v: unknown): v is Channel {
  return typeof v === 'string' && (CHANNELS as readonly string[]).includes(v);
}

/** Support tiers: L1 first line, L2 senior agents, L3 supervisors. */
export const TIERS = ['L1', 'L2', 'L3'] as const;
export type Tier = (typeof TIERS)[number];

/** The wallet account; name, email and phone are personal data (encrypted in event payloads). */
export interface CustomerRef {
  id: string;
  name?: string;
  email?: string;
  phone?: string;
  /**
   * Input only: segments the partner gives for this customer (`vip`). The ticket carries the union
   * with the admin-set ones in its own `segments`; they are not part of the stored customer.
   */
  segments?: string[];
}

export interface TransactionRef {
  id: string;
  /** Integer minor units (1050 = 10.50), never negative. */
  amount: number;
  /** ISO 4217, three upper-case letters. */
  currency: string;
  occurredAt?: string;
  merchantId?: string;
}
