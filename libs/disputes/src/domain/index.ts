// @kefu/disputes/domain: the pure side of disputes, plain TypeScript (no Nest, no I/O). Domain code
// imports this entry point, never the lib's Nest barrel @kefu/disputes (ADR 0015).
export * from './dispute.types';
export * from './dispute.events';
export * from './dispute.commands';
export * from './dispute.decider';
export * from './dispute-slot.decider';
