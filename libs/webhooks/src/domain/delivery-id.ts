import { createHash } from 'node:crypto';

/**
 * The delivery of one event to one endpoint has one id, whoever computes it and however often: a
 * name-based UUID (RFC 9562 version 8, from SHA-256, like version 5 is from SHA-1).
 */
export function deliveryIdOf(eventId: string, endpointId: string): string {
  const b = createHash('sha256')
    .update(`kefu-webhook-delivery\n${eventId.toLowerCase()}\n${endpointId.toLowerCase()}`)
    .digest();
  b[6] = (b[6] & 0x0f) | 0x80; // version 8
  b[8] = (b[8] & 0x3f) | 0x80; // RFC 4122 variant
  const h = b.subarray(0, 16).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}
