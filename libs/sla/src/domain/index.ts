// @kefu/sla/domain: the pure side of sla, plain TypeScript (no Nest, no I/O). Domain code
// imports this entry point, never the lib's Nest barrel @kefu/sla (ADR 0015).
export * from './business-time';
export * from './sla-config';
