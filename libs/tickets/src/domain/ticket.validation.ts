// Shape checks for ticket commands: each returns the normalised input or throws validation_failed
// listing every problem. They never look at the ticket's state.
import {
  Violations,
  absent,
  body,
  integerIn,
  isIsoDateTime,
  languageTag,
  oneOf,
  optionalText,
  requiredText,
  unique,
  CATEGORIES,
  CHANNELS,
  Category,
  Channel,
  CustomerRef,
  PRIORITIES,
  Priority,
  TransactionRef,
} from '@kefu/kernel';
import { MessageInput, OpenTicketData } from './ticket.commands';
import { Attachment } from './ticket.types';

export const LIMITS = {
  /** 64 KiB of UTF-8, for descriptions and message bodies. */
  bodyBytes: 64 * 1024,
  subjectChars: 250,
  reasonChars: 2000,
  idChars: 200,
  nameChars: 200,
  tagsPerTicket: 20,
  attachmentsPerMessage: 20,
  urlChars: 2048,
  /** GraphQL Int. */
  maxInt: 2_147_483_647,
  /** A quiet period longer than a year is a misconfiguration, not a policy. */
  quietPeriodSeconds: 366 * 24 * 3600,
} as const;

const TAG = /^[a-z0-9][a-z0-9_-]{0,49}$/;
const CURRENCY = /^[A-Z]{3}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const PHONE = /^\+?[0-9][0-9 ()-]{2,31}$/;
const CONTENT_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/i;
const HTTP_URL = /^https?:\/\/[^\s]+$/i;
const SHA256 = /^[0-9a-f]{64}$/i;

/** Tags are case-insensitive: trimmed and lower-cased before the format check. */
export function normaliseTags(v: Violations, field: string, raw: unknown): string[] {
  if (absent(raw)) return [];
  if (!Array.isArray(raw)) {
    v.add(field, 'must be a list of tags');
    return [];
  }
  const tags: string[] = [];
  raw.forEach((t: unknown, i) => {
    const tag = typeof t === 'string' ? t.trim().toLowerCase() : '';
    if (TAG.test(tag)) tags.push(tag);
    else v.add(`${field}[${i}]`, 'must be 1-50 of a-z, 0-9, _ and -, starting with a letter or digit');
  });
  return unique(tags);
}

export const MAX_SEGMENTS = 10;

/** Segments (`vip`, `merchant`) are slugs like tags: trimmed, lower-cased, at most 10. */
export function normaliseSegments(v: Violations, field: string, raw: unknown): string[] {
  const segments = normaliseTags(v, field, raw);
  if (segments.length > MAX_SEGMENTS) v.add(field, `at most ${MAX_SEGMENTS} segments`);
  return segments;
}

export function validateCustomer(v: Violations, field: string, c: CustomerRef): CustomerRef {
  const id = requiredText(v, `${field}.id`, c.id, LIMITS.idChars);
  const name = optionalText(v, `${field}.name`, c.name, LIMITS.nameChars);
  const email = optionalText(v, `${field}.email`, c.email, LIMITS.nameChars);
  if (email !== undefined && !EMAIL.test(email)) v.add(`${field}.email`, 'must be an email address');
  const phone = optionalText(v, `${field}.phone`, c.phone, 32);
  if (phone !== undefined && !PHONE.test(phone)) v.add(`${field}.phone`, 'must be a phone number');
  return {
    id,
    ...(name === undefined ? {} : { name }),
    ...(email === undefined ? {} : { email }),
    ...(phone === undefined ? {} : { phone }),
  };
}

export function validateTransaction(v: Violations, field: string, t: TransactionRef): TransactionRef {
  const id = requiredText(v, `${field}.id`, t.id, LIMITS.idChars);
  if (typeof t.amount !== 'number' || !Number.isSafeInteger(t.amount) || t.amount < 0) {
    v.add(`${field}.amount`, 'must be a non-negative integer in minor units');
  }
  const currency = typeof t.currency === 'string' ? t.currency.trim().toUpperCase() : '';
  if (!CURRENCY.test(currency)) v.add(`${field}.currency`, 'must be an ISO 4217 code such as USD or CNY');
  if (!absent(t.occurredAt) && !isIsoDateTime(t.occurredAt)) {
    v.add(`${field}.occurredAt`, 'must be an ISO 8601 date-time');
  }
  const merchantId = optionalText(v, `${field}.merchantId`, t.merchantId, LIMITS.idChars);
  return {
    id,
    amount: t.amount,
    currency,
    ...(absent(t.occurredAt) ? {} : { occurredAt: t.occurredAt }),
    ...(merchantId === undefined ? {} : { merchantId }),
  };
}

export function validateAttachments(v: Violations, field: string, raw: unknown): Attachment[] {
  if (absent(raw)) return [];
  if (!Array.isArray(raw)) {
    v.add(field, 'must be a list of attachments');
    return [];
  }
  if (raw.length > LIMITS.attachmentsPerMessage) {
    v.add(field, `at most ${LIMITS.attachmentsPerMessage} attachments per message`);
  }
  return raw.map((item: unknown, i) => {
    const f = `${field}[${i}]`;
    const a = (typeof item === 'object' && item !== null ? item : {}) as Partial<Attachment>;
    const name = requiredText(v, `${f}.name`, a.name, 255);
    const contentType = typeof a.contentType === 'string' ? a.contentType.trim().toLowerCase() : '';
    if (!CONTENT_TYPE.test(contentType)) v.add(`${f}.contentType`, 'must be a media type such as image/png');
    const size = integerIn(v, `${f}.size`, a.size, 0, LIMITS.maxInt);
    const url = typeof a.url === 'string' ? a.url.trim() : '';
    if (!HTTP_URL.test(url) || url.length > LIMITS.urlChars) v.add(`${f}.url`, 'must be an http(s) URL');
    const sha256 = typeof a.sha256 === 'string' ? a.sha256.trim().toLowerCase() : undefined;
    if (!absent(a.sha256) && (sha256 === undefined || !SHA256.test(sha256))) {
      v.add(`${f}.sha256`, 'must be 64 hexadecimal characters');
    }
    return { name, contentType, size, url, ...(sha256 === undefined ? {} : { sha256 }) };
  });
}

export function validateMessage(input: MessageInput): Required<MessageInput> {
  const v = new Violations();
  const messageId = requiredText(v, 'messageId', input.messageId, LIMITS.idChars);
  const text = body(v, 'body', input.body, LIMITS.bodyBytes);
  const attachments = validateAttachments(v, 'attachments', input.attachments);
  v.throwIfAny();
  return { messageId, body: text, attachments };
}

export interface ValidOpenTicket {
  ticketId: string;
  number: number;
  subject: string;
  description: string;
  category: Category;
  priority?: Priority;
  channel?: Channel;
  language: string;
  customer?: CustomerRef;
  transaction?: TransactionRef;
  tags: string[];
  externalRef?: string;
  segments: string[];
}

/** Defaults that depend on the actor (channel, customer) or the category are applied by the decider. */
export function validateOpenTicket(d: OpenTicketData, opts: { requireCustomer: boolean }): ValidOpenTicket {
  const v = new Violations();
  const ticketId = requiredText(v, 'ticketId', d.ticketId, LIMITS.idChars);
  const number = integerIn(v, 'number', d.number, 1, Number.MAX_SAFE_INTEGER);
  const subject = requiredText(v, 'subject', d.subject, LIMITS.subjectChars);
  const description = body(v, 'description', d.description, LIMITS.bodyBytes).trim();
  // `?? 'other'` is never used: the violation is recorded and throwIfAny throws.
  const category = oneOf(v, 'category', d.category, CATEGORIES) ?? 'other';
  const priority = absent(d.priority) ? undefined : oneOf(v, 'priority', d.priority, PRIORITIES);
  const channel = absent(d.channel) ? undefined : oneOf(v, 'channel', d.channel, CHANNELS);
  const language = absent(d.language) ? 'en' : languageTag(v, 'language', d.language);
  const customer = absent(d.customer) ? undefined : validateCustomer(v, 'customer', d.customer);
  if (!customer && opts.requireCustomer) v.add('customer.id', 'must not be empty');
  const transaction = absent(d.transaction)
    ? undefined
    : validateTransaction(v, 'transaction', d.transaction);
  const tags = normaliseTags(v, 'tags', d.tags);
  if (tags.length > LIMITS.tagsPerTicket) v.add('tags', `a ticket has at most ${LIMITS.tagsPerTicket} tags`);
  const externalRef = optionalText(v, 'externalRef', d.externalRef, LIMITS.idChars);
  const segments = unique([
    ...normaliseSegments(v, 'customer.segments', absent(d.customer) ? undefined : d.customer.segments),
    ...normaliseSegments(v, 'segments', d.segments),
  ]).sort();
  v.throwIfAny();
  return {
    ticketId,
    number,
    subject,
    description,
    category,
    ...(priority === undefined ? {} : { priority }),
    ...(channel === undefined ? {} : { channel }),
    language,
    ...(customer === undefined ? {} : { customer }),
    ...(transaction === undefined ? {} : { transaction }),
    tags,
    ...(externalRef === undefined ? {} : { externalRef }),
    segments,
  };
}
