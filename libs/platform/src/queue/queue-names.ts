import { JobsOptions } from 'bullmq';

/** Every queue Kefu uses, in one place. */
export enum QueueName {
  SlaTimers = 'sla-timers',
  Escalations = 'escalations',
  Surveys = 'surveys',
  Webhooks = 'webhooks',
  Tickets = 'tickets',
  Disputes = 'disputes',
  Refunds = 'refunds',
  Maintenance = 'maintenance',
}

/** Every job name, in one place. */
export enum JobName {
  SlaWarning = 'sla-warning',
  SlaDeadline = 'sla-deadline',
  EscalateTicket = 'escalate-ticket',
  RouteEscalation = 'route-escalation',
  DrainEscalationQueue = 'drain-escalation-queue',
  AutoCloseTicket = 'auto-close-ticket',
  DisputeMerchantDeadline = 'dispute-merchant-deadline',
  RefundOverdue = 'refund-overdue',
  SendSurvey = 'send-survey',
  SurveyReminder = 'survey-reminder',
  ExpireSurvey = 'expire-survey',
  DeliverWebhook = 'deliver-webhook',
  Probe = 'probe',
}

/**
 * Defaults for every job: retried with exponential backoff, kept after completion long enough that a
 * re-dispatched job id is still recognised as a duplicate, failures kept for inspection.
 */
export const DEFAULT_JOB_OPTIONS: JobsOptions = {
  attempts: 10,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: { age: 7 * 24 * 3600, count: 200_000 },
  removeOnFail: { age: 30 * 24 * 3600 },
};

/** BullMQ reserves ':' in job ids; ids here are built from parts joined with '-'. */
export function jobId(...parts: Array<string | number>): string {
  return parts.map((p) => String(p).replace(/[:\s]/g, '_')).join('-');
}
