// The escalation ladder as data: which tier a trigger sends a ticket to, by category, priority and
// trigger. The first matching rule wins; without one (or when a rule would not raise the tier) the
// ticket climbs one rung: L1 → L2 (senior agents) → L3 (supervisors).
import { CATEGORIES, Category, PRIORITIES, Priority, TIERS, Tier } from '@kefu/kernel';
import { ESCALATION_TRIGGERS, EscalationTrigger, nextTier } from '@kefu/tickets/domain';

export interface LadderRule {
  /** Empty or absent: any. */
  categories?: Category[];
  priorities?: Priority[];
  triggers?: EscalationTrigger[];
  /** The customer's segments (e.g. `vip`): the rule matches when the customer is in any of them. */
  segments?: string[];
  /** Only from this tier; absent: from any tier below `to`. */
  from?: Tier;
  to: Tier;
}

export type Ladder = readonly LadderRule[];

/**
 * DOMAIN.md: supervisors (L3) handle complaints and low survey scores; an urgent ticket that
 * breached its SLA has already waited too long for another rung, so it goes to a supervisor too.
 */
export const DEFAULT_LADDER: Ladder = [
  { triggers: ['complaint', 'low_survey_score'], to: 'L3' },
  { priorities: ['urgent'], triggers: ['sla_breach'], to: 'L3' },
  // A VIP (large-transaction customer) whose SLA breached is a supervisor's, like an urgent ticket.
  { segments: ['vip'], triggers: ['sla_breach'], to: 'L3' },
];

export interface LadderInput {
  tier: Tier;
  category: Category;
  priority: Priority;
  trigger: EscalationTrigger;
  /** The customer's segments, lower-case (none: a rule naming segments does not match). */
  segments?: readonly string[];
}

const rank = (t: Tier) => TIERS.indexOf(t);

function matches(rule: LadderRule, input: LadderInput): boolean {
  const any = <T>(list: readonly T[] | undefined, v: T) => !list || list.length === 0 || list.includes(v);
  return (
    any(rule.categories, input.category) &&
    any(rule.priorities, input.priority) &&
    any(rule.triggers, input.trigger) &&
    (!rule.segments?.length || rule.segments.some((s) => input.segments?.includes(s) ?? false)) &&
    (rule.from === undefined || rule.from === input.tier) &&
    rank(rule.to) > rank(input.tier)
  );
}

/** The tier to escalate to, or undefined when the ticket is already at the top (L3). */
export function targetTier(ladder: Ladder, input: LadderInput): Tier | undefined {
  const rule = ladder.find((r) => matches(r, input));
  return rule ? rule.to : nextTier(input.tier);
}

/** Reads a ladder from configuration (JSON); throws with every problem listed. */
export function parseLadder(json: string): Ladder {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw new Error('ESCALATION_LADDER is not valid JSON');
  }
  if (!Array.isArray(raw)) throw new Error('ESCALATION_LADDER must be a JSON array of rules');
  const problems: string[] = [];
  const rules = raw.map((r: unknown, i): LadderRule => {
    const at = `ESCALATION_LADDER[${i}]`;
    if (typeof r !== 'object' || r === null) {
      problems.push(`${at} must be an object`);
      return { to: 'L2' };
    }
    const o = r as Record<string, unknown>;
    const known = ['categories', 'priorities', 'triggers', 'segments', 'from', 'to'];
    for (const k of Object.keys(o)) if (!known.includes(k)) problems.push(`${at}.${k} is not a rule field`);
    const list = <T extends string>(key: string, allowed: readonly T[]): T[] | undefined => {
      const v = o[key];
      if (v === undefined) return undefined;
      if (!Array.isArray(v) || !v.every((x) => (allowed as readonly unknown[]).includes(x))) {
        problems.push(`${at}.${key} must be a list of ${allowed.join('|')}`);
        return undefined;
      }
      return v as T[];
    };
    const tier = (key: string, required: boolean): Tier | undefined => {
      const v = o[key];
      if (v === undefined && !required) return undefined;
      if (!(TIERS as readonly unknown[]).includes(v)) {
        problems.push(`${at}.${key} must be one of ${TIERS.join('|')}`);
        return undefined;
      }
      return v as Tier;
    };
    const to = tier('to', true) ?? 'L2';
    const from = tier('from', false);
    if (from && rank(from) >= rank(to))
      problems.push(`${at}: escalation only goes up (from ${from} to ${to})`);
    const rule: LadderRule = { to };
    const categories = list('categories', CATEGORIES);
    const priorities = list('priorities', PRIORITIES);
    const triggers = list('triggers', ESCALATION_TRIGGERS);
    if (categories) rule.categories = categories;
    if (priorities) rule.priorities = priorities;
    if (triggers) rule.triggers = triggers;
    const segments = o.segments;
    if (segments !== undefined) {
      if (
        !Array.isArray(segments) ||
        !segments.every((s) => typeof s === 'string' && /^[a-z0-9][a-z0-9_-]{0,39}$/.test(s))
      )
        problems.push(`${at}.segments must be a list of segment names (a-z, 0-9, _ and -, e.g. vip)`);
      else rule.segments = segments as string[];
    }
    if (from) rule.from = from;
    return rule;
  });
  if (problems.length) throw new Error(problems.join('; '));
  return rules;
}
