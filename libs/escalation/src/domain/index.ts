// @kefu/escalation/domain: the pure side of escalation, plain TypeScript (no Nest, no I/O). Domain code
// imports this entry point, never the lib's Nest barrel @kefu/escalation (ADR 0015).
export * from './ladder';
export * from './routing';
export * from './escalation.events';
export * from './escalation.decider';
