import { unknownId } from '@kefu/platform';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ticket ids are opaque: one not of the shape Kefu issues (UUID) names no ticket — NOT_FOUND. */
export function assertTicketId(id: string, field = 'id'): void {
  if (!isTicketIdShape(id)) throw unknownId(field, 'ticket');
}

export const isTicketIdShape = (id: string): boolean => UUID.test(id);
