// @kefu/refunds/domain: the pure side of refunds, plain TypeScript (no Nest, no I/O). Domain code
// imports this entry point, never the lib's Nest barrel @kefu/refunds (ADR 0015).
export * from './refund.types';
export * from './refund.events';
export * from './refund.commands';
export * from './refund.decider';
export * from './refund-ledger.decider';
