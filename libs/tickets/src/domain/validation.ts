// The input checks moved to @kefu/kernel (issue 14). These names stay importable from here until
// the `@kefu/*/*` wildcard goes (item 2); new code imports @kefu/kernel.
export {
  Violations,
  absent,
  body,
  integerIn,
  isIsoDateTime,
  languageTag,
  normaliseLanguageTag,
  oneOf,
  optionalText,
  requiredText,
  sameItems,
  unique,
  utf8Length,
} from '@kefu/kernel';
