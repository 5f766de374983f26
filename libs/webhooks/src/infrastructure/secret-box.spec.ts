import { hkdfSync, randomBytes } from 'node:crypto';
import { WebhookSecretBox, newWebhookSecret } from './secret-box';

describe('webhook secrets at rest', () => {
  const master = randomBytes(32);
  const box = new WebhookSecretBox(master);

  it('makes whsec_ secrets of 32 random bytes', () => {
    const s = newWebhookSecret();
    expect(s).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(s.slice(6), 'base64url')).toHaveLength(32);
    expect(newWebhookSecret()).not.toBe(s);
  });

  it('round-trips, never stores the secret in clear, and uses a fresh IV each time', () => {
    const s = newWebhookSecret();
    const a = box.seal(s, 'ep-1');
    const b = box.seal(s, 'ep-1');
    expect(a).not.toBe(b);
    expect(a).not.toContain(s.slice(6));
    expect(box.open(a, 'ep-1')).toBe(s);
    expect(box.open(b, 'ep-1')).toBe(s);
  });

  it('refuses a ciphertext moved to another endpoint, tampered with, or under another master key', () => {
    const sealed = box.seal('whsec_x', 'ep-1');
    expect(() => box.open(sealed, 'ep-2')).toThrow();
    const parts = sealed.split('.');
    parts[2] = Buffer.from('whsec_y').toString('base64url');
    expect(() => box.open(parts.join('.'), 'ep-1')).toThrow();
    expect(() => new WebhookSecretBox(randomBytes(32)).open(sealed, 'ep-1')).toThrow();
    expect(() => box.open('garbage', 'ep-1')).toThrow('not a sealed webhook secret');
  });

  it('derives its key with HKDF-SHA256 and the documented info string (not the master key itself)', () => {
    const derived = Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), 'kefu webhook secrets', 32));
    expect(derived.equals(master)).toBe(false);
    expect((box as unknown as { key: Buffer }).key.equals(derived)).toBe(true);
  });
});
