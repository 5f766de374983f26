// Which language a question is in. Short questions defeat statistical detectors ("cant pay" reads as
// French to most of them), so the script decides first: Han characters mean Chinese, kana Japanese,
// Hangul Korean. Only Latin-script text goes to the detector (tinyld, injected by the application
// layer: the domain imports no package). Under three words, or when the detector declines, Latin
// text is taken as English, the help centre's Latin-script language ("cant pay" is not French).
// bench/results/answers.md reports the measured accuracy.

/** The language (ISO 639-1) the detector finds in Latin-script text, or undefined when unsure. */
export type LatinDetector = (text: string) => string | undefined;

export type LanguageSource = 'script' | 'detector' | 'default';

export interface DetectedLanguage {
  /** BCP 47 as tickets and articles use it: `zh-CN`, `en`, `es`, `ja`… */
  language: string;
  source: LanguageSource;
  /** 0–1; 1 for a script decision. */
  confidence: number;
}

export const DEFAULT_LANGUAGE = 'en';
/** Shorter Latin text is too little for any detector: English is the better guess. */
export const MIN_LATIN_WORDS = 3;

const count = (text: string, re: RegExp) => (text.match(re) ?? []).length;

export function detectLanguage(text: string, latin: LatinDetector): DetectedLanguage {
  const han = count(text, /\p{Script=Han}/gu);
  const kana = count(text, /[\p{Script=Hiragana}\p{Script=Katakana}]/gu);
  const hangul = count(text, /\p{Script=Hangul}/gu);
  const latinWords = count(text, /\p{Script=Latin}+/gu);
  // A Chinese word is about two characters: "我的 PayPal 付款失败" is Chinese, "How do I say 退款" is not.
  if (kana > 0 && kana * 2 >= latinWords) return { language: 'ja', source: 'script', confidence: 1 };
  if (hangul > 0 && hangul / 2 >= latinWords) return { language: 'ko', source: 'script', confidence: 1 };
  if (han > 0 && han / 2 >= latinWords) return { language: 'zh-CN', source: 'script', confidence: 1 };
  if (latinWords < MIN_LATIN_WORDS) return { language: DEFAULT_LANGUAGE, source: 'default', confidence: 0 };
  const found = latin(text);
  return found
    ? { language: found, source: 'detector', confidence: 1 }
    : { language: DEFAULT_LANGUAGE, source: 'default', confidence: 0 };
}

/** The primary subtag, lower-cased: `zh-CN` → `zh`. Articles match a question on it. */
export function primaryLanguage(tag: string): string {
  return tag.split('-')[0].toLowerCase();
}
