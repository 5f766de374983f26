// Masked forms of personal data for read models and API responses: enough to recognise a case,
// not enough to be worth stealing. An erased value stays erased.
import { ERASED } from './pii-crypto';

const STARS = '***';

/** `AB1234567` → `4567`: the last four characters (the contract's documentNumberLast4). */
export function last4(value: string): string {
  const v = value.replace(/\s+/g, '');
  return v === ERASED ? ERASED : v.slice(-4);
}

/** `Li Wei` → `L*** W***`. */
export function maskFullName(name: string): string {
  if (name === ERASED) return ERASED;
  const words = name.trim().split(/\s+/).filter(Boolean);
  if (!words.length) return STARS;
  return words.map((w) => `${Array.from(w)[0]}${STARS}`).join(' ');
}

/** `li.wei@example.com` → `l***@example.com`. */
export function maskEmailAddress(email: string): string {
  if (email === ERASED) return ERASED;
  const e = email.trim();
  const at = e.lastIndexOf('@');
  if (at <= 0 || at === e.length - 1) return maskFullName(e);
  return `${Array.from(e)[0]}${STARS}@${e.slice(at + 1)}`;
}

/** `+86 138 0000 1234` → `*******1234`. */
export function maskPhoneNumber(phone: string): string {
  if (phone === ERASED) return ERASED;
  const digits = phone.replace(/\D/g, '');
  return `*******${digits.length > 4 ? digits.slice(-4) : ''}`;
}
