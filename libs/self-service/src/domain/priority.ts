// The suggested priority: DOMAIN.md's default for the category, raised when the question itself
// signals a takeover or fraud in progress (urgent: money may be leaving now) or asks for haste (one
// step up, at most high: asking loudly does not make a case urgent).
import { Category, Priority } from '@kefu/kernel';
import { defaultPriorityFor } from '@kefu/tickets/domain';
import { normalise } from './text';

const TAKEOVER_OR_FRAUD = [
  /\bhack(ed|er|ing)?\b/,
  /\bstolen\b/,
  /\bstole\b/,
  /\bfraud/,
  /\bscam(med)?\b/,
  /\bunauthori[sz]ed\b/,
  /\b(didn'?t|did not|never) (make|made|authori[sz]e)/,
  /\bsomeone (else )?(logged|is using|used|took|changed)/,
  /被盗/,
  /盗刷/,
  /盗用/,
  /诈骗/,
  /被骗/,
  /不是我(本人)?操作/,
  /被别人(登录|转走|改)/,
  /被黑/,
];

const HASTE = [
  /\burgent/,
  /\basap\b/,
  /\bimmediately\b/,
  /\bright now\b/,
  /紧急/,
  /急/,
  /马上/,
  /立刻/,
  /尽快/,
];

const ORDER: Priority[] = ['low', 'normal', 'high', 'urgent'];

export type PriorityReason = 'category' | 'takeover_or_fraud' | 'haste';

export function suggestPriority(
  category: Category,
  question: string,
): { priority: Priority; reason: PriorityReason } {
  const text = normalise(question);
  const base = defaultPriorityFor(category);
  if (TAKEOVER_OR_FRAUD.some((re) => re.test(text)))
    return { priority: 'urgent', reason: 'takeover_or_fraud' };
  if (HASTE.some((re) => re.test(text)) && ORDER.indexOf(base) < ORDER.indexOf('high'))
    return { priority: ORDER[ORDER.indexOf(base) + 1], reason: 'haste' };
  return { priority: base, reason: 'category' };
}
