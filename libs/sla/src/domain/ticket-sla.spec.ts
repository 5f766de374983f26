// The SLA clocks on the ticket decider, driven with real policies and calendars (slaRulesFrom).
import { Actor } from '@kefu/kernel';
import {
  TicketCommand,
  decide,
  TicketEvent,
  SlaRules,
  Ticket,
  TicketState,
  evolve,
  initialState,
} from '@kefu/tickets/domain';
import { BusinessCalendar, SlaPolicy, slaRulesFrom } from './sla-config';

const T0 = Date.parse('2026-03-02T01:00:00.000Z'); // Monday 09:00 in Shanghai
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();

const customer: Actor = { role: 'customer', id: 'u-1', customerId: 'cust-1' };
const agent: Actor = { role: 'agent', id: 'a-1' };
const system: Actor = { role: 'system', id: 'kefu' };

const policy = (over: Partial<SlaPolicy> = {}): SlaPolicy => ({
  id: 'p-normal',
  name: 'Normal',
  priority: 'normal',
  categories: [],
  channels: [],
  firstResponseSeconds: 3600,
  nextResponseSeconds: 1800,
  resolutionSeconds: 8 * 3600,
  calendarId: null,
  warningRatio: 0.8,
  ...over,
});

class Ticketing {
  state: TicketState = initialState();
  constructor(public rules: SlaRules | undefined) {}

  run(minutes: number, actor: Actor, type: TicketCommand['type'], data: object = {}): TicketEvent[] {
    const command = {
      type,
      data,
      actor,
      now: at(minutes),
      ...(this.rules ? { sla: this.rules } : {}),
    } as TicketCommand;
    const events = decide(command, this.state);
    for (const e of events) this.state = evolve(this.state, e);
    return events;
  }

  open(minutes = 0, data: object = {}) {
    return this.run(minutes, customer, 'OpenTicket', {
      ticketId: 't-1',
      number: 1,
      subject: 'Payment failed',
      description: 'It failed',
      category: 'payment_failed',
      ...data,
    });
  }

  reply(minutes: number, actor: Actor) {
    return this.run(minutes, actor, 'ReplyToTicket', { messageId: `m-${minutes}`, body: 'hi' });
  }

  get ticket(): Ticket {
    if (!this.state.exists) throw new Error('no ticket');
    return this.state;
  }
}

const sla = (events: TicketEvent[]) => events.filter((e) => e.type.startsWith('Sla'));
const types = (events: TicketEvent[]) =>
  sla(events).map((e) => `${e.type}:${(e.data as { target?: string }).target ?? ''}`);

describe('SLA clocks on a ticket', () => {
  it('runs no clock without rules or without a matching policy', () => {
    expect(sla(new Ticketing(undefined).open())).toEqual([]);
    expect(sla(new Ticketing(slaRulesFrom([policy({ priority: 'high' })], [])).open())).toEqual([]);
  });

  it('starts first response and resolution at creation, with due and warning times', () => {
    const t = new Ticketing(slaRulesFrom([policy()], []));
    const events = sla(t.open());
    expect(events).toEqual([
      {
        type: 'SlaPolicyApplied',
        data: {
          policyId: 'p-normal',
          calendarId: null,
          warningRatio: 0.8,
          seconds: { first_response: 3600, next_response: 1800, resolution: 28800 },
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
          targetSeconds: 28800,
          dueAt: at(480),
          warnAt: at(384),
          at: at(0),
        },
      },
    ]);
  });

  it('an agent reply meets first response; a customer reply then starts next response, once', () => {
    const t = new Ticketing(slaRulesFrom([policy()], []));
    t.open();
    expect(types(t.reply(10, agent))).toEqual(['SlaTargetMet:first_response']);
    expect(sla(t.reply(20, customer))).toEqual([
      {
        type: 'SlaTargetStarted',
        data: {
          target: 'next_response',
          revision: 3,
          targetSeconds: 1800,
          dueAt: at(50),
          warnAt: at(44),
          at: at(20),
        },
      },
    ]);
    // The next one measures from the oldest unanswered message: a second message changes nothing.
    expect(sla(t.reply(25, customer))).toEqual([]);
    expect(types(t.reply(30, agent))).toEqual(['SlaTargetMet:next_response']);
    expect(t.ticket.sla.targets.next_response).toMatchObject({ status: 'met', metAt: at(30) });
  });

  it('customer messages before the first agent reply are covered by first response', () => {
    const t = new Ticketing(slaRulesFrom([policy()], []));
    t.open();
    expect(sla(t.reply(5, customer))).toEqual([]);
  });

  it('pending pauses; the customer reply resumes with the due time moved by the paused time', () => {
    const t = new Ticketing(slaRulesFrom([policy()], []));
    t.open();
    expect(types(t.run(10, agent, 'SetTicketStatus', { status: 'pending' }))).toEqual([
      'SlaTargetPaused:first_response',
      'SlaTargetPaused:resolution',
    ]);
    expect(t.ticket.sla.targets.first_response).toMatchObject({ status: 'paused', elapsedMs: 600_000 });
    // A timer for the old revision finds nothing to do while paused.
    expect(t.run(61, system, 'CheckSla', { target: 'first_response', revision: 1 })).toEqual([]);
    const resumed = sla(t.reply(70, customer)); // pending → open: 60 minutes paused
    expect(resumed).toEqual([
      {
        type: 'SlaTargetResumed',
        data: {
          target: 'first_response',
          revision: 3,
          previousDueAt: at(60),
          dueAt: at(120),
          warnAt: at(108),
          at: at(70),
        },
      },
      {
        type: 'SlaTargetResumed',
        data: {
          target: 'resolution',
          revision: 4,
          previousDueAt: at(480),
          dueAt: at(540),
          warnAt: at(444),
          at: at(70),
        },
      },
    ]);
  });

  it('on_hold pauses as well, and a next response started meanwhile starts paused', () => {
    const t = new Ticketing(slaRulesFrom([policy()], []));
    t.open();
    t.reply(5, agent);
    t.run(6, agent, 'SetTicketStatus', { status: 'on_hold' });
    // A customer reply does not end on_hold (a third party is awaited): next response starts paused.
    expect(types(t.reply(7, customer))).toEqual([
      'SlaTargetStarted:next_response',
      'SlaTargetPaused:next_response',
    ]);
    expect(types(t.run(17, agent, 'SetTicketStatus', { status: 'open' }))).toEqual([
      'SlaTargetResumed:next_response',
      'SlaTargetResumed:resolution',
    ]);
    expect(t.ticket.sla.targets.next_response?.dueAt).toBe(at(47));
  });

  it('breaches what is overdue before anything else: a late reply is a breach, not "met"', () => {
    const t = new Ticketing(slaRulesFrom([policy()], []));
    t.open();
    expect(sla(t.reply(61, agent))).toEqual([
      {
        type: 'SlaTargetBreached',
        data: { target: 'first_response', revision: 1, dueAt: at(60), at: at(61) },
      },
    ]);
    expect(t.ticket.sla.targets.first_response).toMatchObject({ status: 'breached', breachedAt: at(61) });
  });

  it('a timer warns at the warning ratio, breaches at the due time, and a stale one does nothing', () => {
    const t = new Ticketing(slaRulesFrom([policy()], []));
    t.open();
    expect(t.run(47, system, 'CheckSla')).toEqual([]);
    expect(sla(t.run(48, system, 'CheckSla'))).toEqual([
      { type: 'SlaTargetWarned', data: { target: 'first_response', revision: 1, dueAt: at(60), at: at(48) } },
    ]);
    expect(t.run(50, system, 'CheckSla')).toEqual([]);
    expect(types(t.run(60, system, 'CheckSla', { target: 'first_response', revision: 1 }))).toEqual([
      'SlaTargetBreached:first_response',
    ]);
    expect(t.run(61, system, 'CheckSla', { target: 'first_response', revision: 1 })).toEqual([]);
  });

  it('a timer decides the same without the rules (the job sends none: the clocks say what is due)', () => {
    const withRules = new Ticketing(slaRulesFrom([policy()], []));
    withRules.open();
    const bare = new Ticketing(undefined);
    bare.state = withRules.state;
    const decided: TicketEvent[] = [];
    for (const minutes of [47, 48, 50, 60, 61, 479, 480]) {
      const expected = withRules.run(minutes, system, 'CheckSla');
      expect(bare.run(minutes, system, 'CheckSla')).toEqual(expected);
      expect(bare.state).toEqual(withRules.state);
      decided.push(...expected);
    }
    expect(types(decided)).toEqual([
      'SlaTargetWarned:first_response',
      'SlaTargetBreached:first_response',
      'SlaTargetWarned:resolution',
      'SlaTargetBreached:resolution',
    ]);
  });

  it('an answered ticket never breaches its first response', () => {
    const t = new Ticketing(slaRulesFrom([policy()], []));
    t.open();
    t.reply(30, agent);
    expect(t.run(60, system, 'CheckSla', { target: 'first_response', revision: 1 })).toEqual([]);
  });

  it('solving meets resolution and cancels response targets; reopening resumes resolution where it stopped', () => {
    const t = new Ticketing(slaRulesFrom([policy()], []));
    t.open();
    expect(types(t.run(40, agent, 'SetTicketStatus', { status: 'solved' }))).toEqual([
      'SlaTargetMet:resolution',
      'SlaTargetCancelled:first_response',
    ]);
    // Reopened 260 minutes later by the customer: 440 minutes of resolution left.
    const reopened = sla(t.reply(300, customer));
    expect(reopened[0]).toMatchObject({
      type: 'SlaTargetResumed',
      data: { target: 'resolution', dueAt: at(740), previousDueAt: at(480) },
    });
    expect(t.ticket.sla.targets.resolution).toMatchObject({ status: 'active' });
  });

  it('a solved ticket set back to pending gets its resolution clock back, paused', () => {
    const t = new Ticketing(slaRulesFrom([policy()], []));
    t.open();
    t.run(40, agent, 'SetTicketStatus', { status: 'solved' });
    expect(types(t.run(50, agent, 'SetTicketStatus', { status: 'pending' }))).toEqual([
      'SlaTargetResumed:resolution',
      'SlaTargetPaused:resolution',
    ]);
    expect(t.ticket.sla.targets.resolution).toMatchObject({ status: 'paused', elapsedMs: 40 * 60_000 });
  });

  it('a priority change re-matches the policy: new due times as new revisions', () => {
    const rules = slaRulesFrom(
      [
        policy(),
        policy({ id: 'p-high', priority: 'high', firstResponseSeconds: 1200, resolutionSeconds: 4 * 3600 }),
      ],
      [],
    );
    const t = new Ticketing(rules);
    t.open();
    const events = sla(t.run(10, agent, 'SetTicketPriority', { priority: 'high' }));
    expect(events.map((e) => e.type)).toEqual([
      'SlaPolicyApplied',
      'SlaTargetRecalculated',
      'SlaTargetRecalculated',
    ]);
    expect(events[1].data).toMatchObject({
      target: 'first_response',
      revision: 3,
      dueAt: at(20),
      reason: 'priority_changed',
    });
    expect(events[2].data).toMatchObject({ target: 'resolution', revision: 4, dueAt: at(240) });
  });

  it('a changed policy recomputes due times; the same policy again changes nothing', () => {
    const t = new Ticketing(slaRulesFrom([policy()], []));
    t.open();
    expect(t.run(5, system, 'RecalculateSla', { reason: 'policy_changed' })).toEqual([]);
    t.rules = slaRulesFrom([policy({ firstResponseSeconds: 7200 })], []);
    const events = sla(t.run(6, system, 'RecalculateSla', { reason: 'policy_changed' }));
    expect(events.map((e) => e.type)).toEqual(['SlaPolicyApplied', 'SlaTargetRecalculated']);
    expect(events[1].data).toMatchObject({
      target: 'first_response',
      revision: 3,
      dueAt: at(120),
      targetSeconds: 7200,
    });
    // The policy is gone: the clocks stop.
    t.rules = slaRulesFrom([], []);
    expect(types(t.run(7, system, 'RecalculateSla', { reason: 'policy_changed' }))).toEqual([
      'SlaPolicyApplied:',
      'SlaTargetCancelled:first_response',
      'SlaTargetCancelled:resolution',
    ]);
  });

  it('runs in the business hours of the policy calendar, and a calendar change moves the due time', () => {
    const office: BusinessCalendar = {
      id: 'office',
      name: 'Office',
      timeZone: 'Asia/Shanghai',
      hours: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, opens: '09:00', closes: '18:00' })),
      holidays: [],
    };
    const p = policy({ calendarId: 'office', firstResponseSeconds: 4 * 3600 });
    const t = new Ticketing(slaRulesFrom([p], [office]));
    // Opened Monday 17:00 local (minute 480): 1 h today, 3 h on Tuesday → Tuesday 12:00 local.
    t.open(480);
    expect(t.ticket.sla.targets.first_response?.dueAt).toBe('2026-03-03T04:00:00.000Z');
    t.rules = slaRulesFrom([p], [{ ...office, holidays: ['2026-03-03'] }]);
    const events = sla(t.run(481, system, 'RecalculateSla', { reason: 'calendar_changed' }));
    expect(events[0]).toMatchObject({
      type: 'SlaTargetRecalculated',
      data: { target: 'first_response', dueAt: '2026-03-04T04:00:00.000Z', reason: 'calendar_changed' },
    });
  });

  it('a target is replaced by nothing once closed', () => {
    const t = new Ticketing(slaRulesFrom([policy()], []));
    t.open();
    t.run(10, agent, 'SetTicketStatus', { status: 'solved' });
    t.run(20, system, 'CloseSolvedTicket', { quietPeriodSeconds: 0 });
    expect(t.run(600, system, 'CheckSla')).toEqual([]);
    expect(t.run(601, system, 'RecalculateSla', { reason: 'policy_changed' })).toEqual([]);
  });
});
