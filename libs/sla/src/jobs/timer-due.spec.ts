import { TicketSlaView } from '@kefu/tickets';
import { timerDue } from './sla-timers.job';

const DUE = '2026-01-01T10:00:00.000Z';
const WARN = '2026-01-01T09:30:00.000Z';

function sla(first: Partial<NonNullable<TicketSlaView['firstResponse']>> | null): TicketSlaView {
  return {
    policyId: 'p',
    firstResponse: first && {
      dueAt: DUE,
      status: 'active',
      metAt: null,
      breachedAt: null,
      revision: 2,
      warnAt: WARN,
      ...first,
    },
    nextResponse: null,
    resolution: null,
  };
}

describe('timerDue (the SLA timer job pre-check)', () => {
  it('gives the deadline or the warning time of a running target at the job revision', () => {
    expect(timerDue(sla({}), 'first_response', 2, true)).toBe(Date.parse(DUE));
    expect(timerDue(sla({}), 'first_response', 2, false)).toBe(Date.parse(WARN));
  });

  it('has nothing to do for a moved, met, paused, cancelled or breached target, or a sent warning', () => {
    expect(timerDue(sla({}), 'first_response', 1, true)).toBeUndefined();
    expect(timerDue(sla({}), 'first_response', 3, true)).toBeUndefined();
    for (const status of ['met', 'paused', 'cancelled', 'breached'] as const)
      expect(timerDue(sla({ status }), 'first_response', 2, true)).toBeUndefined();
    expect(timerDue(sla({ warnAt: null }), 'first_response', 2, false)).toBeUndefined();
    expect(timerDue(sla({ warnAt: null }), 'first_response', 2, true)).toBe(Date.parse(DUE));
    expect(timerDue(sla(null), 'first_response', 2, true)).toBeUndefined();
    expect(timerDue(null, 'first_response', 2, true)).toBeUndefined();
    expect(timerDue(sla({}), 'resolution', 2, true)).toBeUndefined();
  });

  it('cannot tell from a row written before revisions existed: the full check runs', () => {
    expect(timerDue(sla({ revision: undefined }), 'first_response', 2, true)).toBeNull();
  });
});
