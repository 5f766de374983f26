// Free feedback from customers (or a partner on their behalf): suggestions, praise, complaints.
import { Violations, text } from './rules';

export const FEEDBACK_STREAM_TYPE = 'feedback';
export const FEEDBACK_KINDS = ['suggestion', 'praise', 'complaint'] as const;
export type FeedbackKind = (typeof FEEDBACK_KINDS)[number];
export const FEEDBACK_BODY_MAX_CHARS = 5000;

export interface FeedbackSubmittedData {
  feedbackId: string;
  kind: FeedbackKind;
  body: string;
  customerId: string;
  ticketId?: string;
  agentId?: string;
  /** Who sent it: customer, partner (its slug) or staff. */
  submittedBy: { kind: string; id: string };
  at: string;
}

export interface FeedbackInput {
  kind: unknown;
  body: unknown;
  customerId: unknown;
  ticketId?: unknown;
  agentId?: unknown;
}

/** The checked input; throws validation_failed with every violation. */
export function validateFeedback(input: FeedbackInput): {
  kind: FeedbackKind;
  body: string;
  customerId: string;
  ticketId?: string;
  agentId?: string;
} {
  const v = new Violations();
  const kind = input.kind;
  if (typeof kind !== 'string' || !(FEEDBACK_KINDS as readonly string[]).includes(kind))
    v.add('kind', `must be one of ${FEEDBACK_KINDS.join(', ')}`);
  const body = text(v, 'body', input.body, FEEDBACK_BODY_MAX_CHARS, true);
  const customerId = text(v, 'customer.id', input.customerId, 200, true);
  const ticketId = text(v, 'ticketId', input.ticketId, 100, false);
  const agentId = text(v, 'agentId', input.agentId, 200, false);
  v.throwIfAny();
  return {
    kind: kind as FeedbackKind,
    body: body!,
    customerId: customerId!,
    ...(ticketId ? { ticketId } : {}),
    ...(agentId ? { agentId } : {}),
  };
}

/** DOMAIN.md: complaints about an agent go to a supervisor. */
export function needsSupervisor(f: { kind: FeedbackKind; agentId?: string }): boolean {
  return f.kind === 'complaint' && f.agentId !== undefined;
}
