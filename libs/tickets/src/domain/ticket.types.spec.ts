import { DomainRuleError, isIsoDateTime, normaliseLanguageTag, utf8Length, CATEGORIES } from '@kefu/kernel';
import { TICKET_EVENT_TYPES } from './ticket.events';
import {
  defaultPriorityFor,
  escalationLevelOf,
  formatTicketNumber,
  nextTier,
  parseTicketNumber,
} from './ticket.types';

describe('ticket numbers', () => {
  it.each([
    [1, 'KF-000001'],
    [123, 'KF-000123'],
    [999_999, 'KF-999999'],
    [1_000_000, 'KF-1000000'],
  ])('%d → %s and back', (n, s) => {
    expect(formatTicketNumber(n)).toBe(s);
    expect(parseTicketNumber(s)).toBe(n);
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses to format %d', (n) => {
    expect(() => formatTicketNumber(n)).toThrow(RangeError);
  });

  it('parses case-insensitively and refuses anything else', () => {
    expect(parseTicketNumber('kf-000123')).toBe(123);
    expect(parseTicketNumber('KF-123')).toBeUndefined();
    expect(parseTicketNumber('KF-000000')).toBeUndefined();
    expect(parseTicketNumber('123')).toBeUndefined();
  });
});

describe('defaultPriorityFor', () => {
  it('covers all 16 categories of DOMAIN.md', () => {
    expect(CATEGORIES).toHaveLength(16);
    expect(Object.fromEntries(CATEGORIES.map((c) => [c, defaultPriorityFor(c)]))).toEqual({
      payment_failed: 'normal',
      account_locked: 'high',
      account_stolen: 'urgent',
      password_reset: 'normal',
      transaction_dispute: 'high',
      refund: 'normal',
      refund_not_received: 'normal',
      abnormal_charge: 'high',
      card_unbinding: 'normal',
      cross_border: 'normal',
      fees: 'normal',
      privacy: 'normal',
      technical: 'normal',
      feature_question: 'low',
      complaint: 'normal',
      other: 'normal',
    });
  });
});

describe('tiers', () => {
  it('go L1 → L2 → L3 and stop; the level mirrors the tier', () => {
    expect([nextTier('L1'), nextTier('L2'), nextTier('L3')]).toEqual(['L2', 'L3', undefined]);
    expect([escalationLevelOf('L1'), escalationLevelOf('L2'), escalationLevelOf('L3')]).toEqual([0, 1, 2]);
  });
});

describe('language tags', () => {
  it.each([
    ['en', 'en'],
    ['EN', 'en'],
    ['zh-cn', 'zh-CN'],
    ['zh-hant-tw', 'zh-Hant-TW'],
    ['es-419', 'es-419'],
    ['fil', 'fil'],
  ])('%s → %s', (raw, tag) => {
    expect(normaliseLanguageTag(raw)).toBe(tag);
  });

  it.each(['', 'english', 'zh_CN', 'e', 'zh-CN-x', 'en-1'])('%j is refused', (raw) => {
    expect(normaliseLanguageTag(raw)).toBeUndefined();
  });
});

describe('helpers', () => {
  it('counts UTF-8 bytes', () => {
    expect([utf8Length('a'), utf8Length('é'), utf8Length('€'), utf8Length('😀')]).toEqual([1, 2, 3, 4]);
  });

  it('recognises ISO 8601 date-times', () => {
    expect(isIsoDateTime('2026-03-01T09:00:00.000Z')).toBe(true);
    expect(isIsoDateTime('2026-03-01T09:00+08:00')).toBe(true);
    expect(isIsoDateTime('2026-03-01')).toBe(false);
    expect(isIsoDateTime('2026-13-01T09:00:00Z')).toBe(false);
  });

  it('rule errors carry the platform codes and field violations', () => {
    const e = DomainRuleError.validation([{ field: 'subject', message: 'must not be empty' }]);
    expect(e).toBeInstanceOf(DomainRuleError);
    expect(e).toMatchObject({ code: 'validation_failed', message: 'subject: must not be empty' });
    expect(DomainRuleError.notFound('Ticket', 't-1').message).toBe('Ticket t-1 was not found.');
  });

  it('lists every event type once', () => {
    expect(new Set(TICKET_EVENT_TYPES).size).toBe(21);
  });
});
