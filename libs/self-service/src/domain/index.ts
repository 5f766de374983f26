// @kefu/self-service/domain: the pure side of self-service, plain TypeScript (no Nest, no I/O). Domain code
// imports this entry point, never the lib's Nest barrel @kefu/self-service (ADR 0015).
export * from './answer-session.events';
export * from './answer-session.decider';
export * from './wait-estimate';
export * from './classifier';
