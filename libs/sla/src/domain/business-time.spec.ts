import {
  ALWAYS_OPEN,
  CalendarSpec,
  calendarClock,
  isValidTimeZone,
  localToUtc,
  offsetMs,
} from './business-time';

const H = 3_600_000;
const ms = (iso: string) => Date.parse(iso);
const iso = (t: number) => new Date(t).toISOString();

const weekdays = (opens: string, closes: string) =>
  [1, 2, 3, 4, 5].map((weekday) => ({ weekday, opens, closes }));
const everyDay = (opens: string, closes: string) =>
  [0, 1, 2, 3, 4, 5, 6].map((weekday) => ({ weekday, opens, closes }));

/** Mon–Fri 09:00–18:00 in Shanghai (UTC+8, no DST): 09:00 local = 01:00Z. */
const shanghai: CalendarSpec = { timeZone: 'Asia/Shanghai', hours: weekdays('09:00', '18:00'), holidays: [] };

describe('24/7', () => {
  it('adds and measures plain elapsed time', () => {
    expect(iso(ALWAYS_OPEN.addMs(ms('2026-03-06T23:00:00Z'), 3 * H))).toBe('2026-03-07T02:00:00.000Z');
    expect(ALWAYS_OPEN.betweenMs(ms('2026-03-06T23:00:00Z'), ms('2026-03-07T02:00:00Z'))).toBe(3 * H);
    expect(ALWAYS_OPEN.betweenMs(ms('2026-03-07T02:00:00Z'), ms('2026-03-06T23:00:00Z'))).toBe(0);
  });
});

describe('business hours (Asia/Shanghai, Mon–Fri 09–18)', () => {
  const clock = calendarClock(shanghai);

  it('counts from the opening when started before it', () => {
    // Monday 2026-03-02 07:00 local = 2026-03-01T23:00Z; 1 h → 10:00 local = 02:00Z.
    expect(iso(clock.addMs(ms('2026-03-01T23:00:00Z'), H))).toBe('2026-03-02T02:00:00.000Z');
  });

  it('carries a target over the night', () => {
    // Tuesday 17:00 local (09:00Z) + 3 h: 1 h Tuesday, 2 h Wednesday → Wednesday 11:00 local.
    expect(iso(clock.addMs(ms('2026-03-03T09:00:00Z'), 3 * H))).toBe('2026-03-04T03:00:00.000Z');
  });

  it('carries a target over the weekend', () => {
    // Friday 2026-03-06 16:00 local (08:00Z) + 4 h: 2 h Friday, 2 h Monday → Monday 11:00 local.
    expect(iso(clock.addMs(ms('2026-03-06T08:00:00Z'), 4 * H))).toBe('2026-03-09T03:00:00.000Z');
  });

  it('ends exactly at closing time when the target fills the day', () => {
    expect(iso(clock.addMs(ms('2026-03-02T01:00:00Z'), 9 * H))).toBe('2026-03-02T10:00:00.000Z');
  });

  it('skips holidays', () => {
    const withHoliday = calendarClock({ ...shanghai, holidays: ['2026-03-09'] });
    // As above, but Monday is a holiday → Tuesday 11:00 local.
    expect(iso(withHoliday.addMs(ms('2026-03-06T08:00:00Z'), 4 * H))).toBe('2026-03-10T03:00:00.000Z');
    // Friday 17:00 → Tuesday 10:00 local: 1 h + 1 h.
    expect(withHoliday.betweenMs(ms('2026-03-06T09:00:00Z'), ms('2026-03-10T02:00:00Z'))).toBe(2 * H);
  });

  it('measures only open hours between two instants', () => {
    // Friday 17:00 local → Monday 10:00 local: 1 h + 1 h.
    expect(clock.betweenMs(ms('2026-03-06T09:00:00Z'), ms('2026-03-09T02:00:00Z'))).toBe(2 * H);
    // Saturday to Sunday: nothing.
    expect(clock.betweenMs(ms('2026-03-07T01:00:00Z'), ms('2026-03-08T12:00:00Z'))).toBe(0);
    // A full working week.
    expect(clock.betweenMs(ms('2026-03-01T16:00:00Z'), ms('2026-03-07T16:00:00Z'))).toBe(45 * H);
  });

  it('honours split shifts (lunch break)', () => {
    const lunch = calendarClock({
      timeZone: 'Asia/Shanghai',
      hours: [...weekdays('09:00', '12:00'), ...weekdays('13:00', '18:00')],
      holidays: [],
    });
    // Monday 11:00 local + 2 h = 12:00 (1 h) then 13:00–14:00 → 14:00 local = 06:00Z.
    expect(iso(lunch.addMs(ms('2026-03-02T03:00:00Z'), 2 * H))).toBe('2026-03-02T06:00:00.000Z');
  });

  it('is consistent: betweenMs(from, addMs(from, x)) = x', () => {
    const starts = [
      '2026-03-02T00:30:00Z',
      '2026-03-06T09:59:00Z',
      '2026-03-07T12:00:00Z',
      '2026-03-04T05:17:23Z',
    ];
    for (const s of starts) {
      for (const x of [1, 60_000, 2 * H + 123, 9 * H, 30 * H, 100 * H]) {
        const due = clock.addMs(ms(s), x);
        expect(clock.betweenMs(ms(s), due)).toBe(x);
      }
    }
  });
});

describe('daylight saving time', () => {
  it('an all-day calendar equals real time across the spring change (Europe/Berlin, 23-hour Sunday)', () => {
    const berlin = calendarClock({
      timeZone: 'Europe/Berlin',
      hours: everyDay('00:00', '24:00'),
      holidays: [],
    });
    // Saturday 2026-03-28 12:00 CET (11:00Z) + 24 h = Sunday 11:00Z = 13:00 CEST.
    expect(iso(berlin.addMs(ms('2026-03-28T11:00:00Z'), 24 * H))).toBe('2026-03-29T11:00:00.000Z');
    // The whole local Sunday is 23 hours long.
    expect(berlin.betweenMs(ms('2026-03-28T23:00:00Z'), ms('2026-03-29T22:00:00Z'))).toBe(23 * H);
  });

  it('office hours follow the local clock after the autumn change (Europe/Berlin)', () => {
    const berlin = calendarClock({
      timeZone: 'Europe/Berlin',
      hours: weekdays('09:00', '17:00'),
      holidays: [],
    });
    // Friday 2026-10-23 16:00 CEST (14:00Z) + 2 h → Monday 10:00 CET = 09:00Z (the offset changed Sunday).
    expect(iso(berlin.addMs(ms('2026-10-23T14:00:00Z'), 2 * H))).toBe('2026-10-26T09:00:00.000Z');
  });

  it('an opening inside the spring-forward gap shortens that day (America/New_York)', () => {
    const ny = calendarClock({
      timeZone: 'America/New_York',
      hours: [{ weekday: 0, opens: '01:00', closes: '04:00' }],
      holidays: [],
    });
    // Sunday 2026-03-08: 01:00 EST (06:00Z) to 04:00 EDT (08:00Z) is 2 real hours.
    expect(ny.betweenMs(ms('2026-03-08T00:00:00Z'), ms('2026-03-09T00:00:00Z'))).toBe(2 * H);
    // A week later the same opening is 3 hours.
    expect(ny.betweenMs(ms('2026-03-15T00:00:00Z'), ms('2026-03-16T00:00:00Z'))).toBe(3 * H);
  });

  it('an autumn day with a repeated hour lasts 25 hours (America/New_York)', () => {
    const ny = calendarClock({
      timeZone: 'America/New_York',
      hours: everyDay('00:00', '24:00'),
      holidays: [],
    });
    expect(ny.betweenMs(ms('2026-11-01T04:00:00Z'), ms('2026-11-02T05:00:00Z'))).toBe(25 * H);
  });

  it('maps local times like Temporal "compatible": gap → later, repeated → earlier', () => {
    expect(iso(localToUtc({ y: 2026, m: 3, d: 8 }, 150, 'America/New_York'))).toBe(
      '2026-03-08T07:30:00.000Z',
    );
    expect(iso(localToUtc({ y: 2026, m: 11, d: 1 }, 90, 'America/New_York'))).toBe(
      '2026-11-01T05:30:00.000Z',
    );
    expect(offsetMs(ms('2026-07-01T00:00:00Z'), 'Asia/Kolkata')).toBe(5.5 * H);
  });
});

describe('time zones', () => {
  it('knows IANA zones and refuses made-up ones', () => {
    expect(isValidTimeZone('Asia/Shanghai')).toBe(true);
    expect(isValidTimeZone('UTC')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus')).toBe(false);
  });

  it('refuses a calendar without opening hours', () => {
    expect(() => calendarClock({ timeZone: 'UTC', hours: [], holidays: [] })).toThrow(/opening hours/);
  });
});
