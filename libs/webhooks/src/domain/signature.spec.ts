import { computeSignature, signatureHeader, verifySignature } from './signature';

describe('Kefu-Signature', () => {
  const secret = 'whsec_test_secret';
  const body = '{"id":"evt_1","type":"ticket.created"}';

  it('matches a vector computed independently (openssl dgst -sha256 -hmac)', () => {
    // printf '%s' '1700000000.{"id":"evt_1","type":"ticket.created"}' | openssl dgst -sha256 -hmac whsec_test_secret
    expect(computeSignature(secret, 1700000000, body)).toBe(
      '2fc5295d3285c269dfc6dc4a10fc2667ff07aafdc3a7f63c6a871e2ecbd2fee9',
    );
    expect(signatureHeader(secret, 1700000000, body)).toBe(
      't=1700000000,v1=2fc5295d3285c269dfc6dc4a10fc2667ff07aafdc3a7f63c6a871e2ecbd2fee9',
    );
  });

  it('signs the raw bytes: multi-byte text, whitespace and key order all count', () => {
    const a = computeSignature(secret, 1, '{"a":1,"b":"付款"}');
    expect(computeSignature(secret, 1, '{"b":"付款","a":1}')).not.toBe(a);
    expect(computeSignature(secret, 1, '{"a":1, "b":"付款"}')).not.toBe(a);
    expect(computeSignature(secret, 2, '{"a":1,"b":"付款"}')).not.toBe(a);
  });

  it('verifies like a receiver would: right secret, fresh timestamp, untouched body', () => {
    const now = 1700000000;
    const header = signatureHeader(secret, now, body);
    expect(verifySignature(header, body, secret, { now })).toBe(true);
    expect(verifySignature(header, body, 'whsec_other', { now })).toBe(false);
    expect(verifySignature(header, `${body} `, secret, { now })).toBe(false);
    expect(verifySignature(header, body, secret, { now: now + 301 })).toBe(false);
    expect(verifySignature(`t=${now},v1=deadbeef`, body, secret, { now })).toBe(false);
    expect(verifySignature('garbage', body, secret, { now })).toBe(false);
    // Several v1 entries (secret rotation): any match is enough.
    expect(
      verifySignature(`t=${now},v1=${'0'.repeat(64)},${header.split(',')[1]}`, body, secret, { now }),
    ).toBe(true);
  });
});
