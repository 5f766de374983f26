import { RoutingCandidate, RoutingTicket, canServe, languageMatches, pickAgent } from './routing';

const agent = (id: string, o: Partial<RoutingCandidate> = {}): RoutingCandidate => ({
  id,
  tier: 'L2',
  languages: ['en'],
  categories: [],
  available: true,
  openTickets: 0,
  maxOpenTickets: 10,
  ...o,
});
const ticket: RoutingTicket = { tier: 'L2', language: 'en', category: 'refund' };

describe('routing: who may take the ticket', () => {
  it('matches languages as BCP 47 ranges, not siblings', () => {
    expect(languageMatches('en', 'en')).toBe(true);
    expect(languageMatches('zh', 'zh-CN')).toBe(true);
    expect(languageMatches('en-GB', 'en')).toBe(true);
    expect(languageMatches('ZH-cn', 'zh-CN')).toBe(true);
    expect(languageMatches('zh-TW', 'zh-CN')).toBe(false);
    expect(languageMatches('en', 'es')).toBe(false);
    expect(languageMatches('e', 'en')).toBe(false);
  });

  it('needs the tier, availability, room, the language and the category (empty = all)', () => {
    expect(canServe(agent('a'), ticket)).toBe(true);
    expect(canServe(agent('a', { tier: 'L3' }), ticket)).toBe(false);
    expect(canServe(agent('a', { available: false }), ticket)).toBe(false);
    expect(canServe(agent('a', { openTickets: 10 }), ticket)).toBe(false);
    expect(canServe(agent('a', { languages: ['zh-CN'] }), ticket)).toBe(false);
    expect(canServe(agent('a', { categories: ['fees'] }), ticket)).toBe(false);
    expect(canServe(agent('a', { categories: ['fees', 'refund'] }), ticket)).toBe(true);
  });
});

describe('routing: which one', () => {
  it('picks the least loaded', () => {
    const picked = pickAgent(
      [agent('a', { openTickets: 3 }), agent('b', { openTickets: 1 }), agent('c', { openTickets: 2 })],
      ticket,
    );
    expect(picked?.id).toBe('b');
  });

  it('breaks ties by longest idle, never-assigned first, then by id', () => {
    const a = agent('a', { openTickets: 1, lastAssignedAt: '2026-03-01T10:00:00Z' });
    const b = agent('b', { openTickets: 1, lastAssignedAt: '2026-03-01T09:00:00Z' });
    expect(pickAgent([a, b], ticket)?.id).toBe('b');
    const c = agent('c', { openTickets: 1 });
    expect(pickAgent([a, b, c], ticket)?.id).toBe('c');
    expect(pickAgent([agent('z'), agent('y')], ticket)?.id).toBe('y');
  });

  it('skips a less loaded agent who cannot serve the ticket, and returns nobody when none can', () => {
    const picked = pickAgent(
      [agent('a', { openTickets: 0, languages: ['zh-CN'] }), agent('b', { openTickets: 5 })],
      ticket,
    );
    expect(picked?.id).toBe('b');
    expect(pickAgent([agent('a', { available: false })], ticket)).toBeUndefined();
    expect(pickAgent([], ticket)).toBeUndefined();
  });
});
