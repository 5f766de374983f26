// The SLA clocks a ticket carries. The policy and calendar live in the SLA module; the ticket
// decider sees them through SlaRules, a port the application layer fills in per command (pure
// functions over a snapshot of the policies and calendars), so deciding stays pure and replayable.
import { Category, Channel, Priority } from '@kefu/kernel';

export const SLA_TARGETS = ['first_response', 'next_response', 'resolution'] as const;
export type SlaTargetName = (typeof SLA_TARGETS)[number];

export const SLA_TARGET_STATUSES = ['active', 'paused', 'met', 'breached', 'cancelled'] as const;
export type SlaTargetStatus = (typeof SLA_TARGET_STATUSES)[number];

/** Why the due times were computed again. */
export type SlaRecalcReason = 'priority_changed' | 'policy_changed' | 'calendar_changed';

/** What a policy asks of one ticket: seconds per target (0 = not measured), in its calendar. */
export interface SlaTerms {
  policyId: string;
  /** null = 24/7. */
  calendarId: string | null;
  warningRatio: number;
  seconds: Record<SlaTargetName, number>;
}

/** Business time of one calendar, in epoch milliseconds. */
export interface SlaClock {
  addMs(fromMs: number, ms: number): number;
  betweenMs(fromMs: number, toMs: number): number;
}

/** The port: which policy applies to a ticket, and the clock of a calendar (null = 24/7). */
export interface SlaRules {
  termsFor(ticket: {
    priority: Priority;
    category: Category;
    channel: Channel;
    segments?: readonly string[];
  }): SlaTerms | undefined;
  clock(calendarId: string | null): SlaClock;
}

/** One target's clock as the decider tracks it. */
export interface SlaClockState {
  /** The deadline revision: timers carry it, and one that no longer matches does nothing. */
  revision: number;
  status: SlaTargetStatus;
  targetSeconds: number;
  /** Business time used up before the current run (pauses end a run). */
  elapsedMs: number;
  /** Start of the current run while active. */
  activeSince?: string;
  dueAt?: string;
  warnAt?: string;
  warned: boolean;
  metAt?: string;
  breachedAt?: string;
}

export interface TicketSlaState {
  /** The policy applied (its terms as applied), or undefined while none matches. */
  terms?: SlaTerms;
  /** The last revision handed out on this ticket. */
  revision: number;
  /** A customer's message waits for an agent's public reply. */
  awaitingAgentReply: boolean;
  targets: Partial<Record<SlaTargetName, SlaClockState>>;
}

export function isRunning(t: SlaClockState | undefined): t is SlaClockState {
  return t !== undefined && (t.status === 'active' || t.status === 'paused');
}
