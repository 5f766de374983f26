// Input checks shared by the domain folders: one Violations, one way to count length, one message
// per rule. Each check reports every problem at once (clients fix a form in one round trip) and
// returns the normalised value. Plain TypeScript: no Buffer, no TextEncoder.
import { DomainRuleError, FieldViolation, RuleError } from './rule-error';

/** The one message of each rule, so a client sees the same words for the same mistake everywhere. */
export const MESSAGES = {
  required: 'is required',
  notString: 'must be a string',
  empty: 'must not be empty',
  tooManyChars: (max: number) => `must be at most ${max} characters`,
  tooManyBytes: (max: number) => `must be at most ${max} bytes`,
  oneOf: (allowed: readonly string[]) => `must be one of ${allowed.join(', ')}`,
  integerIn: (min: number, max: number) => `must be an integer from ${min} to ${max}`,
  languageTag: 'must be a BCP 47 language tag such as en or zh-CN',
} as const;

/** Something that makes the module's validation_failed refusal (DomainRuleError by default). */
export interface ValidationErrorClass {
  validation(errors: FieldViolation[]): RuleError<string>;
}

export class Violations {
  private readonly collected: FieldViolation[] = [];

  constructor(private readonly errorClass: ValidationErrorClass = DomainRuleError) {}

  add(field: string, message: string): void {
    this.collected.push({ field, message });
  }

  get any(): boolean {
    return this.collected.length > 0;
  }

  get list(): readonly FieldViolation[] {
    return this.collected;
  }

  /** Throws validation_failed (of the class given at construction) with every violation, if any. */
  throwIfAny(): void {
    if (this.collected.length) throw this.errorClass.validation([...this.collected]);
  }
}

/** Length as people count it: in characters (code points), so an emoji is one, not two. */
export function charLength(s: string): number {
  return [...s].length;
}

/** Bytes in UTF-8, counted without Buffer/TextEncoder so the domain stays plain TypeScript. */
export function utf8Length(s: string): number {
  let bytes = 0;
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0;
    bytes += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
  }
  return bytes;
}

/** Required text: trimmed, not empty, at most `maxChars` characters. */
export function requiredText(v: Violations, field: string, value: unknown, maxChars: number): string {
  if (absent(value)) {
    v.add(field, MESSAGES.required);
    return '';
  }
  if (typeof value !== 'string') {
    v.add(field, MESSAGES.notString);
    return '';
  }
  const t = value.trim();
  if (t === '') v.add(field, MESSAGES.empty);
  else if (charLength(t) > maxChars) v.add(field, MESSAGES.tooManyChars(maxChars));
  return t;
}

/** GraphQL sends omitted optional inputs as null, REST as undefined: both mean "not given". */
export function absent(value: unknown): value is undefined | null {
  return value === undefined || value === null;
}

/**
 * Optional text: undefined/null stays undefined; otherwise like requiredText. With `blankIsAbsent`
 * a blank string means "not given" too (a survey comment left empty) instead of a violation.
 */
export function optionalText(
  v: Violations,
  field: string,
  value: unknown,
  maxChars: number,
  opts: { blankIsAbsent?: boolean } = {},
): string | undefined {
  if (absent(value)) return undefined;
  if (opts.blankIsAbsent && typeof value === 'string' && value.trim() === '') return undefined;
  return requiredText(v, field, value, maxChars);
}

/** Optional text that must match `pattern` once trimmed; `what` completes "must be …". */
export function matching(v: Violations, field: string, value: unknown, pattern: RegExp, what: string): void {
  if (absent(value)) return;
  if (typeof value !== 'string' || !pattern.test(value.trim())) v.add(field, `must be ${what}`);
}

/** A message body: not blank, at most `maxBytes` UTF-8 bytes. Kept as written (no trimming). */
export function body(v: Violations, field: string, value: unknown, maxBytes: number): string {
  if (typeof value !== 'string' || value.trim() === '') {
    v.add(
      field,
      absent(value) ? MESSAGES.required : typeof value === 'string' ? MESSAGES.empty : MESSAGES.notString,
    );
    return '';
  }
  if (utf8Length(value) > maxBytes) v.add(field, MESSAGES.tooManyBytes(maxBytes));
  return value;
}

export function oneOf<T extends string>(
  v: Violations,
  field: string,
  value: unknown,
  allowed: readonly T[],
): T | undefined {
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  v.add(field, MESSAGES.oneOf(allowed));
  return undefined;
}

export function integerIn(v: Violations, field: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    v.add(field, MESSAGES.integerIn(min, max));
    return min;
  }
  return value;
}

// language[-Script][-REGION]: `en`, `zh-CN`, `zh-Hant-TW`, `es-419`. Enough of BCP 47 for routing.
const LANGUAGE_TAG = /^([a-z]{2,3})(?:-([a-z]{4}))?(?:-([a-z]{2}|\d{3}))?$/i;

/** A BCP 47 tag in canonical case (`zh-cn` → `zh-CN`, `zh-hant` → `zh-Hant`), or undefined. */
export function normaliseLanguageTag(tag: string): string | undefined {
  const m = LANGUAGE_TAG.exec(tag.trim());
  if (!m) return undefined;
  const [, lang, script, region] = m;
  let out = lang.toLowerCase();
  if (script) out += `-${script[0].toUpperCase()}${script.slice(1).toLowerCase()}`;
  if (region) out += `-${region.toUpperCase()}`;
  return out;
}

export function languageTag(v: Violations, field: string, value: unknown): string {
  const tag = typeof value === 'string' ? normaliseLanguageTag(value) : undefined;
  if (!tag) v.add(field, MESSAGES.languageTag);
  return tag ?? '';
}

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/;

export function isIsoDateTime(value: unknown): value is string {
  return typeof value === 'string' && ISO_DATE_TIME.test(value) && !Number.isNaN(Date.parse(value));
}

/** Removes duplicates, keeping the first occurrence's position. */
export function unique<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}

export function sameItems<T>(a: readonly T[], b: readonly T[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
