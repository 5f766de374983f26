import type { DomainEvent } from '@kefu/kernel';
import { Actor } from '../context/request-context';

export interface EventMetadata {
  correlationId?: string;
  causationId?: string;
  actor?: Actor;
  channel?: string;
  /** W3C trace context of the request or job that wrote the event (only while tracing is on). */
  traceparent?: string;
  [key: string]: unknown;
}

export interface NewEvent<T extends string = string, D = unknown> extends DomainEvent<T, D> {
  eventId?: string;
  schemaVersion?: number;
  metadata?: EventMetadata;
}

export interface StoredEvent<T extends string = string, D = unknown> {
  globalPosition: string;
  transactionId: string;
  streamId: string;
  streamType: string;
  streamPosition: number;
  eventId: string;
  type: T;
  schemaVersion: number;
  data: D;
  metadata: EventMetadata;
  createdAt: Date;
}

/**
 * exact version (>= 0; 0 = the stream has no events), `no_stream`, `any`, or `stream_exists`.
 * Streams start at version 0; the first event has stream position 1.
 */
export type ExpectedVersion = number | 'no_stream' | 'any' | 'stream_exists';

export interface AppendRequest {
  streamId: string;
  streamType: string;
  events: NewEvent[];
  expectedVersion: ExpectedVersion;
}

export interface AppendResult {
  streamId: string;
  nextExpectedVersion: number;
  events: StoredEvent[];
}

/** A position in the global log: read strictly after it. */
export interface LogCursor {
  transactionId: string;
  globalPosition: string;
}

export const LOG_START: LogCursor = { transactionId: '0', globalPosition: '0' };

export function encodeCursor(c: LogCursor): string {
  return Buffer.from(`${c.transactionId}.${c.globalPosition}`).toString('base64url');
}

export function decodeCursor(s: string): LogCursor | undefined {
  const m = /^(\d{1,20})\.(\d{1,20})$/.exec(Buffer.from(s, 'base64url').toString('utf8'));
  return m ? { transactionId: m[1], globalPosition: m[2] } : undefined;
}

export function cursorOf(e: StoredEvent): LogCursor {
  return { transactionId: e.transactionId, globalPosition: e.globalPosition };
}
