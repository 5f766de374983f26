// The SLA clocks react to what a command did. Pure: the policy and the calendars come in with the
// command (SlaRules), the due times go out in the events, so replays never need the policy again.
//
// - First response starts when the ticket opens; resolution too. Next response starts at a
//   customer's message once an agent has answered before (and none is running already).
// - An agent's public reply meets the running response targets; solving meets resolution and
//   cancels response targets; reopening resumes resolution from the business time it had used.
// - pending/on_hold pause every running target; back to open resumes it with the remaining
//   business time (so the due time moves by the paused business time), under a new revision.
// - Every command first breaches what is overdue (and warns what passed its warning time): a late
//   timer or a reply after the due time can never turn a miss into "met".
import { TicketCommand } from './ticket.commands';
import { TicketEvent } from './ticket.events';
import {
  SLA_TARGETS,
  SlaClock,
  SlaRecalcReason,
  SlaRules,
  SlaTargetName,
  SlaTerms,
  isRunning,
} from './ticket.sla.types';
import { Ticket, TicketState, evolve } from './ticket.state';

const RESPONSE_TARGETS: readonly SlaTargetName[] = ['first_response', 'next_response'];
const PAUSED_STATUSES = ['pending', 'on_hold'];

const iso = (ms: number) => new Date(ms).toISOString();

class SlaRun {
  readonly out: TicketEvent[] = [];
  private readonly nowMs: number;
  private readonly deferred = new Set<SlaTargetName>();

  constructor(
    private state: TicketState,
    private readonly rules: SlaRules,
    private readonly now: string,
  ) {
    this.nowMs = Date.parse(now);
  }

  get ticket(): Ticket | undefined {
    return this.state.exists ? this.state : undefined;
  }

  emit(e: TicketEvent): void {
    this.out.push(e);
    this.state = evolve(this.state, e);
  }

  private clock(): SlaClock {
    return this.rules.clock(this.ticket?.sla.terms?.calendarId ?? null);
  }

  /** Breaches overdue targets and warns those past their warning time. */
  sweep(): void {
    const t = this.ticket;
    if (!t) return;
    for (const name of SLA_TARGETS) {
      const c = t.sla.targets[name];
      if (!c || c.status !== 'active' || !c.dueAt) continue;
      const data = { target: name, revision: c.revision, dueAt: c.dueAt, at: this.now };
      if (Date.parse(c.dueAt) <= this.nowMs) this.emit({ type: 'SlaTargetBreached', data });
      else if (!c.warned && c.warnAt && Date.parse(c.warnAt) <= this.nowMs)
        this.emit({ type: 'SlaTargetWarned', data });
    }
  }

  react(e: TicketEvent, before: TicketState): void {
    const t = this.ticket;
    if (!t) return;
    switch (e.type) {
      case 'TicketOpened':
        this.applyTerms(this.rules.termsFor(t), 'opened');
        return;
      case 'PublicReplyAdded': {
        const kind = e.data.author.kind;
        if (kind === 'agent') for (const n of RESPONSE_TARGETS) this.meet(n);
        const wasAwaiting = before.exists && before.sla.awaitingAgentReply;
        if ((kind === 'customer' || kind === 'partner') && !wasAwaiting && t.firstAgentReplyAt)
          this.deferred.add('next_response');
        return;
      }
      case 'TicketStatusChanged': {
        const { from, to } = e.data;
        if (PAUSED_STATUSES.includes(to) && !PAUSED_STATUSES.includes(from)) this.pauseAll();
        else if (PAUSED_STATUSES.includes(from) && !PAUSED_STATUSES.includes(to)) this.resumeAll();
        if (to === 'solved') {
          this.meet('resolution');
          for (const n of RESPONSE_TARGETS) this.cancel(n, 'solved');
        } else if (to === 'closed') {
          for (const n of SLA_TARGETS) this.cancel(n, 'closed');
        } else if (from === 'solved') {
          this.resume('resolution', true);
          // Reopened straight into pending/on_hold: the clock is back, but paused.
          if (PAUSED_STATUSES.includes(to)) this.pause('resolution');
        }
        return;
      }
      case 'TicketPriorityChanged':
        this.recalculate('priority_changed');
        return;
      default:
        return;
    }
  }

  /** Targets whose start waited for the whole command (the final status decides paused or not). */
  flush(): void {
    for (const name of this.deferred) {
      const t = this.ticket;
      if (!t || isRunning(t.sla.targets[name]) || !t.sla.awaitingAgentReply) continue;
      this.start(name);
    }
  }

  recalculate(reason: SlaRecalcReason): void {
    const t = this.ticket;
    if (!t || t.status === 'closed') return;
    const terms = this.rules.termsFor(t);
    if (!terms) {
      if (!t.sla.terms) return;
      this.emitTerms(undefined, reason);
      for (const n of SLA_TARGETS) this.cancel(n, reason);
      return;
    }
    this.applyTerms(terms, reason);
  }

  private applyTerms(terms: SlaTerms | undefined, reason: 'opened' | SlaRecalcReason): void {
    const t = this.ticket;
    if (!t || !terms) return;
    if (!sameTerms(t.sla.terms, terms)) this.emitTerms(terms, reason);
    const clock = this.clock();
    for (const name of SLA_TARGETS) {
      const seconds = terms.seconds[name];
      const c = this.ticket!.sla.targets[name];
      if (isRunning(c)) {
        if (seconds <= 0) {
          this.cancel(name, reason === 'opened' ? 'policy_changed' : reason);
          continue;
        }
        // A paused target gets its due time on resume; only its length can change now.
        const since = c.status === 'active' && c.activeSince ? Date.parse(c.activeSince) : undefined;
        const dueAt = since === undefined ? null : iso(clock.addMs(since, seconds * 1000 - c.elapsedMs));
        const warnAt =
          since === undefined || c.warned ? null : this.warnAt(clock, since, seconds, c.elapsedMs, terms);
        const same =
          seconds === c.targetSeconds &&
          (since === undefined || (dueAt === (c.dueAt ?? null) && warnAt === (c.warnAt ?? null)));
        if (same) continue;
        this.emit({
          type: 'SlaTargetRecalculated',
          data: {
            target: name,
            revision: this.ticket!.sla.revision + 1,
            targetSeconds: seconds,
            dueAt,
            warnAt,
            reason: reason === 'opened' ? 'policy_changed' : reason,
            at: this.now,
          },
        });
      } else if (c === undefined && seconds > 0 && this.applies(name)) {
        this.start(name);
      }
    }
  }

  /** Whether a target that never ran should run now. */
  private applies(name: SlaTargetName): boolean {
    const t = this.ticket!;
    if (t.status === 'solved' || t.status === 'closed') return false;
    if (name === 'resolution') return true;
    if (name === 'first_response') return t.firstAgentReplyAt === undefined;
    return t.firstAgentReplyAt !== undefined && t.sla.awaitingAgentReply;
  }

  private emitTerms(terms: SlaTerms | undefined, reason: 'opened' | SlaRecalcReason): void {
    this.emit({
      type: 'SlaPolicyApplied',
      data: {
        policyId: terms?.policyId ?? null,
        calendarId: terms?.calendarId ?? null,
        warningRatio: terms?.warningRatio ?? null,
        seconds: terms ? { ...terms.seconds } : null,
        reason,
        at: this.now,
      },
    });
  }

  private warnAt(clock: SlaClock, fromMs: number, seconds: number, elapsedMs: number, terms: SlaTerms) {
    if (!(terms.warningRatio > 0 && terms.warningRatio < 1)) return null;
    return iso(clock.addMs(fromMs, Math.max(0, terms.warningRatio * seconds * 1000 - elapsedMs)));
  }

  private start(name: SlaTargetName): void {
    const t = this.ticket!;
    const terms = t.sla.terms;
    const seconds = terms?.seconds[name] ?? 0;
    if (!terms || seconds <= 0) return;
    const clock = this.clock();
    this.emit({
      type: 'SlaTargetStarted',
      data: {
        target: name,
        revision: t.sla.revision + 1,
        targetSeconds: seconds,
        dueAt: iso(clock.addMs(this.nowMs, seconds * 1000)),
        warnAt: this.warnAt(clock, this.nowMs, seconds, 0, terms),
        at: this.now,
      },
    });
    if (PAUSED_STATUSES.includes(this.ticket!.status)) this.pause(name);
  }

  private usedMs(name: SlaTargetName): number {
    const c = this.ticket!.sla.targets[name]!;
    if (c.status !== 'active' || !c.activeSince) return c.elapsedMs;
    return c.elapsedMs + this.clock().betweenMs(Date.parse(c.activeSince), this.nowMs);
  }

  private pause(name: SlaTargetName): void {
    const c = this.ticket!.sla.targets[name];
    if (c?.status !== 'active') return;
    this.emit({
      type: 'SlaTargetPaused',
      data: { target: name, revision: c.revision, elapsedMs: this.usedMs(name), at: this.now },
    });
  }

  private pauseAll(): void {
    for (const n of SLA_TARGETS) this.pause(n);
  }

  private resumeAll(): void {
    for (const n of SLA_TARGETS) this.resume(n, false);
  }

  /** A paused target (or, when reopening, a met resolution) runs again with what it has left. */
  private resume(name: SlaTargetName, reopening: boolean): void {
    const t = this.ticket!;
    const c = t.sla.targets[name];
    if (!c || !(c.status === 'paused' || (reopening && c.status === 'met'))) return;
    const terms = t.sla.terms;
    const clock = this.clock();
    const left = c.targetSeconds * 1000 - c.elapsedMs;
    this.emit({
      type: 'SlaTargetResumed',
      data: {
        target: name,
        revision: t.sla.revision + 1,
        previousDueAt: c.dueAt ?? null,
        dueAt: iso(clock.addMs(this.nowMs, Math.max(0, left))),
        warnAt:
          c.warned || !terms ? null : this.warnAt(clock, this.nowMs, c.targetSeconds, c.elapsedMs, terms),
        at: this.now,
      },
    });
  }

  private meet(name: SlaTargetName): void {
    const c = this.ticket!.sla.targets[name];
    if (!isRunning(c)) return;
    this.emit({
      type: 'SlaTargetMet',
      data: {
        target: name,
        revision: c.revision,
        dueAt: c.dueAt ?? this.now,
        elapsedMs: this.usedMs(name),
        at: this.now,
      },
    });
  }

  private cancel(name: SlaTargetName, reason: 'solved' | 'closed' | SlaRecalcReason): void {
    const c = this.ticket!.sla.targets[name];
    if (!isRunning(c)) return;
    this.emit({
      type: 'SlaTargetCancelled',
      data: { target: name, revision: c.revision, reason, at: this.now },
    });
  }
}

function sameTerms(a: SlaTerms | undefined, b: SlaTerms): boolean {
  return (
    a !== undefined &&
    a.policyId === b.policyId &&
    a.calendarId === b.calendarId &&
    a.warningRatio === b.warningRatio &&
    SLA_TARGETS.every((n) => a.seconds[n] === b.seconds[n])
  );
}

/**
 * CheckSla (a timer) decides nothing but the sweep, and what is due is in the state's clocks: it needs
 * no policy or calendar, so the timer job sends none and saves their read on every due timer.
 */
const SWEEP_ONLY: SlaRules = {
  termsFor: () => {
    throw new Error('CheckSla has no SLA rules: it only breaches and warns');
  },
  clock: () => {
    throw new Error('CheckSla has no SLA rules: it only breaches and warns');
  },
};

/**
 * The command's events with the SLA's around them: overdue breaches first, then each event followed
 * by what it does to the clocks. Without rules (no SLA module wired) the events pass unchanged, except
 * CheckSla's sweep, which needs none.
 */
export function withSla(command: TicketCommand, before: TicketState, events: TicketEvent[]): TicketEvent[] {
  const rules = command.sla ?? (command.type === 'CheckSla' ? SWEEP_ONLY : undefined);
  if (!rules) return events;
  const run = new SlaRun(before, rules, command.now);
  run.sweep();
  for (const e of events) {
    const prev = run.ticket ?? before;
    run.emit(e);
    run.react(e, prev);
  }
  run.flush();
  if (command.type === 'RecalculateSla') run.recalculate(command.data.reason);
  return run.out;
}
