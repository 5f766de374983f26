// How SLA events change a ticket's clocks. Kept apart from ticket.state.ts, which it serves.
import { SlaEvent } from './ticket.events';
import { SlaClockState, TicketSlaState } from './ticket.sla.types';

export function evolveSla(sla: TicketSlaState, e: SlaEvent): TicketSlaState {
  if (e.type === 'SlaPolicyApplied') {
    const d = e.data;
    if (d.policyId === null || d.seconds === null || d.warningRatio === null) {
      const { terms: _dropped, ...rest } = sla;
      return rest;
    }
    return {
      ...sla,
      terms: {
        policyId: d.policyId,
        calendarId: d.calendarId,
        warningRatio: d.warningRatio,
        seconds: { ...d.seconds },
      },
    };
  }
  const { target } = e.data;
  const cur = sla.targets[target];
  const set = (next: SlaClockState, revision = sla.revision): TicketSlaState => ({
    ...sla,
    revision: Math.max(revision, sla.revision),
    targets: { ...sla.targets, [target]: next },
  });
  switch (e.type) {
    case 'SlaTargetStarted': {
      const d = e.data;
      return set(
        {
          revision: d.revision,
          status: 'active',
          targetSeconds: d.targetSeconds,
          elapsedMs: 0,
          activeSince: d.at,
          dueAt: d.dueAt,
          ...(d.warnAt ? { warnAt: d.warnAt } : {}),
          warned: false,
        },
        d.revision,
      );
    }
    case 'SlaTargetPaused': {
      if (!cur) return sla;
      // dueAt stays for the record (the resume reports how far it moved); it is not a deadline now.
      const { activeSince: _a, warnAt: _w, ...rest } = cur;
      return set({ ...rest, status: 'paused', elapsedMs: e.data.elapsedMs });
    }
    case 'SlaTargetResumed': {
      if (!cur) return sla;
      const d = e.data;
      const { metAt: _m, warnAt: _w, ...rest } = cur;
      return set(
        {
          ...rest,
          revision: d.revision,
          status: 'active',
          activeSince: d.at,
          dueAt: d.dueAt,
          ...(d.warnAt ? { warnAt: d.warnAt } : {}),
        },
        d.revision,
      );
    }
    case 'SlaTargetMet': {
      if (!cur) return sla;
      const { activeSince: _a, warnAt: _w, ...rest } = cur;
      return set({ ...rest, status: 'met', metAt: e.data.at, elapsedMs: e.data.elapsedMs });
    }
    case 'SlaTargetBreached': {
      if (!cur) return sla;
      const { activeSince: _a, warnAt: _w, ...rest } = cur;
      return set({ ...rest, status: 'breached', breachedAt: e.data.at });
    }
    case 'SlaTargetWarned':
      return cur ? set({ ...cur, warned: true }) : sla;
    case 'SlaTargetCancelled': {
      if (!cur) return sla;
      const { activeSince: _a, warnAt: _w, dueAt: _d, ...rest } = cur;
      return set({ ...rest, status: 'cancelled' });
    }
    case 'SlaTargetRecalculated': {
      if (!cur) return sla;
      const d = e.data;
      const { warnAt: _w, ...rest } = cur;
      return set(
        {
          ...rest,
          revision: d.revision,
          targetSeconds: d.targetSeconds,
          ...(d.dueAt ? { dueAt: d.dueAt } : {}),
          ...(d.warnAt ? { warnAt: d.warnAt } : {}),
        },
        d.revision,
      );
    }
  }
}
