import { DomainError } from '@kefu/platform';

/**
 * Opaque page cursors: base64url of [kind, sort value, id]. A cursor from another ordering (or a
 * made-up one) is refused with validation_failed rather than silently restarting the list.
 */
export function encodePageCursor(kind: string, value: string | number, id: string): string {
  return Buffer.from(JSON.stringify([kind, value, id])).toString('base64url');
}

export function decodePageCursor(cursor: string, kind: string): { value: string | number; id: string } {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(parsed) &&
      parsed.length === 3 &&
      parsed[0] === kind &&
      (typeof parsed[1] === 'string' || typeof parsed[1] === 'number') &&
      typeof parsed[2] === 'string'
    ) {
      return { value: parsed[1], id: parsed[2] };
    }
  } catch {
    // fall through
  }
  throw DomainError.validation([{ field: 'cursor', message: 'is not a cursor of this list' }]);
}
