import { SlaEvent } from '../domain/ticket.events';
import { NO_SLA, applySlaEvent, nextSlaDueAt } from './sla-view';

const at = (m: number) => new Date(Date.parse('2026-03-02T01:00:00.000Z') + m * 60_000).toISOString();
const fold = (events: SlaEvent[]) => events.reduce(applySlaEvent, NO_SLA);

describe('ticket_view.sla fold', () => {
  const started: SlaEvent[] = [
    {
      type: 'SlaPolicyApplied',
      data: {
        policyId: 'p',
        calendarId: null,
        warningRatio: 0.8,
        seconds: { first_response: 3600, next_response: 0, resolution: 7200 },
        reason: 'opened',
        at: at(0),
      },
    },
    {
      type: 'SlaTargetStarted',
      data: {
        target: 'first_response',
        revision: 1,
        targetSeconds: 3600,
        dueAt: at(60),
        warnAt: at(48),
        at: at(0),
      },
    },
    {
      type: 'SlaTargetStarted',
      data: {
        target: 'resolution',
        revision: 2,
        targetSeconds: 7200,
        dueAt: at(120),
        warnAt: at(96),
        at: at(0),
      },
    },
  ];

  it('shows running targets and the earliest active due time', () => {
    const sla = fold(started);
    expect(sla.policyId).toBe('p');
    expect(sla.firstResponse).toEqual({
      dueAt: at(60),
      status: 'active',
      metAt: null,
      breachedAt: null,
      revision: 1,
      warnAt: at(48),
    });
    expect(sla.nextResponse).toBeNull();
    expect(nextSlaDueAt(sla)).toBe(at(60));
  });

  it('paused targets have no due time; met and breached ones leave the next due time', () => {
    const paused = fold([
      ...started,
      { type: 'SlaTargetPaused', data: { target: 'first_response', revision: 1, elapsedMs: 1, at: at(5) } },
    ]);
    expect(paused.firstResponse).toMatchObject({ status: 'paused', dueAt: null });
    expect(nextSlaDueAt(paused)).toBe(at(120));
    const done = fold([
      ...started,
      { type: 'SlaTargetWarned', data: { target: 'first_response', revision: 1, dueAt: at(60), at: at(48) } },
      {
        type: 'SlaTargetBreached',
        data: { target: 'first_response', revision: 1, dueAt: at(60), at: at(60) },
      },
      {
        type: 'SlaTargetMet',
        data: { target: 'resolution', revision: 2, dueAt: at(120), elapsedMs: 1, at: at(70) },
      },
    ]);
    expect(done.firstResponse).toMatchObject({ status: 'breached', breachedAt: at(60), warnAt: null });
    expect(done.resolution).toMatchObject({ status: 'met', metAt: at(70) });
    expect(nextSlaDueAt(done)).toBeNull();
  });

  it('a resume or recalculation brings a new revision and due time', () => {
    const sla = fold([
      ...started,
      { type: 'SlaTargetPaused', data: { target: 'first_response', revision: 1, elapsedMs: 1, at: at(5) } },
      {
        type: 'SlaTargetResumed',
        data: {
          target: 'first_response',
          revision: 3,
          previousDueAt: at(60),
          dueAt: at(70),
          warnAt: null,
          at: at(15),
        },
      },
      {
        type: 'SlaTargetRecalculated',
        data: {
          target: 'resolution',
          revision: 4,
          targetSeconds: 1800,
          dueAt: at(30),
          warnAt: at(24),
          reason: 'priority_changed',
          at: at(16),
        },
      },
    ]);
    expect(sla.firstResponse).toMatchObject({ status: 'active', revision: 3, dueAt: at(70) });
    expect(sla.resolution).toMatchObject({ status: 'active', revision: 4, dueAt: at(30) });
    expect(nextSlaDueAt(sla)).toBe(at(30));
  });
});
