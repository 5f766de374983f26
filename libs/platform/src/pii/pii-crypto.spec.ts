import { randomBytes } from 'node:crypto';
import {
  collectSealed,
  deriveKek,
  isSealed,
  mapSealed,
  masterKeyId,
  newDataKey,
  openValue,
  parseSealed,
  sealValue,
  unwrapDataKey,
  wrapDataKey,
} from './pii-crypto';
import { last4, maskEmailAddress, maskFullName, maskPhoneNumber } from './masking';

describe('pii envelope crypto', () => {
  const master = randomBytes(32);
  const kek = deriveKek(master);

  it('seals a value for a subject so that only its data key opens it, and the text is not in it', () => {
    const key = newDataKey();
    const sealed = sealValue(key, { subjectId: 'cust-1', generation: 1 }, 'Li Wei');
    expect(isSealed(sealed)).toBe(true);
    expect(sealed).not.toContain('Li Wei');
    expect(parseSealed(sealed)).toMatchObject({ subjectId: 'cust-1', generation: 1 });
    expect(openValue(key, sealed)).toBe('Li Wei');
    expect(() => openValue(newDataKey(), sealed)).toThrow();
  });

  it('binds the subject: a ciphertext moved to another subject does not open', () => {
    const key = newDataKey();
    const sealed = sealValue(key, { subjectId: 'cust-1', generation: 1 }, 'x');
    const moved = sealed.replace(
      Buffer.from('cust-1').toString('base64url'),
      Buffer.from('cust-2').toString('base64url'),
    );
    expect(() => openValue(key, moved)).toThrow();
  });

  it('wraps data keys under the master key, bound to subject and generation', () => {
    const key = newDataKey();
    const wrapped = wrapDataKey(kek, key, 'cust-1', 1);
    expect(unwrapDataKey(kek, wrapped, 'cust-1', 1).equals(key)).toBe(true);
    expect(() => unwrapDataKey(kek, wrapped, 'cust-1', 2)).toThrow();
    expect(() => unwrapDataKey(deriveKek(randomBytes(32)), wrapped, 'cust-1', 1)).toThrow();
  });

  it('fingerprints master keys without revealing them', () => {
    expect(masterKeyId(master)).toBe(masterKeyId(Buffer.from(master)));
    expect(masterKeyId(master)).not.toBe(masterKeyId(randomBytes(32)));
    expect(masterKeyId(master)).not.toContain(master.toString('hex').slice(0, 8));
  });

  it('finds and maps sealed strings at any depth', () => {
    const key = newDataKey();
    const s = sealValue(key, { subjectId: 'c', generation: 1 }, 'secret');
    const payload = { a: s, b: [{ c: s }, 'plain'], d: 3, e: null };
    expect(collectSealed(payload)).toEqual([s, s]);
    expect(mapSealed(payload, (x) => openValue(key, x))).toEqual({
      a: 'secret',
      b: [{ c: 'secret' }, 'plain'],
      d: 3,
      e: null,
    });
  });

  it('masks: last 4 of a document number, initials of a name, domain of an email, last 4 of a phone', () => {
    expect(last4('G 1234 5678')).toBe('5678');
    expect(maskFullName('Li Wei')).toBe('L*** W***');
    expect(maskEmailAddress('li.wei@example.com')).toBe('l***@example.com');
    expect(maskPhoneNumber('+86 138 0000 1234')).toBe('*******1234');
    expect(maskFullName('[erased]')).toBe('[erased]');
  });
});
