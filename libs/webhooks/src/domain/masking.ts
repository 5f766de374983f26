// Personal data in public payloads (webhooks, the event feed) is masked: enough for a partner's
// support staff to recognise the case, not enough to be worth stealing from a receiver's logs.

const STARS = '***';
/** What an erased customer's personal fields read as (see the pii vault): shown as is. */
const ERASED = '[erased]';

/** `Li Wei` → `L***`. */
export function maskName(name: string): string {
  if (name === ERASED) return ERASED;
  const first = Array.from(name.trim())[0];
  return first ? `${first}${STARS}` : STARS;
}

/** `li.wei@example.com` → `l***@example.com`; something without an `@` is masked like a name. */
export function maskEmail(email: string): string {
  if (email === ERASED) return ERASED;
  const e = email.trim();
  const at = e.lastIndexOf('@');
  if (at <= 0 || at === e.length - 1) return maskName(e);
  return `${Array.from(e)[0]}${STARS}@${e.slice(at + 1)}`;
}

/** `+86 138 0000 1234` → `*******1234`: the last four digits, behind a fixed-width mask. */
export function maskPhone(phone: string): string {
  if (phone === ERASED) return ERASED;
  const digits = phone.replace(/\D/g, '');
  return `*******${digits.length > 4 ? digits.slice(-4) : ''}`;
}

export interface CustomerLike {
  id: string;
  name?: string;
  email?: string;
  phone?: string;
}

/** The customer reference as partners see it: the wallet account id (theirs) kept, the rest masked. */
export function maskCustomer(c: CustomerLike): CustomerLike {
  return {
    id: c.id,
    ...(typeof c.name === 'string' && c.name ? { name: maskName(c.name) } : {}),
    ...(typeof c.email === 'string' && c.email ? { email: maskEmail(c.email) } : {}),
    ...(typeof c.phone === 'string' && c.phone ? { phone: maskPhone(c.phone) } : {}),
  };
}
