// Business-time arithmetic over a weekly calendar in an IANA time zone, with Node's Intl only.
// Instants are epoch milliseconds; the calendar's hours are local wall-clock times, so a working
// day that crosses a DST change is 23 or 25 hours long in real time, as it is for the people in it.

/** One opening interval: weekday 0 = Sunday … 6 = Saturday; `HH:MM` local, closes ≤ `24:00`. */
export interface WeeklyHours {
  weekday: number;
  opens: string;
  closes: string;
}

export interface CalendarSpec {
  timeZone: string;
  hours: WeeklyHours[];
  /** Local dates `YYYY-MM-DD` that are closed all day. */
  holidays: string[];
}

/** Business time under one calendar (or 24/7). */
export interface BusinessClock {
  /** The instant `ms` of business time after `fromMs` (from itself when it is 0). */
  addMs(fromMs: number, ms: number): number;
  /** Business time between two instants; 0 when `toMs` is not after `fromMs`. */
  betweenMs(fromMs: number, toMs: number): number;
}

export const ALWAYS_OPEN: BusinessClock = {
  addMs: (from, ms) => from + Math.max(0, ms),
  betweenMs: (from, to) => Math.max(0, to - from),
};

const DAY_MS = 86_400_000;
/** A calendar with hours cannot go ten years without opening; past that it is a bug, not a wait. */
const MAX_DAYS = 3_660;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Whether Intl knows the zone (`Asia/Shanghai`, `UTC`, …). */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

interface LocalDate {
  y: number;
  m: number;
  d: number;
}

function localFields(ms: number, timeZone: string): LocalDate & { h: number; mi: number; s: number } {
  const out: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(new Date(ms))) {
    if (p.type !== 'literal') out[p.type] = Number(p.value);
  }
  return { y: out.year, m: out.month, d: out.day, h: out.hour, mi: out.minute, s: out.second };
}

/** Local time minus UTC at an instant, in ms (Shanghai: +8 h). */
export function offsetMs(ms: number, timeZone: string): number {
  const f = localFields(ms, timeZone);
  const wall = Date.UTC(f.y, f.m - 1, f.d, f.h, f.mi, f.s);
  return wall - (ms - (((ms % 1000) + 1000) % 1000));
}

/**
 * The instant of a local wall-clock time. Like Temporal's `compatible`: a time that occurs twice
 * (autumn) is the earlier one; a time skipped by a spring-forward gap moves later by the gap.
 */
export function localToUtc(date: LocalDate, minuteOfDay: number, timeZone: string): number {
  // Pure in its inputs, and every SLA clock of every command asks for the same few local days:
  // remembered, each answer costs up to three Intl.formatToParts (the write path's largest domain cost).
  const key = `${timeZone}|${date.y}-${date.m}-${date.d}|${minuteOfDay}`;
  let t = instants.get(key);
  if (t === undefined) {
    if (instants.size >= MAX_REMEMBERED_INSTANTS) instants.clear();
    t = computeLocalToUtc(date, minuteOfDay, timeZone);
    instants.set(key, t);
  }
  return t;
}

/** Enough for every calendar's open/close times over the few weeks a busy desk's clocks span. */
const MAX_REMEMBERED_INSTANTS = 20_000;
const instants = new Map<string, number>();

function computeLocalToUtc(date: LocalDate, minuteOfDay: number, timeZone: string): number {
  const wall = Date.UTC(date.y, date.m - 1, date.d) + minuteOfDay * 60_000;
  const before = offsetMs(wall - DAY_MS, timeZone);
  const after = offsetMs(wall + DAY_MS, timeZone);
  const candidates = [...new Set([before, after])]
    .map((o) => wall - o)
    .filter((t) => t + offsetMs(t, timeZone) === wall);
  if (candidates.length) return Math.min(...candidates);
  return wall - before;
}

function localDateOf(ms: number, timeZone: string): LocalDate {
  const f = localFields(ms, timeZone);
  return { y: f.y, m: f.m, d: f.d };
}

function nextDate(date: LocalDate): LocalDate {
  const t = new Date(Date.UTC(date.y, date.m - 1, date.d + 1));
  return { y: t.getUTCFullYear(), m: t.getUTCMonth() + 1, d: t.getUTCDate() };
}

function dateKey(date: LocalDate): string {
  return `${String(date.y).padStart(4, '0')}-${String(date.m).padStart(2, '0')}-${String(date.d).padStart(2, '0')}`;
}

/** `HH:MM` → minutes; `24:00` allowed. undefined when malformed. */
export function parseClockTime(s: string): number | undefined {
  const m = /^([01]\d|2[0-4]):([0-5]\d)$/.exec(s);
  if (!m) return undefined;
  const minutes = Number(m[1]) * 60 + Number(m[2]);
  return minutes <= 24 * 60 ? minutes : undefined;
}

/** A calendar's hours per weekday as sorted, merged minute ranges. */
function weeklyRanges(hours: readonly WeeklyHours[]): Array<Array<[number, number]>> {
  const days: Array<Array<[number, number]>> = [[], [], [], [], [], [], []];
  for (const h of hours) {
    const o = parseClockTime(h.opens);
    const c = parseClockTime(h.closes);
    if (o === undefined || c === undefined || c <= o || !days[h.weekday]) continue;
    days[h.weekday].push([o, c]);
  }
  return days.map((ranges) => {
    const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
    const merged: Array<[number, number]> = [];
    for (const r of sorted) {
      const last = merged[merged.length - 1];
      if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
      else merged.push([r[0], r[1]]);
    }
    return merged;
  });
}

/** The clock of a calendar; a calendar without hours is refused by validation, never used. */
export function calendarClock(spec: CalendarSpec): BusinessClock {
  const ranges = weeklyRanges(spec.hours);
  const holidays = new Set(spec.holidays);
  const tz = spec.timeZone;
  if (ranges.every((r) => r.length === 0)) throw new Error('a business calendar needs opening hours');

  /** The open intervals of a local day, as instants. */
  const intervals = (date: LocalDate): Array<[number, number]> => {
    if (holidays.has(dateKey(date))) return [];
    const weekday = new Date(Date.UTC(date.y, date.m - 1, date.d)).getUTCDay();
    return ranges[weekday].map(([o, c]) => [localToUtc(date, o, tz), localToUtc(date, c, tz)]);
  };

  return {
    addMs(fromMs, ms) {
      let remaining = Math.max(0, ms);
      if (remaining === 0) return fromMs;
      let date = localDateOf(fromMs, tz);
      for (let i = 0; i < MAX_DAYS; i++, date = nextDate(date)) {
        for (const [start, end] of intervals(date)) {
          const s = Math.max(start, fromMs);
          if (end <= s) continue;
          if (remaining <= end - s) return s + remaining;
          remaining -= end - s;
        }
      }
      throw new Error(`no business hours within ${MAX_DAYS} days`);
    },
    betweenMs(fromMs, toMs) {
      if (toMs <= fromMs) return 0;
      let total = 0;
      let date = localDateOf(fromMs, tz);
      for (let i = 0; i < MAX_DAYS * 10; i++, date = nextDate(date)) {
        if (localToUtc(date, 0, tz) >= toMs) return total;
        for (const [start, end] of intervals(date)) {
          const s = Math.max(start, fromMs);
          const e = Math.min(end, toMs);
          if (e > s) total += e - s;
        }
      }
      return total;
    },
  };
}
