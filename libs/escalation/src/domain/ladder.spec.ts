import { DEFAULT_LADDER, Ladder, LadderInput, parseLadder, targetTier } from './ladder';

const input = (o: Partial<LadderInput> = {}): LadderInput => ({
  tier: 'L1',
  category: 'payment_failed',
  priority: 'normal',
  trigger: 'agent',
  ...o,
});

describe('escalation ladder (default)', () => {
  it('climbs one rung at a time: L1 → L2 → L3, nothing above L3', () => {
    expect(targetTier(DEFAULT_LADDER, input())).toBe('L2');
    expect(targetTier(DEFAULT_LADDER, input({ tier: 'L2' }))).toBe('L3');
    expect(targetTier(DEFAULT_LADDER, input({ tier: 'L3' }))).toBeUndefined();
  });

  it.each(['complaint', 'low_survey_score'] as const)('sends %s straight to a supervisor', (trigger) => {
    expect(targetTier(DEFAULT_LADDER, input({ trigger }))).toBe('L3');
    expect(targetTier(DEFAULT_LADDER, input({ trigger, tier: 'L3' }))).toBeUndefined();
  });

  it('sends an urgent ticket that breached its SLA to L3, a normal one one rung up', () => {
    expect(targetTier(DEFAULT_LADDER, input({ priority: 'urgent', trigger: 'sla_breach' }))).toBe('L3');
    expect(targetTier(DEFAULT_LADDER, input({ priority: 'normal', trigger: 'sla_breach' }))).toBe('L2');
  });
});

describe('escalation ladder (configured)', () => {
  const ladder: Ladder = [
    { categories: ['account_stolen'], from: 'L1', to: 'L3' },
    { priorities: ['low'], triggers: ['customer_request'], to: 'L2' },
  ];

  it('takes the first matching rule by category, priority, trigger and from-tier', () => {
    expect(targetTier(ladder, input({ category: 'account_stolen' }))).toBe('L3');
    expect(targetTier(ladder, input({ category: 'account_stolen', tier: 'L2' }))).toBe('L3');
    expect(targetTier(ladder, input({ priority: 'low', trigger: 'customer_request' }))).toBe('L2');
  });

  it('skips a rule that would not raise the tier and falls back to the next rung', () => {
    expect(targetTier(ladder, input({ priority: 'low', trigger: 'customer_request', tier: 'L2' }))).toBe(
      'L3',
    );
  });

  it('parses a ladder from JSON and rejects bad rules with every problem named', () => {
    expect(parseLadder(JSON.stringify(ladder))).toEqual(ladder);
    expect(parseLadder('[]')).toEqual([]);
    expect(() => parseLadder('{')).toThrow('not valid JSON');
    expect(() => parseLadder('{}')).toThrow('JSON array');
    expect(() =>
      parseLadder(JSON.stringify([{ to: 'L4' }, { from: 'L3', to: 'L2' }, { to: 'L2', colour: 1 }])),
    ).toThrow(/\[0\]\.to must be one of.*\[1\]: escalation only goes up.*\[2\]\.colour is not a rule field/);
    expect(() => parseLadder(JSON.stringify([{ to: 'L2', categories: ['lost_cat'] }]))).toThrow(
      'categories must be a list',
    );
  });
});

describe('escalation ladder by customer segment', () => {
  it('by default sends a VIP whose SLA breached to a supervisor, other VIP escalations one rung up', () => {
    const vip = { segments: ['vip'] };
    expect(targetTier(DEFAULT_LADDER, input({ ...vip, trigger: 'sla_breach' }))).toBe('L3');
    expect(targetTier(DEFAULT_LADDER, input({ ...vip, trigger: 'agent' }))).toBe('L2');
    expect(targetTier(DEFAULT_LADDER, input({ segments: ['new'], trigger: 'sla_breach' }))).toBe('L2');
    expect(targetTier(DEFAULT_LADDER, input({ trigger: 'sla_breach' }))).toBe('L2');
  });

  it('matches a configured rule when the customer is in any of its segments', () => {
    const ladder = parseLadder('[{"segments":["vip","merchant"],"to":"L3"}]');
    expect(ladder).toEqual([{ segments: ['vip', 'merchant'], to: 'L3' }]);
    expect(targetTier(ladder, input({ segments: ['merchant'] }))).toBe('L3');
    expect(targetTier(ladder, input({ segments: [] }))).toBe('L2');
  });

  it('refuses segments that are not a list of names', () => {
    expect(() => parseLadder('[{"segments":"vip","to":"L3"}]')).toThrow(/segments must be a list/);
    expect(() => parseLadder('[{"segments":["VIP!"],"to":"L3"}]')).toThrow(/segments must be a list/);
  });
});
