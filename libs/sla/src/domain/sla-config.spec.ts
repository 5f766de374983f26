import { Actor, DomainRuleError } from '@kefu/kernel';
import {
  SlaPolicy,
  calendarDecider,
  matchPolicy,
  slaPolicyDecider,
  validateCalendar,
  validatePolicy,
} from './sla-config';

const admin: Actor = { role: 'admin', id: 'ops' };
const agent: Actor = { role: 'agent', id: 'a-1' };
const NOW = '2026-03-01T00:00:00.000Z';

const p = (id: string, over: Partial<SlaPolicy> = {}): SlaPolicy => ({
  id,
  name: id,
  priority: 'normal',
  categories: [],
  channels: [],
  firstResponseSeconds: 60,
  nextResponseSeconds: 60,
  resolutionSeconds: 60,
  calendarId: null,
  warningRatio: 0.8,
  ...over,
});

const violations = (f: () => unknown): string[] => {
  try {
    f();
  } catch (e) {
    if (e instanceof DomainRuleError) return e.errors.map((x) => x.field);
    throw e;
  }
  return [];
};

describe('policy matching', () => {
  const policies = [
    p('any'),
    p('cat', { categories: ['refund', 'fees'] }),
    p('one-cat', { categories: ['refund'] }),
    p('chan', { channels: ['phone'] }),
    p('both', { categories: ['refund'], channels: ['phone'] }),
    p('high', { priority: 'high' }),
  ];
  const match = (category: string, channel: string, priority = 'normal') =>
    matchPolicy(policies, { category, channel, priority } as Parameters<typeof matchPolicy>[1])?.id;

  it('takes the most specific policy of the ticket priority', () => {
    expect(match('refund', 'phone')).toBe('both');
    expect(match('refund', 'web')).toBe('one-cat');
    expect(match('fees', 'web')).toBe('cat');
    expect(match('other', 'phone')).toBe('chan');
    expect(match('other', 'web')).toBe('any');
    expect(match('other', 'web', 'high')).toBe('high');
    expect(match('other', 'web', 'low')).toBeUndefined();
  });
});

describe('policy validation and upsert', () => {
  it('normalises and defaults (warning at 80 %, no calendar = 24/7)', () => {
    const v = validatePolicy({
      ...p(' x '),
      categories: ['refund', 'fees', 'refund'],
      warningRatio: null,
      calendarId: undefined,
    });
    expect(v).toMatchObject({ id: 'x', categories: ['fees', 'refund'], warningRatio: 0.8, calendarId: null });
  });

  it('lists every bad field', () => {
    expect(
      violations(() =>
        validatePolicy({
          ...p('x'),
          priority: 'asap',
          categories: ['nope'],
          firstResponseSeconds: -1,
          resolutionSeconds: 1.5,
          warningRatio: 1,
        }),
      ),
    ).toEqual(['priority', 'categories[0]', 'firstResponseSeconds', 'resolutionSeconds', 'warningRatio']);
    expect(
      violations(() =>
        validatePolicy({ ...p('x'), firstResponseSeconds: 0, nextResponseSeconds: 0, resolutionSeconds: 0 }),
      ),
    ).toEqual(['resolutionSeconds']);
  });

  it('is for admins; saving the same policy again emits nothing', () => {
    const cmd = (actor: Actor) => ({ type: 'UpsertSlaPolicy' as const, actor, now: NOW, data: p('x') });
    expect(() => slaPolicyDecider.decide(cmd(agent), slaPolicyDecider.initialState())).toThrow(/admins/);
    const [created] = slaPolicyDecider.decide(cmd(admin), slaPolicyDecider.initialState());
    expect(created.data).toMatchObject({ id: 'x', created: true });
    const state = slaPolicyDecider.evolve(slaPolicyDecider.initialState(), created);
    expect(slaPolicyDecider.decide(cmd(admin), state)).toEqual([]);
    const [updated] = slaPolicyDecider.decide(
      { ...cmd(admin), data: p('x', { resolutionSeconds: 99 }) },
      state,
    );
    expect(updated.data).toMatchObject({ created: false, resolutionSeconds: 99 });
  });
});

describe('calendar validation', () => {
  const cal = {
    id: 'c',
    name: 'Office',
    timeZone: 'Asia/Shanghai',
    hours: [{ weekday: 1, opens: '09:00', closes: '18:00' }],
    holidays: ['2026-10-01'],
  };

  it('accepts a calendar and sorts its hours', () => {
    const v = validateCalendar({
      ...cal,
      hours: [{ weekday: 2, opens: '09:00', closes: '24:00' }, ...cal.hours],
    });
    expect(v.hours.map((h) => h.weekday)).toEqual([1, 2]);
  });

  it('refuses bad zones, hours, overlaps and dates', () => {
    expect(violations(() => validateCalendar({ ...cal, timeZone: 'Mars/Base' }))).toEqual(['timeZone']);
    expect(violations(() => validateCalendar({ ...cal, hours: [] }))).toEqual(['hours']);
    expect(
      violations(() =>
        validateCalendar({
          ...cal,
          hours: [
            { weekday: 7, opens: '9:00', closes: '08:00' },
            { weekday: 1, opens: '18:00', closes: '17:00' },
          ],
        }),
      ),
    ).toEqual(['hours[0].weekday', 'hours[0].opens', 'hours[1].closes']);
    expect(
      violations(() =>
        validateCalendar({ ...cal, hours: [...cal.hours, { weekday: 1, opens: '17:00', closes: '20:00' }] }),
      ),
    ).toEqual(['hours']);
    expect(violations(() => validateCalendar({ ...cal, holidays: ['2026-02-30'] }))).toEqual(['holidays[0]']);
  });

  it('calendar upserts are for admins too', () => {
    expect(() =>
      calendarDecider.decide(
        { type: 'UpsertBusinessCalendar', actor: agent, now: NOW, data: cal },
        calendarDecider.initialState(),
      ),
    ).toThrow(/admins/);
  });
});
