// The read-model side of the SLA clocks lives with the ticket view's pure fold in the domain.
export { NO_SLA, applySlaEvent, isSlaEvent, nextSlaDueAt, slaTargetOf } from '../domain/ticket-view';
