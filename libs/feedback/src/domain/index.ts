// @kefu/feedback/domain: the pure side of feedback, plain TypeScript (no Nest, no I/O). Domain code
// imports this entry point, never the lib's Nest barrel @kefu/feedback (ADR 0015).
export * from './survey';
export * from './feedback';
