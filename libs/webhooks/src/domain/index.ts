// @kefu/webhooks/domain: the pure side of webhooks, plain TypeScript (no Nest, no I/O). Domain code
// imports this entry point, never the lib's Nest barrel @kefu/webhooks (ADR 0015).
export * from './event-mapper';
export * from './masking';
export * from './signature';
export * from './backoff';
export * from './url-safety';
export * from './delivery-id';
export * from './ticket-event.schemas';
