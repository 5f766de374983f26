// @kefu/account-recovery/domain: the pure side of account-recovery, plain TypeScript (no Nest, no I/O). Domain code
// imports this entry point, never the lib's Nest barrel @kefu/account-recovery (ADR 0015).
export * from './recovery.types';
export * from './recovery.events';
export * from './recovery.commands';
export * from './recovery.decider';
