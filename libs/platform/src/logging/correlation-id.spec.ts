import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { correlationIdFromHeaders, ensureCorrelationId, isSaneCorrelationId } from './correlation-id';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('correlation ids', () => {
  it('accepts short printable ids and refuses the rest', () => {
    expect(isSaneCorrelationId('req-123_abc.DEF:9')).toBe(true);
    expect(isSaneCorrelationId('x'.repeat(128))).toBe(true);
    expect(isSaneCorrelationId('x'.repeat(129))).toBe(false);
    expect(isSaneCorrelationId('')).toBe(false);
    expect(isSaneCorrelationId('has space')).toBe(false);
    expect(isSaneCorrelationId('line\nbreak')).toBe(false);
    expect(isSaneCorrelationId('ünïcode')).toBe(false);
  });

  it('takes X-Request-Id, then X-Correlation-Id, else makes a UUID', () => {
    expect(correlationIdFromHeaders({ 'x-request-id': 'a', 'x-correlation-id': 'b' })).toBe('a');
    expect(correlationIdFromHeaders({ 'x-correlation-id': 'b' })).toBe('b');
    expect(correlationIdFromHeaders({ 'x-request-id': 'bad value' })).toMatch(UUID);
    expect(correlationIdFromHeaders({})).toMatch(UUID);
  });

  it('decides once per request and echoes it in the response', () => {
    const req = new IncomingMessage(new Socket());
    const res = new ServerResponse(req);
    const id = ensureCorrelationId(req, res);
    expect(ensureCorrelationId(req, res)).toBe(id);
    expect(res.getHeader('X-Request-Id')).toBe(id);
  });
});
