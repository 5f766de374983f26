// SLA policies and business calendars: admin configuration, each an event stream of whole-snapshot
// upserts. Validation, the upsert deciders, policy matching and the SlaRules the ticket decider uses.
import {
  Actor,
  Command,
  Decider,
  DomainEvent,
  DomainRuleError,
  Violations,
  absent,
  oneOf,
  requiredText,
  unique,
  CATEGORIES,
  CHANNELS,
  Category,
  Channel,
  PRIORITIES,
  Priority,
} from '@kefu/kernel';
import { SlaRules, SlaTerms, normaliseSegments } from '@kefu/tickets/domain';
import {
  ALWAYS_OPEN,
  BusinessClock,
  CalendarSpec,
  WeeklyHours,
  calendarClock,
  isValidTimeZone,
  parseClockTime,
} from './business-time';

export const SLA_POLICY_STREAM_TYPE = 'sla_policy';
export const BUSINESS_CALENDAR_STREAM_TYPE = 'business_calendar';
export const slaPolicyStreamId = (id: string) => `sla-policy-${id}`;
export const calendarStreamId = (id: string) => `business-calendar-${id}`;

/** One year: longer targets are typos. */
export const MAX_TARGET_SECONDS = 366 * 86_400;
export const DEFAULT_WARNING_RATIO = 0.8;

export interface SlaPolicy {
  id: string;
  name: string;
  priority: Priority;
  /** Empty = every category. */
  categories: Category[];
  /** Empty = every channel. */
  channels: Channel[];
  /** Customer segments (`vip`) the policy is for; empty = every customer. Absent on older events. */
  segments?: string[];
  /** 0 = the target is not measured. */
  firstResponseSeconds: number;
  nextResponseSeconds: number;
  resolutionSeconds: number;
  /** null = 24/7. */
  calendarId: string | null;
  warningRatio: number;
}

export interface BusinessCalendar extends CalendarSpec {
  id: string;
  name: string;
}

export type SlaPolicyUpserted = DomainEvent<
  'SlaPolicyUpserted',
  SlaPolicy & { created: boolean; at: string }
>;
export type BusinessCalendarUpserted = DomainEvent<
  'BusinessCalendarUpserted',
  BusinessCalendar & { created: boolean; at: string }
>;

/** What an upsert gives: every field (segments optional, as before segments existed). */
export type PolicyFields = Omit<Record<keyof SlaPolicy, unknown>, 'segments'> & { segments?: unknown };
export type UpsertSlaPolicy = Command<'UpsertSlaPolicy', PolicyFields>;
export type UpsertBusinessCalendar = Command<
  'UpsertBusinessCalendar',
  Record<keyof BusinessCalendar, unknown>
>;

function assertAdmin(actor: Actor): void {
  if (actor.role !== 'admin')
    throw DomainRuleError.forbidden('Only admins configure SLA policies and calendars.');
}

function seconds(v: Violations, field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_TARGET_SECONDS) {
    v.add(field, `must be a whole number of seconds from 0 (not measured) to ${MAX_TARGET_SECONDS}`);
    return 0;
  }
  return value;
}

export function validatePolicy(input: PolicyFields): SlaPolicy {
  const v = new Violations();
  const id = requiredText(v, 'id', input.id, 100);
  const name = requiredText(v, 'name', input.name, 200);
  const priority = oneOf(v, 'priority', input.priority, PRIORITIES) ?? 'normal';
  const list = <T extends string>(field: string, value: unknown, allowed: readonly T[]): T[] => {
    if (absent(value)) return [];
    if (!Array.isArray(value)) {
      v.add(field, 'must be a list');
      return [];
    }
    const out = value.map((x, i) => oneOf(v, `${field}[${i}]`, x, allowed));
    return unique(out.filter((x): x is T => x !== undefined)).sort();
  };
  const categories = list('categories', input.categories, CATEGORIES);
  const channels = list('channels', input.channels, CHANNELS);
  const segments = normaliseSegments(v, 'segments', input.segments).sort();
  const firstResponseSeconds = seconds(v, 'firstResponseSeconds', input.firstResponseSeconds);
  const nextResponseSeconds = seconds(v, 'nextResponseSeconds', input.nextResponseSeconds);
  const resolutionSeconds = seconds(v, 'resolutionSeconds', input.resolutionSeconds);
  if (!v.any && firstResponseSeconds + nextResponseSeconds + resolutionSeconds === 0)
    v.add('resolutionSeconds', 'a policy needs at least one target above 0');
  const calendarId = absent(input.calendarId) ? null : requiredText(v, 'calendarId', input.calendarId, 100);
  let warningRatio = DEFAULT_WARNING_RATIO;
  if (!absent(input.warningRatio)) {
    const r = input.warningRatio;
    if (typeof r !== 'number' || !(r > 0 && r < 1))
      v.add('warningRatio', 'must be between 0 and 1 (exclusive)');
    else warningRatio = r;
  }
  v.throwIfAny();
  return {
    id,
    name,
    priority,
    categories,
    channels,
    segments,
    firstResponseSeconds,
    nextResponseSeconds,
    resolutionSeconds,
    calendarId,
    warningRatio,
  };
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function validDate(s: string): boolean {
  const m = DATE.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return (
    d.getUTCFullYear() === Number(m[1]) &&
    d.getUTCMonth() === Number(m[2]) - 1 &&
    d.getUTCDate() === Number(m[3])
  );
}

export function validateCalendar(input: Record<keyof BusinessCalendar, unknown>): BusinessCalendar {
  const v = new Violations();
  const id = requiredText(v, 'id', input.id, 100);
  const name = requiredText(v, 'name', input.name, 200);
  const timeZone = requiredText(v, 'timeZone', input.timeZone, 100);
  if (timeZone && !isValidTimeZone(timeZone))
    v.add('timeZone', 'must be an IANA time zone such as Asia/Shanghai');
  const hours: WeeklyHours[] = [];
  if (!Array.isArray(input.hours) || input.hours.length === 0)
    v.add('hours', 'must list at least one opening');
  else if (input.hours.length > 100) v.add('hours', 'at most 100 openings');
  else {
    input.hours.forEach((h: unknown, i) => {
      const o = (h ?? {}) as Record<string, unknown>;
      const weekday = o.weekday;
      if (typeof weekday !== 'number' || !Number.isInteger(weekday) || weekday < 0 || weekday > 6)
        v.add(`hours[${i}].weekday`, 'must be 0 (Sunday) to 6 (Saturday)');
      const opens = typeof o.opens === 'string' ? parseClockTime(o.opens) : undefined;
      const closes = typeof o.closes === 'string' ? parseClockTime(o.closes) : undefined;
      if (opens === undefined || opens >= 24 * 60)
        v.add(`hours[${i}].opens`, 'must be HH:MM (00:00 to 23:59)');
      if (closes === undefined) v.add(`hours[${i}].closes`, 'must be HH:MM (00:01 to 24:00)');
      else if (opens !== undefined && closes <= opens)
        v.add(`hours[${i}].closes`, 'must be after opens (split a night shift at midnight)');
      hours.push({ weekday: weekday as number, opens: String(o.opens), closes: String(o.closes) });
    });
    // Overlapping openings on one day are a mistake, not a wish for double time.
    if (!v.any) {
      for (let d = 0; d < 7; d++) {
        const day = hours
          .filter((h) => h.weekday === d)
          .map((h) => [parseClockTime(h.opens)!, parseClockTime(h.closes)!] as const)
          .sort((a, b) => a[0] - b[0]);
        for (let i = 1; i < day.length; i++)
          if (day[i][0] < day[i - 1][1]) v.add('hours', `openings overlap on weekday ${d}`);
      }
    }
  }
  let holidays: string[] = [];
  if (!absent(input.holidays)) {
    if (!Array.isArray(input.holidays) || input.holidays.length > 1000)
      v.add('holidays', 'must be a list of at most 1000 dates');
    else {
      input.holidays.forEach((h: unknown, i) => {
        if (typeof h !== 'string' || !validDate(h)) v.add(`holidays[${i}]`, 'must be a date YYYY-MM-DD');
      });
      holidays = unique(input.holidays as string[]).sort();
    }
  }
  v.throwIfAny();
  hours.sort((a, b) => a.weekday - b.weekday || a.opens.localeCompare(b.opens));
  return { id, name, timeZone, hours, holidays };
}

type Snapshot<T> = { exists: false } | { exists: true; value: T };

function upsertDecider<T extends { id: string }, C extends Command<string, object>, E extends DomainEvent>(
  type: E['type'],
  validate: (input: C['data']) => T,
): Decider<Snapshot<T>, C, E> {
  return {
    initialState: () => ({ exists: false }),
    evolve: (_s, e) => {
      const { created: _c, at: _a, ...value } = e.data as T & { created: boolean; at: string };
      return { exists: true, value: value as unknown as T };
    },
    decide: (command, state) => {
      assertAdmin(command.actor);
      const value = validate(command.data);
      // Saving the same definition again changes nothing (and recomputes no ticket).
      if (state.exists && JSON.stringify(state.value) === JSON.stringify(value)) return [];
      return [{ type, data: { ...value, created: !state.exists, at: command.now } } as E];
    },
  };
}

export const slaPolicyDecider = upsertDecider<SlaPolicy, UpsertSlaPolicy, SlaPolicyUpserted>(
  'SlaPolicyUpserted',
  validatePolicy,
);
export const calendarDecider = upsertDecider<
  BusinessCalendar,
  UpsertBusinessCalendar,
  BusinessCalendarUpserted
>('BusinessCalendarUpserted', validateCalendar);

export interface MatchableTicket {
  priority: Priority;
  category: Category;
  channel: Channel;
  segments?: readonly string[];
}

/** The policies shipped with a fresh install (migration 1763769600016): `default-<priority>`. */
export const isDefaultPolicy = (p: SlaPolicy): boolean => p.id.startsWith('default-');

/**
 * The policy for a ticket: same priority, its category, channel and (one of its) segments allowed;
 * the most specific wins (segments named > categories named > channel named; then the shorter
 * lists), then an admin's policy over a shipped default, ties broken by id so every process picks
 * the same.
 */
export function matchPolicy(policies: readonly SlaPolicy[], t: MatchableTicket): SlaPolicy | undefined {
  const segs = (p: SlaPolicy) => p.segments ?? [];
  const fits = policies.filter(
    (p) =>
      p.priority === t.priority &&
      (p.categories.length === 0 || p.categories.includes(t.category)) &&
      (p.channels.length === 0 || p.channels.includes(t.channel)) &&
      (segs(p).length === 0 || segs(p).some((s) => t.segments?.includes(s))),
  );
  const rank = (p: SlaPolicy) =>
    (segs(p).length ? 4 : 0) + (p.categories.length ? 2 : 0) + (p.channels.length ? 1 : 0);
  return [...fits].sort(
    (a, b) =>
      rank(b) - rank(a) ||
      segs(a).length - segs(b).length ||
      a.categories.length - b.categories.length ||
      a.channels.length - b.channels.length ||
      Number(isDefaultPolicy(a)) - Number(isDefaultPolicy(b)) ||
      (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  )[0];
}

/** The calendar a policy runs in: its own; none (and every urgent policy without one) is 24/7. */
export function termsOf(p: SlaPolicy): SlaTerms {
  return {
    policyId: p.id,
    calendarId: p.calendarId,
    warningRatio: p.warningRatio,
    seconds: {
      first_response: p.firstResponseSeconds,
      next_response: p.nextResponseSeconds,
      resolution: p.resolutionSeconds,
    },
  };
}

/** The port the ticket decider uses, over a snapshot of the configuration. */
export function slaRulesFrom(
  policies: readonly SlaPolicy[],
  calendars: readonly BusinessCalendar[],
): SlaRules {
  const clocks = new Map<string, BusinessClock>();
  const byId = new Map(calendars.map((c) => [c.id, c]));
  return {
    termsFor: (t) => {
      const p = matchPolicy(policies, t);
      return p ? termsOf(p) : undefined;
    },
    clock: (calendarId) => {
      const cal = calendarId === null ? undefined : byId.get(calendarId);
      // A calendar that is gone (never, today: calendars cannot be deleted) counts as 24/7.
      if (!cal) return ALWAYS_OPEN;
      let c = clocks.get(cal.id);
      if (!c) clocks.set(cal.id, (c = calendarClock(cal)));
      return c;
    },
  };
}
