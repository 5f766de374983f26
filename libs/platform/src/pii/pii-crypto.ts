import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';

// Envelope encryption of personal data: each customer (the "subject") has data keys (AES-256-GCM,
// 32 random bytes); the data keys are stored wrapped by a key-encryption key derived from
// PII_MASTER_KEY. Destroying a subject's data keys makes every value sealed for it unreadable.

const KEK_INFO = 'kefu pii data keys';
const KEY_ID_INFO = 'kefu pii master key id';
/** Sealed values start with this: readers find them anywhere in a payload by the prefix. */
export const SEALED_PREFIX = 'pii1.';
/** What a sealed value reads as once its subject's key is destroyed. */
export const ERASED = '[erased]';

export function deriveKek(masterKey: Buffer): Buffer {
  if (masterKey.length !== 32) throw new Error('the master key must be 32 bytes');
  return Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), KEK_INFO, 32));
}

/** A short, non-secret fingerprint of a master key: which key wrapped a data key. */
export function masterKeyId(masterKey: Buffer): string {
  const derived = Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), KEY_ID_INFO, 32));
  return createHash('sha256').update(derived).digest('hex').slice(0, 16);
}

export function newDataKey(): Buffer {
  return randomBytes(32);
}

function gcmSeal(key: Buffer, plain: Buffer, aad: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const ct = Buffer.concat([cipher.update(plain), cipher.final()]);
  return [iv, ct, cipher.getAuthTag()].map((b) => b.toString('base64url')).join('.');
}

function gcmOpen(key: Buffer, sealed: string, aad: string): Buffer {
  const [iv, ct, tag] = sealed.split('.');
  if (!iv || ct === undefined || !tag) throw new Error('malformed ciphertext');
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
  decipher.setAAD(Buffer.from(aad, 'utf8'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]);
}

/** A data key wrapped for storage; the subject and generation are bound in as associated data. */
export function wrapDataKey(kek: Buffer, dataKey: Buffer, subjectId: string, generation: number): string {
  return gcmSeal(kek, dataKey, `${subjectId}#${generation}`);
}

export function unwrapDataKey(kek: Buffer, wrapped: string, subjectId: string, generation: number): Buffer {
  return gcmOpen(kek, wrapped, `${subjectId}#${generation}`);
}

export interface SealedRef {
  subjectId: string;
  generation: number;
}

/**
 * `pii1.<subject, base64url>.<generation>.<iv>.<ciphertext>.<tag>`: self-describing, so any reader
 * (timeline, asOf, projections, webhooks) can open it without knowing the event's schema.
 */
export function sealValue(dataKey: Buffer, ref: SealedRef, clear: string): string {
  const subject = Buffer.from(ref.subjectId, 'utf8').toString('base64url');
  const aad = `${ref.subjectId}#${ref.generation}`;
  return `${SEALED_PREFIX}${subject}.${ref.generation}.${gcmSeal(dataKey, Buffer.from(clear, 'utf8'), aad)}`;
}

export function isSealed(v: unknown): v is string {
  return typeof v === 'string' && v.startsWith(SEALED_PREFIX);
}

export function parseSealed(v: string): (SealedRef & { body: string }) | undefined {
  if (!isSealed(v)) return undefined;
  const parts = v.slice(SEALED_PREFIX.length).split('.');
  if (parts.length !== 5) return undefined;
  const [subject, gen, ...body] = parts;
  const generation = Number(gen);
  if (!Number.isInteger(generation) || generation < 1) return undefined;
  return { subjectId: Buffer.from(subject, 'base64url').toString('utf8'), generation, body: body.join('.') };
}

export function openValue(dataKey: Buffer, sealed: string): string {
  const p = parseSealed(sealed);
  if (!p) throw new Error('not a sealed value');
  return gcmOpen(dataKey, p.body, `${p.subjectId}#${p.generation}`).toString('utf8');
}

/** Every sealed string anywhere in a JSON value. */
export function collectSealed(value: unknown, out: string[] = []): string[] {
  if (isSealed(value)) out.push(value);
  else if (Array.isArray(value)) for (const v of value) collectSealed(v, out);
  else if (value !== null && typeof value === 'object')
    for (const v of Object.values(value as Record<string, unknown>)) collectSealed(v, out);
  return out;
}

/** A copy of a JSON value with each sealed string replaced by `open(sealed)`. */
export function mapSealed<T>(value: T, open: (sealed: string) => string): T {
  if (isSealed(value)) return open(value) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => mapSealed(v, open)) as T;
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = mapSealed(v, open);
    return out as T;
  }
  return value;
}

/**
 * A copy of `obj` with the string values at the dotted `paths` passed through `seal` (absent and
 * empty values are left alone). Deciders name their events' personal fields; handlers seal them.
 */
export function sealPaths<T>(obj: T, paths: readonly string[], seal: (clear: string) => string): T {
  if (paths.length === 0 || obj === null || typeof obj !== 'object') return obj;
  const out: Record<string, unknown> = { ...(obj as Record<string, unknown>) };
  const groups = new Map<string, string[]>();
  for (const p of paths) {
    const [head, ...rest] = p.split('.');
    if (rest.length === 0) {
      const v = out[head];
      if (typeof v === 'string' && v !== '' && !isSealed(v)) out[head] = seal(v);
    } else groups.set(head, [...(groups.get(head) ?? []), rest.join('.')]);
  }
  for (const [head, sub] of groups) out[head] = sealPaths(out[head], sub, seal);
  return out as T;
}
